import type { Db } from '../db/types';
import type { QuoteRow } from '../transform/rows';
import { quoteSpec } from './tables';

/**
 * The one "unchanged quote" rule: every column but `symbol` and `observed_at`, compared as numbers
 * (so `187.4300` equals `187.43`). Used by `Loader.loadQuotes({ skipUnchanged })` (in SQL) and by
 * the streaming service's change tracking (in memory, {@link quoteSignature}).
 */
const COMPARED = quoteSpec.columns.filter((c) => c.name !== 'symbol' && c.name !== 'observed_at');

/**
 * `"187.4300"` → `"187.43"`, `"+1.50"` → `"1.5"`, `"-0.0"` → `"0"`: the same number always gives
 * the same text, whether it came from the API (trailing zeros as sent) or back from `numeric`.
 */
export function canonicalDecimal(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value).trim();
  let sign = '';
  if (s.startsWith('+')) s = s.slice(1);
  else if (s.startsWith('-')) {
    sign = '-';
    s = s.slice(1);
  }
  let [int = '', frac = ''] = s.split('.');
  int = int.replace(/^0+(?=\d)/, '');
  frac = frac.replace(/0+$/, '');
  const body = frac === '' ? int : `${int}.${frac}`;
  return body === '0' || body === '' ? '0' : sign + body;
}

/**
 * The part of a quote that decides whether it changed — every value but the symbol and the
 * observation time, numbers canonicalised — as one string: two quotes of a symbol are "unchanged"
 * exactly when their signatures are equal (the rule `Loader.loadQuotes` applies in SQL).
 */
export function quoteSignature(row: Omit<QuoteRow, 'symbol' | 'observedAt'>): string {
  const r = row as QuoteRow;
  return COMPARED.map((c) =>
    c.type === 'numeric' || c.type === 'bigint' ? canonicalDecimal(c.get(r)) : (c.get(r) ?? ''),
  ).join('|');
}

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

/** The newest stored quote of each of `symbols` (values as text), for change tracking on start. */
export async function latestStoredQuotes(
  db: Db,
  q: string,
  symbols: readonly string[],
): Promise<QuoteRow[]> {
  if (symbols.length === 0) return [];
  const { rows } = await db.query<Record<string, string | null>>(
    `SELECT DISTINCT ON (symbol) ${quoteSpec.columns.map((c) => `${c.name}::text AS ${c.name}`).join(', ')}
       FROM ${q}.stock_quotes WHERE symbol = ANY($1::text[])
      ORDER BY symbol, observed_at DESC`,
    [symbols],
  );
  return rows.map((r) => ({
    symbol: r.symbol as string,
    observedAt: r.observed_at as string,
    latestTradingDay: r.latest_trading_day as string,
    price: r.price as string,
    open: r.open ?? null,
    high: r.high ?? null,
    low: r.low ?? null,
    volume: r.volume ?? null,
    previousClose: r.previous_close ?? null,
    change: r.change ?? null,
    changePercent: r.change_percent ?? null,
  }));
}
