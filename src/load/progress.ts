import type { Db } from '../db/types';
import type { RejectedRow } from '../transform/rows';

/** The newest data point stored for (symbol, dataset), or null when nothing was loaded yet. */
export async function readWatermark(
  db: Db,
  q: string,
  symbol: string,
  dataset: string,
): Promise<{ lastPoint: string; lastSuccessAt: Date } | null> {
  const { rows } = await db.query<{ last_point: string; last_success_at: Date | string }>(
    `SELECT last_point, last_success_at FROM ${q}.etl_watermarks WHERE symbol = $1 AND dataset = $2`,
    [symbol, dataset],
  );
  const row = rows[0];
  return row ? { lastPoint: row.last_point, lastSuccessAt: new Date(row.last_success_at) } : null;
}

/**
 * Moves the watermark forward to `lastPoint` (never backward: points are ISO dates or instants,
 * which sort as text). Call it in the transaction that wrote the rows it covers.
 */
export async function advanceWatermark(
  db: Db,
  q: string,
  symbol: string,
  dataset: string,
  lastPoint: string,
  at: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO ${q}.etl_watermarks AS w (symbol, dataset, last_point, last_success_at)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (symbol, dataset) DO UPDATE
       SET last_point = GREATEST(w.last_point, EXCLUDED.last_point), last_success_at = EXCLUDED.last_success_at`,
    [symbol, dataset, lastPoint, at.toISOString()],
  );
}

/** Months (`YYYY-MM`) already completed for (symbol, dataset) by a backfill. */
export async function completedMonths(
  db: Db,
  q: string,
  symbol: string,
  dataset: string,
): Promise<Set<string>> {
  const { rows } = await db.query<{ month: string }>(
    `SELECT to_char(month, 'YYYY-MM') AS month FROM ${q}.etl_backfill_ledger WHERE symbol = $1 AND dataset = $2`,
    [symbol, dataset],
  );
  return new Set(rows.map((r) => r.month));
}

/** Records month `YYYY-MM` as completed. Call it in the transaction that wrote the month's rows. */
export async function markMonthComplete(
  db: Db,
  q: string,
  symbol: string,
  dataset: string,
  month: string,
  rowsLoaded: number,
  at: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO ${q}.etl_backfill_ledger (symbol, dataset, month, rows_loaded, completed_at)
     VALUES ($1, $2, ($3 || '-01')::date, $4, $5)
     ON CONFLICT (symbol, dataset, month) DO UPDATE SET rows_loaded = EXCLUDED.rows_loaded, completed_at = EXCLUDED.completed_at`,
    [symbol, dataset, month, rowsLoaded, at.toISOString()],
  );
}

/** Writes rejected rows to the quarantine table; returns how many. */
export async function quarantineRows(
  db: Db,
  q: string,
  jobId: number | null,
  rejects: readonly RejectedRow[],
): Promise<number> {
  if (rejects.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO ${q}.etl_rejected_rows (job_id, dataset, symbol, source_key, reason, raw)
     SELECT $1::bigint, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[])`,
    [
      jobId,
      rejects.map((r) => r.dataset),
      rejects.map((r) => r.symbol),
      rejects.map((r) => r.sourceKey),
      rejects.map((r) => r.reason),
      rejects.map((r) => safeJson(r.raw)),
    ],
  );
  return rowCount;
}

function safeJson(raw: unknown): string | null {
  if (raw === undefined) return null;
  try {
    return JSON.stringify(raw) ?? null;
  } catch {
    return JSON.stringify(String(raw));
  }
}
