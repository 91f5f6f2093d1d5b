/**
 * stock-etl: extract stock market data from Alpha Vantage, validate and transform it, and load it
 * into PostgreSQL or embedded PGlite with fast, idempotent batch upserts.
 *
 * @packageDocumentation
 */

// The public surface, listed by name (as ky's index does): every name here is a promise, and
// test/unit/contract/exports.test.ts lists the runtime names again, so that a change to the
// surface is a visible decision (and a CHANGELOG line). Internal helpers stay in their modules,
// marked `@internal`. One statement per source file, sorted by path (as Biome keeps them).

// Extract: the Alpha Vantage client, its options, budgets and parsed result types.
export {
  type BudgetScope,
  type BudgetStore,
  type BudgetUsage,
  budgetDay,
  hashApiKey,
  type KnownRefusal,
  MemoryBudgetStore,
} from './alpha-vantage/budget-store';
export type { RateLimitKind } from './alpha-vantage/classify';
export type { CallOptions } from './alpha-vantage/client';
export type {
  DailyOptions,
  IndexDataOptions,
  IntradayOptions,
  ListingStatusOptions,
  OutputSize,
} from './alpha-vantage/endpoint-options';
export { DEFAULT_ENTITLEMENT_TTL_MS } from './alpha-vantage/entitlements';
export { AlphaVantageExtractor, BULK_QUOTES_MAX_SYMBOLS } from './alpha-vantage/extractor';
export type { ExtractorEvents } from './alpha-vantage/extractor-events';
export {
  type AlphaVantageExtractorOptions,
  type AlphaVantagePlan,
  PLANS,
  planLimits,
  type RateLimitOptions,
  type RetryOptions,
} from './alpha-vantage/options';
export type { MalformedRowsMode } from './alpha-vantage/parse/series';
export { FREE_ALTERNATIVES, type FreeAlternative } from './alpha-vantage/premium';
export type { BudgetSnapshot, RateBudget, RateLimits } from './alpha-vantage/rate-limiter';
export type {
  RateAcquireResult,
  RateTicket,
  RateWindow,
  SharedRateLimit,
} from './alpha-vantage/shared-rate-limit';
export {
  type AdjustedPriceBar,
  type BulkQuote,
  type CompanyOverview,
  type DecimalString,
  INTRADAY_INTERVALS,
  type IndexBar,
  type IndexCatalogEntry,
  type IntradayInterval,
  type ListingEntry,
  type MalformedBar,
  type MarketStatusEntry,
  type PriceBar,
  type Quote,
  type SeriesMeta,
  type SymbolMatch,
  type TimeSeries,
} from './alpha-vantage/types';
export {
  FIRST_INTRADAY_MONTH,
  MAX_KEYWORDS_LENGTH,
  MAX_SYMBOL_LENGTH,
  normalizeSymbol,
} from './alpha-vantage/validate';

// Calendar: NYSE sessions, holidays and early closes.
export { MarketCalendar } from './calendar/market-calendar';
export {
  NYSE_ONE_OFF_CLOSURES,
  NYSE_ONE_OFF_EARLY_CLOSES,
  type OneOffClosure,
  type OneOffEarlyClose,
} from './calendar/one-offs';
export type { MarketCalendarOptions, MarketHoursOptions, MarketSession } from './calendar/types';

// Time: the injectable clock.
export { type Clock, systemClock } from './clock';

// Database: handles, the embedded database, the schema install.
export { toDb } from './db/adapters';
export type { DataDirLockHolder, DataDirLockWait } from './db/data-dir-lock';
export { createEmbeddedDb, type EmbeddedDbOptions } from './db/embedded';
export type { EmbeddedDb, EmbeddedQueryResult, EmbeddedTransaction } from './db/embedded-db';
export { DEFAULT_SCHEMA } from './db/identifier';
export {
  getInstallSql,
  type InstallResult,
  type InstallSchemaOptions,
  installSchema,
  SCHEMA_VERSION,
} from './db/install';
export type { Migration } from './db/migration';
export { installedSchemaVersion } from './db/schema-version';
export { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS } from './db/scoped-db';
export type {
  Db,
  DbHandle,
  PgClientLike,
  PgliteLike,
  PgPoolClientLike,
  PgPoolLike,
  QueryResult,
  TransactionOptions,
} from './db/types';

