/**
 * `stock-etl/testing`: a faithful fake Alpha Vantage server for your own tests, examples and
 * benchmarks.
 *
 * @packageDocumentation
 */
export { FAULT_KINDS } from './faults';
export { DEFAULT_LISTING } from './listing';
export { type FakeAlphaVantage, type FakeAlphaVantageOptions, PLAN_LIMITS } from './options';
export { INDEX_CATALOG } from './profile';
export { hashApiKey, startFakeAlphaVantage } from './server';
export type { FakeCalendar } from './sessions';
export type {
  FakeFaultOptions,
  FakeFixture,
  FakeKeyConfig,
  FakeListingEntry,
  FakePlan,
  FakeRateLimit,
  FakeStats,
  FaultKind,
  FaultSpec,
  RecordedRequest,
  RequestFilter,
  RequestOutcome,
} from './types';
