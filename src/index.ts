/**
 * stock-etl: extract stock market data from Alpha Vantage, validate and transform it, and load it
 * into PostgreSQL or embedded PGlite with fast, idempotent batch upserts.
 *
 * @packageDocumentation
 */

export * from './alpha-vantage';
// Issue 13: scale-out — the rate limit shared by every process using one key (per second and per
// minute; per day stays the budget store's), and its PostgreSQL implementation. The queue itself
// (pg-boss) is the separate entry point `stock-etl/queue`.
export type {
  RateAcquireResult,
  RateTicket,
  RateWindow,
  SharedRateLimit,
} from './alpha-vantage/shared-rate-limit';
export * from './calendar';
export { type Clock, systemClock } from './clock';
export * from './db';
export * from './errors';
// Composable stages (issue 11): the Extractor port and the file source, the Transformer and its
// steps, Loader.load's table map, the rows:committed event, and their errors.
export {
  isSourceFileError,
  isStepError,
  SourceFileError,
  type SourceFileReason,
  StepError,
} from './errors';
export { type EventMap, type Listener, TypedEmitter } from './events';
export type { ExtractCallOptions, Extractor, PipelineExtractor } from './extractor';
export type { LoadTable, LoadTables, TableLoadOptions } from './load';
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
export {
  DEFAULT_IN_FLIGHT_TIMEOUT_MS,
  PostgresRateLimit,
  type PostgresRateLimitOptions,
} from './load/postgres-rate-limit';
export { type LogFields, type Logger, noopLogger } from './logger';
export type { RowsCommitted } from './pipeline';
export * from './pipeline';
export * from './schedule';
export {
  FileExtractor,
  type FileExtractorOptions,
  type RecordingFetchOptions,
  type ResponseKey,
  recordingFetch,
  responseFileBase,
} from './sources';
export * from './streaming';
export { parseWallClock, utcMsToWallClock, wallClockToUtcMs, zoneOffsetMinutes } from './time/zone';
export * from './transform';
export {
  type BulkQuotesCall,
  type IntradayCall,
  type OverviewCall,
  type QuoteCall,
  type StepContext,
  type StepKind,
  type StepRows,
  type TransformCall,
  Transformer,
  type TransformerOptions,
  type TransformStep,
  type TransformSteps,
} from './transform';
