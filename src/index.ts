/**
 * stock-etl: extract stock market data from Alpha Vantage, validate and transform it, and load it
 * into PostgreSQL or embedded PGlite with fast, idempotent batch upserts.
 *
 * @packageDocumentation
 */

export * from './alpha-vantage';
export * from './calendar';
export { type Clock, systemClock } from './clock';
export * from './db';
export * from './errors';
export { type EventMap, type Listener, TypedEmitter } from './events';
export {
  addCounts,
  type ColumnSpec,
  type ColumnType,
  type LoadCallOptions,
  type LoadCounts,
  Loader,
  type LoaderOptions,
  type LoadMethod,
  PostgresBudgetStore,
  type PostgresBudgetStoreOptions,
  type TableSpec,
  type UpsertOptions,
  upsertRows,
} from './load';
export { type LogFields, type Logger, noopLogger } from './logger';
export * from './pipeline';
export * from './schedule';
export * from './streaming';
export { parseWallClock, utcMsToWallClock, wallClockToUtcMs, zoneOffsetMinutes } from './time/zone';
export * from './transform';
