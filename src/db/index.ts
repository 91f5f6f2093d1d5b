export { toDb } from './adapters';
export {
  DATA_DIR_LOCK_FILE,
  type DataDirLockHolder,
  type DataDirLockWait,
} from './data-dir-lock';
export { createEmbeddedDb, type EmbeddedDbOptions } from './embedded';
export type { EmbeddedDb, EmbeddedQueryResult, EmbeddedTransaction } from './embedded-db';
export { DEFAULT_SCHEMA, quoteSchema } from './identifier';
export {
  getInstallSql,
  type InstallResult,
  type InstallSchemaOptions,
  installSchema,
  SCHEMA_VERSION,
} from './install';
export type { Migration } from './migration';
export { installedSchemaVersion } from './schema-version';
export { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS } from './scoped-db';
export type {
  Db,
  DbHandle,
  PgClientLike,
  PgliteLike,
  PgPoolClientLike,
  PgPoolLike,
  QueryResult,
  TransactionOptions,
} from './types';
