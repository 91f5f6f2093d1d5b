import type { Db } from '../db/types';

/**
 * The read-only statements behind `getStatus` and `healthCheck`, one named function each. `q` is
 * the already quoted schema name (`quoteSchema`).
 */

/** Every table `getStatus` reports the size of, in report order. @internal */
export const STATUS_TABLES = [
  'stocks',
  'stock_prices',
  'stock_prices_weekly',
  'stock_prices_monthly',
  'stock_prices_intraday',
  'stock_quotes',
  'market_indices',
  'market_index_prices',
  'etl_job_logs',
  'etl_rejected_rows',
  'etl_watermarks',
  'etl_backfill_ledger',
] as const;

/** Below this planner estimate a table is counted exactly (cheap, and more useful). */
const EXACT_COUNT_BELOW = 100_000;

/** Answers when the database is reachable; throws what the driver threw otherwise. @internal */
export async function pingDb(db: Db): Promise<void> {
  await db.query('SELECT 1');
}

/**
 * The newest applied migration of the schema, 0 when none; throws when the schema (its
 * `schema_migrations` table) does not exist. @internal
 */
export async function readSchemaVersion(db: Db, q: string): Promise<number> {
  const { rows } = await db.query<{ v: number | null }>(
    `SELECT max(id)::int AS v FROM ${q}.schema_migrations`,
  );
  return rows[0]?.v ?? 0;
}

/** A failed job of `etl_job_logs`. @internal */
export interface FailedJobRow {
  id: number;
  symbol: string | null;
  dataset: string;
  startedAt: Date;
  errorCode: string | null;
  errorMessage: string | null;
}

/** The newest `limit` failed jobs started at or after `since`, newest first. @internal */
export async function listRecentFailures(
  db: Db,
  q: string,
  since: Date,
  limit = 10,
): Promise<FailedJobRow[]> {
  const { rows } = await db.query<{
    id: number;
    symbol: string | null;
    dataset: string;
    started_at: string | Date;
    error_code: string | null;
    error_message: string | null;
  }>(
    `SELECT id::int AS id, symbol, dataset, started_at, error_code, error_message
       FROM ${q}.etl_job_logs WHERE status = 'failed' AND started_at >= $1
      ORDER BY started_at DESC, id DESC LIMIT $2`,
    [since.toISOString(), limit],
  );
  return rows.map((r) => ({
    id: r.id,
    symbol: r.symbol ?? null,
    dataset: r.dataset,
    startedAt: new Date(r.started_at),
    errorCode: r.error_code ?? null,
    errorMessage: r.error_message ?? null,
  }));
}

/** A row of `etl_watermarks`. @internal */
export interface WatermarkRow {
  symbol: string;
  dataset: string;
  /** The newest loaded point: a `YYYY-MM-DD` date or an ISO instant. */
  lastPoint: string;
  lastSuccessAt: Date;
}

/** Every watermark, most recently advanced first. @internal */
export async function listWatermarks(db: Db, q: string): Promise<WatermarkRow[]> {
  const { rows } = await db.query<{
    symbol: string;
    dataset: string;
    last_point: string;
    last_success_at: string | Date;
  }>(
    `SELECT symbol, dataset, last_point, last_success_at FROM ${q}.etl_watermarks
      ORDER BY last_success_at DESC, symbol, dataset`,
  );
  return rows.map((r) => ({
    symbol: r.symbol,
    dataset: r.dataset,
    lastPoint: r.last_point,
    lastSuccessAt: new Date(r.last_success_at),
  }));
}

/** The watermarks of the daily series (`daily`, `daily_adjusted`), unordered. @internal */
export async function listDailyWatermarks(
  db: Db,
  q: string,
): Promise<{ symbol: string; dataset: string; lastPoint: string }[]> {
  const { rows } = await db.query<{ symbol: string; dataset: string; last_point: string }>(
    `SELECT symbol, dataset, last_point FROM ${q}.etl_watermarks
      WHERE dataset IN ('daily', 'daily_adjusted')`,
  );
  return rows.map((r) => ({ symbol: r.symbol, dataset: r.dataset, lastPoint: r.last_point }));
}

/** Size of one table: rows (exact below 100 000, else the planner's estimate) and bytes. @internal */
export interface TableSize {
  table: string;
  rows: number;
  bytes: number;
}

/** Sizes of the {@link STATUS_TABLES} that exist in `schema`, in that order. @internal */
export async function readTableSizes(db: Db, schema: string, q: string): Promise<TableSize[]> {
  const { rows } = await db.query<{ table: string; estimate: number; bytes: string | number }>(
    `SELECT c.relname AS table, c.reltuples::float8 AS estimate, pg_total_relation_size(c.oid)::bigint AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname = ANY($2::text[])`,
    [schema, STATUS_TABLES],
  );
  const out: TableSize[] = [];
  for (const table of STATUS_TABLES) {
    const r = rows.find((x) => x.table === table);
    if (!r) continue;
    let count = Math.round(r.estimate);
    // Never analysed (-1) or small: an exact count is cheap and more useful.
    if (count < EXACT_COUNT_BELOW) count = await countRows(db, q, table);
    out.push({ table, rows: count, bytes: Number(r.bytes) });
  }
  return out;
}

/** Exact row count of one of the {@link STATUS_TABLES}. @internal */
export async function countRows(
  db: Db,
  q: string,
  table: (typeof STATUS_TABLES)[number],
): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${q}.${table}`);
  return rows[0]?.n ?? 0;
}
