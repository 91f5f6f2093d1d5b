import type { Db } from '../db/types';

/** A backfill month whose latest fetch rejected rows, as {@link getStatus} reports it. */
export interface BackfillRejectEntry {
  /** Symbol. */
  symbol: string;
  /** Dataset, e.g. `intraday:1min`. */
  dataset: string;
  /** `YYYY-MM`. */
  month: string;
  /** Rows the month's latest fetch rejected. */
  rejected: number;
  /** How many times backfills have fetched the month. */
  fetches: number;
  /** When the month was last fetched. */
  fetchedAt: Date;
}

/** The backfill months with holes, as {@link getStatus} reports them. */
export interface BackfillRejectsReport {
  /** Months in the ledger whose latest fetch rejected rows. */
  months: number;
  /** Rows those fetches rejected, summed. */
  rows: number;
  /** The most recently fetched of those months (at most 10), newest first. */
  recent: BackfillRejectEntry[];
}

/** Months of the backfill ledger with rejected rows (served by a partial index). @internal */
export async function backfillRejects(db: Db, q: string): Promise<BackfillRejectsReport> {
  const [totals, recent] = await Promise.all([
    db.query<{ months: number; rows: number }>(
      `SELECT count(*)::int AS months, coalesce(sum(rows_rejected), 0)::int AS rows
         FROM ${q}.etl_backfill_ledger WHERE rows_rejected > 0`,
    ),
    db.query<{
      symbol: string;
      dataset: string;
      month: string;
      rows_rejected: number;
      fetches: number;
      completed_at: string | Date;
    }>(
      `SELECT symbol, dataset, to_char(month, 'YYYY-MM') AS month, rows_rejected, fetches, completed_at
         FROM ${q}.etl_backfill_ledger WHERE rows_rejected > 0
        ORDER BY completed_at DESC, symbol, dataset, month LIMIT 10`,
    ),
  ]);
  return {
    months: totals.rows[0]?.months ?? 0,
    rows: totals.rows[0]?.rows ?? 0,
    recent: recent.rows.map((r) => ({
      symbol: r.symbol,
      dataset: r.dataset,
      month: r.month,
      rejected: r.rows_rejected,
      fetches: r.fetches,
      fetchedAt: new Date(r.completed_at),
    })),
  };
}