// Errors: the base class, one class per failure, and guards that compare `code`.
export { AbortedError } from './errors/aborted-error';
export {
  type AlphaVantageNotice,
  ApiError,
  type ApiErrorOptions,
  DailyLimitError,
  InvalidApiKeyError,
  InvalidRequestError,
  PremiumEndpointError,
  type PremiumEndpointErrorOptions,
  type PremiumParameter,
  RateLimitError,
  type RateLimitErrorOptions,
  ResponseFormatError,
  UnrecognizedNoticeError,
  UpstreamError,
  type UpstreamErrorOptions,
} from './errors/api-errors';
export { DatabaseError, type DatabaseErrorOptions } from './errors/database-error';
export {
  isAbortedError,
  isDailyLimitError,
  isDatabaseError,
  isInvalidApiKeyError,
  isInvalidRequestError,
  isPremiumEndpointError,
  isRateLimitError,
  isRejectedRowsError,
  isResponseFormatError,
  isSchemaError,
  isSourceFileError,
  isStepError,
  isUpstreamError,
  isValidationError,
} from './errors/guards';
export { RejectedRowsError } from './errors/rejected-rows-error';
export { SchemaError, type SchemaErrorReason } from './errors/schema-error';
export { SourceFileError, type SourceFileReason } from './errors/source-file-error';
export { StepError } from './errors/step-error';
export {
  isStockEtlError,
  StockEtlError,
  type StockEtlErrorCode,
  type StockEtlErrorJSON,
  type StockEtlErrorOptions,
} from './errors/stock-etl-error';
export { ValidationError } from './errors/validation-error';

// Events: the listener types of every `on()`.
export type { EventMap, Listener } from './events';

// The Extractor port another source implements.
export type { ExtractCallOptions, Extractor, PipelineExtractor } from './extractor';

// Load: the Loader, its table map and counts, the shared budget store and rate limit, backfill
// reject counts.
export type { BackfillRejectEntry, BackfillRejectsReport } from './load/backfill-rejects';
export {
  DEFAULT_BATCH_SIZE,
  DEFAULT_COPY_THRESHOLD,
  DEFAULT_LOAD_METHOD,
  LOAD_METHODS,
  type LoadMethod,
  type UpsertOptions,
} from './load/load-options';
export type { LoadTable, LoadTables, TableLoadOptions } from './load/load-tables';
export { type LoadCallOptions, Loader, type LoaderOptions } from './load/loader';
export { PostgresBudgetStore, type PostgresBudgetStoreOptions } from './load/postgres-budget-store';
export {
  DEFAULT_IN_FLIGHT_TIMEOUT_MS,
  PostgresRateLimit,
  type PostgresRateLimitOptions,
} from './load/postgres-rate-limit';
export type { ColumnSpec, ColumnType, TableSpec } from './load/table-spec';
export type { LoadCounts } from './load/upsert';

// Logging: the injectable logger.
export { type LogFields, type Logger, noopLogger } from './logger';

// Pipeline: runs, batches, backfills, events, status and health.
export { DEFAULT_MAX_REFETCHES } from './pipeline/backfill';
export { DATASETS, type Dataset } from './pipeline/datasets';
export {
  type BudgetSource,
  type HealthCheckItem,
  type HealthCheckOptions,
  type HealthReport,
  healthCheck,
} from './pipeline/health';
export { DEFAULT_STALE_JOB_AFTER_MS } from './pipeline/lease';
export {
  type BackfillOptions,
  type BatchOptions,
  Pipeline,
  type PipelineOptions,
  type RunOptions,
} from './pipeline/pipeline';
export {
  type FreshnessEntry,
  getStatus,
  type StatusOptions,
  type StatusReport,
} from './pipeline/status';
export type {
  BackfillMonth,
  BackfillProgress,
  BackfillRejectedMonth,
  BackfillResult,
  BatchInput,
  BatchResult,
  JobCounts,
  JobError,
  JobResult,
  PipelineEvents,
  RowsCommitted,
} from './pipeline/types';

