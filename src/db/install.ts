import { throwIfAborted } from '../errors/aborted-error';
import { sqlstateOf } from '../errors/database-error';
import { SchemaError } from '../errors/schema-error';
import { ValidationError } from '../errors/validation-error';
import { toDb } from './adapters';
import { DEFAULT_SCHEMA, quoteSchema, withSchema } from './identifier';
import type { Migration } from './migration';
import { MIGRATIONS } from './migrations.generated';
import type { Db, DbHandle } from './types';

/** Options of {@link installSchema}. */
export interface InstallSchemaOptions {
  /**
   * Schema to install into; created when missing.
   * @default 'stock_etl'
   */
  schema?: string;
  /**
   * Aborts the install: the statement in flight (a migration, or the wait for another process's
   * install) is cancelled and nothing of it is committed.
   */
  signal?: AbortSignal;
  /**
   * How long to wait for another process's install (or a conflicting lock) before failing.
   * @default 60000
   */
  lockTimeoutMs?: number;
}

/** What {@link installSchema} did. */
export interface InstallResult {
  /** The schema name. */
  schema: string;
  /** Migration numbers applied by this call (empty when the schema was already current). */
  applied: number[];
  /** The schema version after the call: the highest applied migration number. */
  current: number;
}

/** The schema version this package ships (the highest migration number). */
export const SCHEMA_VERSION: number = MIGRATIONS.at(-1)?.id ?? 0;

/**
 * Creates or upgrades the stock-etl tables in `schema` (default `stock_etl`). Idempotent: a second
 * call applies nothing. Safe when several processes call it at once: the whole install runs in one
 * transaction under `pg_advisory_xact_lock` keyed on database + schema, with `SET LOCAL
 * lock_timeout`.
 *
 * Refuses, with {@link SchemaError}, a database where an applied migration's checksum differs from
 * the shipped file (someone edited it), or where a *breaking* migration newer than this package is
 * applied (upgrade the package first). Non-breaking newer migrations are tolerated.
 *
 * @param db - a `pg.Pool`, `pg.Client` or PGlite instance
 * @example
 * ```ts
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const { applied, current } = await installSchema(pool);
 * ```
 */
export async function installSchema(
  db: DbHandle,
  options: InstallSchemaOptions = {},
): Promise<InstallResult> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const quoted = quoteSchema(schema);
  const lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
  if (!Number.isInteger(lockTimeoutMs) || lockTimeoutMs < 1) {
    throw new ValidationError('lockTimeoutMs must be a positive integer', {
      field: 'options.lockTimeoutMs',
    });
  }
  const { signal } = options;
  throwIfAborted(signal, 'schema install');
  const handle = toDb(db);
  try {
    return await handle.transaction((tx) => installInTransaction(tx, schema, quoted, signal), {
      lockTimeoutMs,
      signal,
    });
  } catch (error) {
    if (sqlstateOf(error) === '55P03') {
      throw new SchemaError(
        'lock-timeout',
        `Timed out after ${lockTimeoutMs} ms waiting for the install lock on schema "${schema}"`,
        { cause: error },
      );
    }
    throw error;
  }
}

async function installInTransaction(
  tx: Db,
  schema: string,
  quoted: string,
  signal: AbortSignal | undefined,
): Promise<InstallResult> {
  // 64-bit key from database + schema, so two schemas (or databases) never block each other.
  await tx.query(
    `SELECT pg_advisory_xact_lock(('x' || substr(md5(current_database() || '.' || $1::text), 1, 16))::bit(64)::bigint)`,
    [schema],
  );
  await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
  await tx.exec(
    `CREATE TABLE IF NOT EXISTS ${quoted}.schema_migrations (
       id integer PRIMARY KEY,
       name text NOT NULL,
       checksum text NOT NULL,
       breaking boolean NOT NULL DEFAULT false,
       applied_at timestamptz NOT NULL DEFAULT now()
     )`,
  );
  const { rows } = await tx.query<{
    id: number;
    name: string;
    checksum: string;
    breaking: boolean;
  }>(`SELECT id, name, checksum, breaking FROM ${quoted}.schema_migrations ORDER BY id`);
  checkAppliedMigrations(schema, rows, MIGRATIONS);
  const done = new Set(rows.map((r) => r.id));
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.id)) continue;
    throwIfAborted(signal, 'schema install');
    await tx.exec(withSchema(migration.sql, quoted));
    await tx.query(
      `INSERT INTO ${quoted}.schema_migrations (id, name, checksum, breaking) VALUES ($1, $2, $3, $4)`,
      [migration.id, migration.name, migration.checksum, migration.breaking],
    );
    applied.push(migration.id);
  }
  throwIfAborted(signal, 'schema install');
  const current = Math.max(0, ...rows.map((r) => r.id), ...applied);
  return { schema, applied, current };
}

/**
 * Compares what the database recorded with what this package ships.
 * @internal
 */
export function checkAppliedMigrations(
  schema: string,
  applied: readonly { id: number; name: string; checksum: string; breaking: boolean }[],
  shipped: readonly Migration[],
): void {
  const known = new Map(shipped.map((m) => [m.id, m]));
  const latest = shipped.at(-1)?.id ?? 0;
  for (const row of applied) {
    const migration = known.get(row.id);
    if (migration) {
      if (migration.checksum !== row.checksum) {
        throw new SchemaError(
          'checksum-mismatch',
          `Migration ${row.id} (${row.name}) in schema "${schema}" was applied with checksum ${row.checksum.slice(0, 12)}…, but this package ships ${migration.checksum.slice(0, 12)}…: an applied migration was edited. Restore the original file or add a new migration instead.`,
        );
      }
    } else if (row.id > latest && row.breaking) {
      throw new SchemaError(
        'database-ahead',
        `Schema "${schema}" has breaking migration ${row.id} (${row.name}), newer than this package (version ${latest}). Upgrade stock-etl before using this database.`,
      );
    }
  }
}

/**
 * The SQL that {@link installSchema} would run on an empty database, for teams that apply DDL
 * through their own migration tool. Includes the `schema_migrations` bookkeeping so a later
 * `installSchema` call sees the schema as current.
 */
export function getInstallSql(options: { schema?: string } = {}): string {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const quoted = quoteSchema(schema);
  const parts = [
    'BEGIN;',
    `CREATE SCHEMA IF NOT EXISTS ${quoted};`,
    `CREATE TABLE IF NOT EXISTS ${quoted}.schema_migrations (id integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, breaking boolean NOT NULL DEFAULT false, applied_at timestamptz NOT NULL DEFAULT now());`,
  ];
  for (const m of MIGRATIONS) {
    parts.push(`-- migration ${m.id}: ${m.name}`, withSchema(m.sql, quoted));
    parts.push(
      `INSERT INTO ${quoted}.schema_migrations (id, name, checksum, breaking) VALUES (${m.id}, '${m.name}', '${m.checksum}', ${m.breaking});`,
    );
  }
  parts.push('COMMIT;');
  return parts.join('\n');
}
