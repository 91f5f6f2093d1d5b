import { createHash } from 'node:crypto';
import { wallClockToUtcMs, zonedDate } from '../time/zone';

/** One day's request usage of an API key, as reported by {@link BudgetStore.usage}. */
export interface BudgetUsage {
  /** Requests taken from the day's budget so far. */
  used: number;
  /** True once Alpha Vantage itself said the day's quota is spent. */
  exhausted: boolean;
}

/**
 * Where the daily request budget is counted. The extractor takes one unit per HTTP attempt before
 * sending it, so the count survives across extractor instances sharing a store — and, with
 * {@link PostgresBudgetStore}, across processes sharing one API key.
 *
 * Keys are identified by {@link hashApiKey} (SHA-256), never by the key itself. Days are the
 * `YYYY-MM-DD` of the budget's time zone (see {@link budgetDay}).
 */
export interface BudgetStore {
  /**
   * Atomically takes one request from the day's budget.
   * @param keyHash - {@link hashApiKey} of the API key
   * @param day - `YYYY-MM-DD` in the budget's zone
   * @param limit - the daily limit, or `null` for none (the call is then only counted)
   * @returns the new used count, or `null` when the budget is spent (limit reached or marked exhausted)
   */
  take(keyHash: string, day: string, limit: number | null): Promise<number | null>;
  /** Records that Alpha Vantage itself said the day's quota is spent: no more takes that day. */
  markExhausted(keyHash: string, day: string): Promise<void>;
  /** The day's usage so far. */
  usage(keyHash: string, day: string): Promise<BudgetUsage>;
}

/** A {@link BudgetStore} in process memory (the default): counts for the process's lifetime. */
export class MemoryBudgetStore implements BudgetStore {
  readonly #days = new Map<string, { used: number; exhausted: boolean }>();

  /** {@inheritDoc BudgetStore.take} */
  async take(keyHash: string, day: string, limit: number | null): Promise<number | null> {
    const entry = this.#entry(keyHash, day);
    if (entry.exhausted || (limit !== null && entry.used >= limit)) return null;
    entry.used++;
    return entry.used;
  }

  /** {@inheritDoc BudgetStore.markExhausted} */
  async markExhausted(keyHash: string, day: string): Promise<void> {
    this.#entry(keyHash, day).exhausted = true;
  }

  /** {@inheritDoc BudgetStore.usage} */
  async usage(keyHash: string, day: string): Promise<BudgetUsage> {
    const entry = this.#days.get(`${keyHash} ${day}`);
    return entry ? { ...entry } : { used: 0, exhausted: false };
  }

  #entry(keyHash: string, day: string): { used: number; exhausted: boolean } {
    const id = `${keyHash} ${day}`;
    let entry = this.#days.get(id);
    if (!entry) {
      // Only today's entry matters; dropping older days keeps a long-running process bounded.
      for (const key of this.#days.keys())
        if (key.startsWith(`${keyHash} `)) this.#days.delete(key);
      entry = { used: 0, exhausted: false };
      this.#days.set(id, entry);
    }
    return entry;
  }
}

/** SHA-256 (hex) of an API key: how stores identify a key without holding it. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/**
 * The budget day containing instant `utcMs`, as `YYYY-MM-DD` in `zone`. Alpha Vantage does not
 * document when its daily quota resets; the extractor's default zone is `America/New_York`
 * (midnight US/Eastern, the zone of all its data).
 */
export function budgetDay(utcMs: number, zone: string): string {
  return zonedDate(zone, utcMs);
}

/** The instant the budget day `day` ends (the next local midnight in `zone`). */
export function budgetResetAt(day: string, zone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return new Date(
    wallClockToUtcMs(zone, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()),
  );
}