// Schedule: the original system's jobs in your own process.
export type { ScheduleConfig } from './schedule/config';
export {
  DEFAULT_JOB_NAMES,
  DEFAULT_SCHEDULE_JOBS,
  type DefaultJobName,
  type DefaultJobOverrides,
  type DefaultJobsOptions,
  defaultScheduleJobs,
  FREE_KEY_JOB_CHANGES,
} from './schedule/defaults';
export { createSchedule, Schedule } from './schedule/schedule';
export {
  MARKET_CONDITIONS,
  type MarketCondition,
  type PlannedRun,
  type ScheduleBudgetCheck,
  type ScheduleEvents,
  type ScheduleJob,
  type ScheduleOptions,
  type SchedulePipeline,
  type ScheduleRunResult,
  type ScheduleSkipEvent,
  type ScheduleTaskContext,
} from './schedule/types';

// Sources other than the live API: the file extractor and the recording fetch.
export { FileExtractor, type FileExtractorOptions } from './sources/file-extractor';
export { type ResponseKey, responseFileBase } from './sources/file-names';
export { type RecordingFetchOptions, recordingFetch } from './sources/recording-fetch';

// Streaming: near-real-time quotes.
export { MIN_INTERVAL_MS } from './streaming/options';
export type { QuoteIteratorOptions } from './streaming/quote-feed';
export {
  type AdaptiveStrategyOptions,
  adaptiveStrategy,
  budgetGap,
  budgetStrategy,
  fixedStrategy,
  STRATEGY_REPLAN_MS,
  type StrategyContext,
  type StrategyPlan,
  type StreamingBudget,
  type StreamStrategy,
  type StreamStrategyName,
  type SymbolHistory,
} from './streaming/strategy';
export { StreamingService } from './streaming/streaming-service';
export {
  MAX_STREAM_SYMBOLS,
  type MarketClosedEvent,
  type MarketOpenEvent,
  type ModeSwitchEvent,
  type PauseEvent,
  type PollFinishEvent,
  type PollStartEvent,
  type StopEvent,
  type StopReason,
  type StreamingCallOptions,
  type StreamingErrorEvent,
  type StreamingEvents,
  type StreamingExtractor,
  type StreamingMode,
  type StreamingOptions,
  type StreamingStats,
  type StreamQuote,
  type SymbolDroppedEvent,
} from './streaming/types';

// Transform: the Transformer and its steps, the pure transform functions, rows and bounds.
export {
  DEFAULT_FUTURE_SKEW_MS,
  EARLIEST_DAILY_DATE,
  EARLIEST_INDEX_DATE,
  EARLIEST_INTRADAY_DATE,
  TRADING_DAY_CHECK_FROM,
  type TradingCalendar,
} from './transform/bounds';
export { REJECT_POLICIES, type RejectPolicy, type TransformContext } from './transform/context';
export { type IntradayContext, transformIntraday } from './transform/intraday';
export {
  type BulkQuoteContext,
  type QuoteContext,
  transformBulkQuotes,
  transformQuote,
} from './transform/quotes';
export {
  type ListingContext,
  type OverviewContext,
  transformListing,
  transformOverview,
} from './transform/reference';
export type {
  DailyPriceRow,
  IndexPriceRow,
  IntradayPriceRow,
  PeriodPriceRow,
  QuoteRow,
  RejectedRow,
  StockRow,
  TransformResult,
} from './transform/rows';
export {
  transformDaily,
  transformIndex,
  transformMonthly,
  transformWeekly,
} from './transform/series';
export type {
  StepContext,
  StepKind,
  StepRows,
  TransformStep,
  TransformSteps,
} from './transform/steps';
export {
  type BulkQuotesCall,
  type IntradayCall,
  type OverviewCall,
  type QuoteCall,
  type TransformCall,
  Transformer,
  type TransformerOptions,
} from './transform/transformer';
