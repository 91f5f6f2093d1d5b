export { toDb } from './adapters';
export { createEmbeddedDb, type EmbeddedDbOptions } from './embedded';
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
export type {
  Db,
  DbHandle,
  PgClientLike,
  PgliteLike,
  PgPoolClientLike,
  PgPoolLike,
  QueryResult,
} from './types';
