import { createHash } from 'node:crypto';
import type { PremiumParameter } from '../errors/api-errors';
import { civilDate, dayNumberOf } from '../time/civil-date';
import { wallClockToUtcMs, zonedDate } from '../time/zone';
import type { AlphaVantagePlan } from './options';

/** One day's request usage of an API key, as reported by {@link BudgetStore.usage}. */
export interface BudgetUsage {
  /** Requests taken from the day's budget so far. */
  used: number;
  /** True once Alpha Vantage itself said the day's quota is spent (the daily-limit mark). */
  exhausted: boolean;
}

/**
 * Whose budget: one API key at one service. The origin is part of it because the same key used
 * against another base URL (a test server, a proxy) is not the same quota, and a daily-limit
 * notice from one must not stop the other.
 */
export interface BudgetScope {
  /** {@link hashApiKey} of the API key. */
  keyHash: string;
  /** Origin of the service, e.g. `https://www.alphavantage.co`. */
  origin: string;
}

/** Something Alpha Vantage refused this key as premium, remembered so it is not asked again. */
export interface KnownRefusal {
  /** The Alpha Vantage `function`, e.g. `TIME_SERIES_DAILY_ADJUSTED`. */
  endpoint: string;
  /** The refused parameter value (e.g. `outputsize=full`), or `null` when the whole endpoint is premium. */
  parameter: PremiumParameter | null;
  /** The plan the extractor was configured with when it was refused; another plan ignores it. */
  plan: AlphaVantagePlan;
  /** When Alpha Vantage refused it. */
  refusedAt: Date;
  /** The notice's statement (API key redacted), for people reading `health`. */
  notice: string | null;
}

/**
 * What the extractor keeps about an API key at a service ({@link BudgetScope}): the requests it
 * spent per budget day, the daily-limit mark, and what the key was refused as premium. The
 * extractor takes one unit per HTTP attempt before sending it and gives it back when the request
 * provably never reached the service, so the count survives across extractor instances sharing a
 * store — and, with `PostgresBudgetStore`, across processes and data schemas sharing one key.
 *
 * Keys are identified by {@link hashApiKey} (SHA-256), never by the key itself. Days are the
 * `YYYY-MM-DD` of the budget's time zone (see {@link budgetDay}).
 */
export interface BudgetStore {
  /**
   * Atomically takes one request from the day's budget.
   * @param scope - key hash and service origin
   * @param day - `YYYY-MM-DD` in the budget's zone
   * @param limit - the daily limit, or `null` for none (the call is then only counted)
   * @returns the new used count, or `null` when the budget is spent (limit reached or marked exhausted)
   */
  take(scope: BudgetScope, day: string, limit: number | null): Promise<number | null>;
  /** Gives back one request taken for an attempt that never reached the service (never below 0). */
  refund(scope: BudgetScope, day: string): Promise<void>;
  /** Records that Alpha Vantage itself said the day's quota is spent: no more takes that day. */
  markExhausted(scope: BudgetScope, day: string): Promise<void>;
  /** Removes the daily-limit mark of `day`; resolves `true` when there was one. */
  clearExhausted(scope: BudgetScope, day: string): Promise<boolean>;
  /** The day's usage so far. */
  usage(scope: BudgetScope, day: string): Promise<BudgetUsage>;
  /** Remembers a premium refusal (replacing an older record of the same refusal and plan). */
  recordRefusal(scope: BudgetScope, refusal: KnownRefusal): Promise<void>;
  /** Refusals recorded at or after `since`, any plan, oldest first. */
  refusals(scope: BudgetScope, since: Date): Promise<KnownRefusal[]>;
  /** Forgets every refusal of the scope; resolves how many were forgotten. */
  forgetRefusals(scope: BudgetScope): Promise<number>;
}

/** The identity of a refusal: plan, endpoint and parameter value. @internal */
export function refusalId(r: Pick<KnownRefusal, 'plan' | 'endpoint' | 'parameter'>): string {
  return `${r.plan} ${r.endpoint} ${r.parameter ? `${r.parameter.name}=${r.parameter.value}` : ''}`;
}

