import type { QuoteRow } from '../transform/rows';

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

/** The part of a quote that decides whether it changed: price, volume and trading day. */
export function quoteSignature(
  row: Pick<QuoteRow, 'price' | 'volume' | 'latestTradingDay'>,
): string {
  return `${canonicalDecimal(row.price)}|${canonicalDecimal(row.volume)}|${row.latestTradingDay}`;
}

/**
 * Remembers, per symbol, the last quote seen and the last quote stored. They differ when a store
 * failed: the next identical quote is then stored (not skipped), so the table never misses it.
 */
export class ChangeTracker {
  readonly #seen = new Map<string, string>();
  readonly #stored = new Map<string, string>();

  /** Seeds the last stored signature of a symbol (from the table, on start). */
  seed(symbol: string, signature: string): void {
    this.#stored.set(symbol, signature);
    if (!this.#seen.has(symbol)) this.#seen.set(symbol, signature);
  }

  /**
   * Records `row` as seen. `changed`: differs from the previous quote seen (true for the first);
   * `store`: differs from the last stored quote, or `skipUnchanged` is off.
   */
  observe(row: QuoteRow, skipUnchanged: boolean): { changed: boolean; store: boolean } {
    const sig = quoteSignature(row);
    const changed = this.#seen.get(row.symbol) !== sig;
    this.#seen.set(row.symbol, sig);
    const store = !skipUnchanged || this.#stored.get(row.symbol) !== sig;
    return { changed, store };
  }

  /** Records that `row` is now in the table. */
  stored(row: QuoteRow): void {
    this.#stored.set(row.symbol, quoteSignature(row));
  }
}
