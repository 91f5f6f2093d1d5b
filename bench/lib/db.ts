/**
 * Database helpers: a dedicated schema per benchmark section (created with `installSchema`,
 * dropped at the end) so a benchmark never touches real data and two runs never collide.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { installSchema } from '../../src/db';
import { toDb } from '../../src/db/adapters';
import type { Db } from '../../src/db/types';

/** PostgreSQL the benchmark runs against. */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh random schema name, `bench_<hex>`. */
export function benchSchemaName(): string {
  return `bench_${randomBytes(4).toString('hex')}`;
}

/** A schema with the stock-etl tables installed, and how to drop it. */
export interface BenchSchema {
  /** Schema name. */
  name: string;
  /** `"schema".stock_prices_intraday`, ready to splice into SQL. */
  intraday: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/** Installs the stock-etl tables into a new random schema of `db`. */
export async function freshSchema(
  handle: pg.Pool | Db | Parameters<typeof toDb>[0],
): Promise<BenchSchema> {
  const db = toDb(handle);
  const name = benchSchemaName();
  await installSchema(db, { schema: name });
  return {
    name,
    intraday: `"${name}".stock_prices_intraday`,
    drop: () => db.exec(`DROP SCHEMA IF EXISTS "${name}" CASCADE`),
  };
}

/** A pool on {@link DATABASE_URL}. */
export function newPool(max = 10): pg.Pool {
  return new pg.Pool({ connectionString: DATABASE_URL, max });
}

/** Server version string, e.g. `15.20`. */
export async function serverVersion(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  return rows[0]?.v ?? 'unknown';
}
