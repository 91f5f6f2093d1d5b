import { quoteSignature } from '../load/quotes';
import type { QuoteRow } from '../transform/rows';

export { canonicalDecimal, quoteSignature } from '../load/quotes';

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