/**
 * A {@link BudgetStore} in process memory (the default): counts and refusals for the process's
 * lifetime, shared by the extractors given the same instance.
 */
export class MemoryBudgetStore implements BudgetStore {
  readonly #days = new Map<string, { used: number; exhausted: boolean }>();
  readonly #refusals = new Map<string, Map<string, KnownRefusal>>();

  /** {@inheritDoc BudgetStore.take} */
  async take(scope: BudgetScope, day: string, limit: number | null): Promise<number | null> {
    const entry = this.#entry(scope, day);
    if (entry.exhausted || (limit !== null && entry.used >= limit)) return null;
    entry.used++;
    return entry.used;
  }

  /** {@inheritDoc BudgetStore.refund} */
  async refund(scope: BudgetScope, day: string): Promise<void> {
    const entry = this.#days.get(dayKey(scope, day));
    if (entry && entry.used > 0) entry.used--;
  }

  /** {@inheritDoc BudgetStore.markExhausted} */
  async markExhausted(scope: BudgetScope, day: string): Promise<void> {
    this.#entry(scope, day).exhausted = true;
  }

  /** {@inheritDoc BudgetStore.clearExhausted} */
  async clearExhausted(scope: BudgetScope, day: string): Promise<boolean> {
    const entry = this.#days.get(dayKey(scope, day));
    if (!entry?.exhausted) return false;
    entry.exhausted = false;
    return true;
  }

  /** {@inheritDoc BudgetStore.usage} */
  async usage(scope: BudgetScope, day: string): Promise<BudgetUsage> {
    const entry = this.#days.get(dayKey(scope, day));
    return entry ? { ...entry } : { used: 0, exhausted: false };
  }

  /** {@inheritDoc BudgetStore.recordRefusal} */
  async recordRefusal(scope: BudgetScope, refusal: KnownRefusal): Promise<void> {
    const id = scopeKey(scope);
    let map = this.#refusals.get(id);
    if (!map) {
      map = new Map();
      this.#refusals.set(id, map);
    }
    map.set(refusalId(refusal), { ...refusal });
  }

  /** {@inheritDoc BudgetStore.refusals} */
  async refusals(scope: BudgetScope, since: Date): Promise<KnownRefusal[]> {
    const map = this.#refusals.get(scopeKey(scope));
    if (!map) return [];
    for (const [id, r] of map) if (r.refusedAt < since) map.delete(id);
    return [...map.values()]
      .sort((a, b) => a.refusedAt.getTime() - b.refusedAt.getTime())
      .map((r) => ({ ...r }));
  }

  /** {@inheritDoc BudgetStore.forgetRefusals} */
  async forgetRefusals(scope: BudgetScope): Promise<number> {
    const id = scopeKey(scope);
    const n = this.#refusals.get(id)?.size ?? 0;
    this.#refusals.delete(id);
    return n;
  }

  #entry(scope: BudgetScope, day: string): { used: number; exhausted: boolean } {
    const id = dayKey(scope, day);
    let entry = this.#days.get(id);
    if (!entry) {
      // Only today's entry matters; dropping older days keeps a long-running process bounded.
      const prefix = `${scopeKey(scope)} `;
      for (const key of this.#days.keys()) if (key.startsWith(prefix)) this.#days.delete(key);
      entry = { used: 0, exhausted: false };
      this.#days.set(id, entry);
    }
    return entry;
  }
}

function scopeKey(scope: BudgetScope): string {
  return `${scope.origin} ${scope.keyHash}`;
}

function dayKey(scope: BudgetScope, day: string): string {
  return `${scopeKey(scope)} ${day}`;
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

/** The instant the budget day `day` ends (the next local midnight in `zone`). @internal */
export function budgetResetAt(day: string, zone: string): Date {
  const next = civilDate(dayNumberOf(day) + 1);
  return new Date(wallClockToUtcMs(zone, next.year, next.month, next.day));
}
