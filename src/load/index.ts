export {
  failStaleJobs,
  finishJobLog,
  heartbeatJobLog,
  type JobLogFinish,
  startJobLog,
} from './job-log';
export {
  DEFAULT_BATCH_SIZE,
  DEFAULT_COPY_THRESHOLD,
  DEFAULT_LOAD_METHOD,
  LOAD_METHODS,
  type LoadMethod,
  type UpsertOptions,
} from './load-options';
export type { LoadTable, LoadTables, TableLoadOptions } from './load-tables';
export { type LoadCallOptions, Loader, type LoaderOptions } from './loader';
export { PostgresBudgetStore, type PostgresBudgetStoreOptions } from './postgres-budget-store';
export {
  DEFAULT_IN_FLIGHT_TIMEOUT_MS,
  PostgresRateLimit,
  type PostgresRateLimitOptions,
} from './postgres-rate-limit';
export {
  advanceWatermark,
  boundedRawJson,
  type LedgerMonth,
  MAX_QUARANTINE_ROWS,
  MAX_RAW_CHARS,
  markMonthComplete,
  quarantineRows,
  readLedger,
  readWatermark,
} from './progress';
export type { ColumnSpec, ColumnType, TableSpec } from './table-spec';
export { type LoadCounts, NO_COUNTS, upsertRows } from './upsert';
