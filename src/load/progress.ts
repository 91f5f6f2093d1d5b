import { previewJson } from '../bounded-text';
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

/** What the backfill ledger holds for one month. */
export interface LedgerMonth {
  /** Rows the month's latest fetch loaded. */
  rowsLoaded: number;
  /** Rows the month's latest fetch rejected (0: the month is complete). */
  rowsRejected: number;
  /** How many times a backfill has fetched and recorded the month. */
  fetches: number;
}

/**
 * The ledger of (symbol, dataset): one entry per month (`YYYY-MM`) a backfill has recorded. A
 * month with `rowsRejected > 0` has a hole that a later backfill may fetch again.
 */
export async function readLedger(
  db: Db,
  q: string,
  symbol: string,
  dataset: string,
): Promise<Map<string, LedgerMonth>> {
  const { rows } = await db.query<{
    month: string;
    rows_loaded: number;
    rows_rejected: number;
    fetches: number;
  }>(
    `SELECT to_char(month, 'YYYY-MM') AS month, rows_loaded, rows_rejected, fetches
       FROM ${q}.etl_backfill_ledger WHERE symbol = $1 AND dataset = $2`,
    [symbol, dataset],
  );
  return new Map(
    rows.map((r) => [
      r.month,
      { rowsLoaded: r.rows_loaded, rowsRejected: r.rows_rejected, fetches: r.fetches },
    ]),
  );
}

/**
 * Records month `YYYY-MM` as fetched: rows loaded and rejected by this fetch, and one more fetch.
 * Call it in the transaction that wrote the month's rows. Returns the month's fetch count.
 */
export async function markMonthComplete(
  db: Db,
  q: string,
  symbol: string,
  dataset: string,
  month: string,
  rowsLoaded: number,
  at: Date,
  rowsRejected = 0,
): Promise<number> {
  const { rows } = await db.query<{ fetches: number }>(
    `INSERT INTO ${q}.etl_backfill_ledger AS l (symbol, dataset, month, rows_loaded, rows_rejected, fetches, completed_at)
     VALUES ($1, $2, ($3 || '-01')::date, $4, $5, 1, $6)
     ON CONFLICT (symbol, dataset, month) DO UPDATE
       SET rows_loaded = EXCLUDED.rows_loaded, rows_rejected = EXCLUDED.rows_rejected,
           fetches = l.fetches + 1, completed_at = EXCLUDED.completed_at
     RETURNING fetches`,
    [symbol, dataset, month, rowsLoaded, rowsRejected, at.toISOString()],
  );
  return rows[0]?.fetches ?? 1;
}

/** Longest raw value stored per reject, in characters of JSON; a larger one is stored as a marked preview. */
export const MAX_RAW_CHARS = 4096;

/**
 * Most rejects stored per call (one response); the rest are counted in one summary row. The job's
 * `rows_rejected` always counts every reject.
 */
export const MAX_QUARANTINE_ROWS = 1000;

/**
 * Writes rejected rows to the quarantine table; returns how many rows were written. At most
 * {@link MAX_QUARANTINE_ROWS} rejects are stored one by one, followed by a summary row counting
 * the others; each raw value is capped at {@link MAX_RAW_CHARS} characters of JSON (a larger one
 * is stored as `{"truncated": true, "preview": "…"}`), so a hostile response cannot fill the table.
 */
export async function quarantineRows(
  db: Db,
  q: string,
  jobId: number | null,
  rejects: readonly RejectedRow[],
): Promise<number> {
  if (rejects.length === 0) return 0;
  const stored: RejectedRow[] = rejects.slice(0, MAX_QUARANTINE_ROWS);
  const omitted = rejects.length - stored.length;
  if (omitted > 0) {
    const first = rejects[0] as RejectedRow;
    stored.push({
      dataset: first.dataset,
      symbol: first.symbol,
      sourceKey: null,
      reason: `${omitted} more rejected rows of this response not stored (at most ${MAX_QUARANTINE_ROWS} per response); the job's rows_rejected counts them all`,
      raw: {
        omitted,
        firstOmitted: rejects[MAX_QUARANTINE_ROWS]?.sourceKey ?? null,
        lastOmitted: rejects[rejects.length - 1]?.sourceKey ?? null,
      },
    });
  }
  const { rowCount } = await db.query(
    `INSERT INTO ${q}.etl_rejected_rows (job_id, dataset, symbol, source_key, reason, raw)
     SELECT $1::bigint, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[])`,
    [
      jobId,
      stored.map((r) => pgText(r.dataset)),
      stored.map((r) => pgText(r.symbol)),
      stored.map((r) => (r.sourceKey === null ? null : pgText(r.sourceKey))),
      stored.map((r) => pgText(r.reason)),
      stored.map((r) => boundedRawJson(r.raw)),
    ],
  );
  return rowCount;
}

/** PostgreSQL text cannot hold NUL: a bad value that contains one must not fail the load. */
function pgText(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

/**
 * The raw value as JSON text for a `jsonb` column, capped at {@link MAX_RAW_CHARS} characters.
 * Iterative (a value nested thousands of levels deep cannot overflow the stack). Escapes that are
 * valid JSON but that `jsonb` refuses — `\u0000` and lone surrogates, which `JSON.stringify` writes
 * as `\udXXX` — become literal text, so one odd character cannot fail the whole load.
 */
export function boundedRawJson(raw: unknown): string | null {
  if (raw === undefined) return null;
  const preview = previewJson(raw, MAX_RAW_CHARS);
  const text = preview.truncated
    ? JSON.stringify({
        truncated: true,
        note: `raw value longer than ${MAX_RAW_CHARS} characters of JSON; the preview is its beginning`,
        preview: preview.text,
      })
    : preview.text;
  return text.includes('\\u') ? text.replace(JSONB_UNSAFE_ESCAPE, '$1\\\\u$2') : text;
}

/**
 * `\u0000` or a surrogate escape, preceded by an even number of backslashes (an odd one would be
 * an escaped backslash followed by plain text). `JSON.stringify` writes paired surrogates as the
 * characters themselves, so every surrogate escape it writes is a lone one.
 */
const JSONB_UNSAFE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(0000|[dD][89a-fA-F][0-9a-fA-F]{2})/g;
