import type { Db } from '../db/types';
import type { QuoteRow } from '../transform/rows';
import { quoteSpec } from './tables';

const COMPARED = quoteSpec.columns.filter((c) => c.name !== 'symbol' && c.name !== 'observed_at');

/**
 * Which of `rows` repeat the latest stored quote of their symbol exactly (every value but the
 * observation time equal, numerically). GLOBAL_QUOTE has no timestamp of its own, so polling an
 * unchanged quote (after the close, on a holiday) would otherwise add a row per poll.
 * Returns the indexes of those rows.
 */
export async function unchangedQuotes(
  db: Db,
  q: string,
  rows: readonly QuoteRow[],
): Promise<Set<number>> {
  if (rows.length === 0) return new Set();
  const params = [rows.map((_, i) => i), ...quoteSpec.columns.map((c) => rows.map(c.get))];
  const arrays = quoteSpec.columns.map((c, i) => `$${i + 2}::${c.type}[]`).join(', ');
  const names = quoteSpec.columns.map((c) => c.name).join(', ');
  const stored = COMPARED.map((c) => `l.${c.name}`).join(', ');
  const incoming = COMPARED.map((c) => `i.${c.name}`).join(', ');
  const { rows: same } = await db.query<{ n: number }>(
    `WITH i AS (SELECT * FROM unnest($1::int[], ${arrays}) AS s(n, ${names})),
          l AS (SELECT DISTINCT ON (symbol) * FROM ${q}.stock_quotes
                 WHERE symbol IN (SELECT symbol FROM i) ORDER BY symbol, observed_at DESC)
     SELECT i.n FROM i JOIN l USING (symbol) WHERE (${stored}) IS NOT DISTINCT FROM (${incoming})`,
    params,
  );
  return new Set(same.map((r) => r.n));
}
