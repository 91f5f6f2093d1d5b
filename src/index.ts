/**
 * stock-etl: extract stock market data from Alpha Vantage, validate and transform it, and load it
 * into PostgreSQL or embedded PGlite with fast, idempotent batch upserts.
 *
 * @packageDocumentation
 */

export type { Clock } from './clock';
export { systemClock } from './clock';
export {
  createEmbeddedDb,
  type Db,
  type DbHandle,
  DEFAULT_SCHEMA,
  type EmbeddedDbOptions,
  getInstallSql,
  type InstallResult,
  type InstallSchemaOptions,
  installSchema,
  type Migration,
  type PgClientLike,
  type PgliteLike,
  type PgPoolClientLike,
  type PgPoolLike,
  type QueryResult,
  SCHEMA_VERSION,
  toDb,
} from './db';
export * from './errors';
export { type EventMap, type Listener, TypedEmitter } from './events';
export { type LogFields, type Logger, noopLogger } from './logger';
