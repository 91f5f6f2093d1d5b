import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createEmbeddedDb } from '../db/embedded';
import { DEFAULT_SCHEMA } from '../db/identifier';
import { installedSchemaVersion } from '../db/schema-version';
import type { DbHandle } from '../db/types';
import { isAbortedError, isValidationError } from '../errors';
import { type CliEnv, redactDatabaseUrl } from './env';
import { UsageError } from './usage-error';

/**
 * How long a command waits while another stock-etl process uses the embedded database folder
 * (an hourly `run` next to a long `backfill`): the embedded database serves one process at a time.
 */
const EMBEDDED_LOCK_WAIT_MS = 10 * 60_000;

/** An open database and how to close it. */
export interface OpenedDb {
  db: DbHandle;
  /** Where it is, for messages: `DATABASE_URL=postgres://user:***@host/db` or the embedded folder. */
  where: string;
  close: () => Promise<void>;
}

/** The database could not be opened or reached; the message says which one. Exit code 1. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** A read-only command found no stock-etl schema. Exit code 1. */
export class NoSchemaError extends Error {
  override name = 'NoSchemaError';
}

/** Where the CLI's database is, in words (no password). */
export function describeDb(env: CliEnv): string {
  return env.databaseUrl
    ? `the database at DATABASE_URL=${redactDatabaseUrl(env.databaseUrl)}`
    : `the embedded database in ${env.dataDir} (STOCK_ETL_DATA_DIR)`;
}

/**
 * Opens the CLI's database: `DATABASE_URL`, else the embedded one in `STOCK_ETL_DATA_DIR`. With
 * `create: false` (read-only commands) a missing embedded folder is not created. Either way the
 * connection is tried at once, so an unreachable server fails here, saying which database.
 * `poolSize` is the PostgreSQL pool's size (default 4; `worker` asks for more with `--concurrency`).
 */
export async function openDb(
  env: CliEnv,
  options: { create: boolean; poolSize?: number; signal?: AbortSignal },
): Promise<OpenedDb> {
  const where = describeDb(env);
  if (env.databaseUrl) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString: env.databaseUrl,
      max: options.poolSize ?? 4,
      application_name: 'stock-etl',
    });
    // An idle client that loses its server (restart, idle timeout) emits 'error' and the pool
    // replaces it; without a listener that would kill the process.
    pool.on('error', () => {});
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end().catch(() => {});
      throw new DatabaseUnavailableError(`cannot connect to ${where}: ${reason(error)}`);
    }
    return { db: pool, where, close: () => pool.end() };
  }
  if (!options.create && !existsSync(join(env.dataDir, 'PG_VERSION'))) {
    throw new NoSchemaError(noSchemaMessage(env));
  }
  try {
    const db = await createEmbeddedDb({
      dataDir: env.dataDir,
      lockWaitMs: EMBEDDED_LOCK_WAIT_MS,
      ...(options.signal ? { signal: options.signal } : {}),
      onLockWait: (w) =>
        console.error(
          `stock-etl: data folder ${w.dataDir} in use by PID ${w.holder.pid}; waiting (${Math.round(w.waitedMs / 1000)} s of at most ${w.timeoutMs / 1000} s)…`,
        ),
    });
    return { db, where, close: () => db.close() };
  } catch (error) {
    // A bad STOCK_ETL_DATA_DIR (a file, a folder of other files) is the user's input: say so.
    if (isValidationError(error)) throw new UsageError(`STOCK_ETL_DATA_DIR: ${error.message}`);
    if (isAbortedError(error)) throw error;
    throw new DatabaseUnavailableError(`cannot open ${where}: ${reason(error)}`);
  }
}

/** Throws {@link NoSchemaError} unless stock-etl's schema is installed in the open database. */
export async function requireSchema(opened: OpenedDb, env: CliEnv): Promise<number> {
  const version = await installedSchemaVersion(opened.db, { schema: env.schema ?? DEFAULT_SCHEMA });
  if (version === null) throw new NoSchemaError(noSchemaMessage(env));
  return version;
}

function noSchemaMessage(env: CliEnv): string {
  return `no schema here — run \`stock-etl init-db\` (schema "${env.schema ?? DEFAULT_SCHEMA}" in ${describeDb(env)})`;
}

function reason(error: unknown): string {
  const e = error as { message?: string; code?: string; errors?: { message?: string }[] };
  // pg reports a failed multi-address connect as an AggregateError with an empty message.
  const message = e.message || e.errors?.map((x) => x.message).join('; ') || String(error);
  return e.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
}
