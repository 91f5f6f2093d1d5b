import type { Db } from '../db/types';

/**
 * The version of each month's backfill ledger entry of (symbol, dataset) — its row's `xmin`, the
 * transaction that last wrote it — by `YYYY-MM`. A backfill that waited for another one to finish
 * a month compares the entry with the version it planned with: a different one (or a new entry)
 * means the month was just (re)done, whatever the rules for doing it (clock-independent: two
 * writes never share a transaction id).
 */
export async function ledgerVersions(
  db: Db,
  q: string,
  symbol: string,
  dataset: string,
): Promise<Map<string, string>> {
  const { rows } = await db.query<{ month: string; version: string }>(
    `SELECT to_char(month, 'YYYY-MM') AS month, xmin::text AS version
       FROM ${q}.etl_backfill_ledger WHERE symbol = $1 AND dataset = $2`,
    [symbol, dataset],
  );
  return new Map(rows.map((r) => [r.month, r.version]));
}
