/**
 * `stock-etl/testing`: a faithful fake Alpha Vantage server for your own tests, examples and
 * benchmarks.
 *
 * @packageDocumentation
 */

// The same SHA-256 the library's budget stores key by, so recorded requests and `api_usage` rows match.
export { hashApiKey } from '../alpha-vantage/budget-store';
export { FAULT_KINDS } from './faults';
export { DEFAULT_LISTING } from './listing';
export {
  dailyLimitText,
  freeBurstText,
  PREMIUM_ENDPOINT_TEXT,
  premiumParameterText,
} from './notices';
export {
  type FakeAlphaVantage,
  type FakeAlphaVantageOptions,
  LIVE_PREMIUM_FUNCTIONS,
  LIVE_PREMIUM_PARAMETERS,
  PLAN_LIMITS,
} from './options';
export { INDEX_CATALOG } from './profile';
export { startFakeAlphaVantage } from './server';
export type { FakeCalendar } from './sessions';
export type {
  FakeFaultOptions,
  FakeFixture,
  FakeKeyConfig,
  FakeListingEntry,
  FakePlan,
  FakePremiumParameter,
  FakeRateLimit,
  FakeStats,
  FaultKind,
  FaultSpec,
  RecordedRequest,
  RequestFilter,
  RequestOutcome,
} from './types';
