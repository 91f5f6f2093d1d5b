import type { Clock } from '../clock';
import { throwIfAborted } from '../errors/aborted-error';
import { DailyLimitError } from '../errors/api-errors';
import { type BudgetStore, budgetDay, budgetResetAt } from './budget-store';

/** Resolved request budgets; `null` means no limit of that kind. */
export interface RateLimits {
  /** Requests per rolling second. */
  perSecond: number | null;
  /** Requests per rolling minute. */
  perMinute: number | null;
  /** Requests per budget day. */
  perDay: number | null;
}

/** Which budget made a request wait. `adaptive`/`cooldown`: slowed down after a server rate-limit notice. */
export type RateBudget = 'second' | 'minute' | 'adaptive' | 'cooldown';

/** Snapshot of the daily budget (what `extractor.budget()` returns). */
export interface BudgetSnapshot {
  /** The daily limit, or `null` when the plan has none. */
  perDay: number | null;
  /** Requests spent in the current budget day (by every process sharing the store). */
  usedToday: number;
  /** Requests left today, `null` without a daily limit; `0` once Alpha Vantage said the quota is spent. */
  remainingToday: number | null;
  /** When the budget day ends, or `null` without a daily limit. */
  resetsAt: Date | null;
}

/** Dependencies and hooks of {@link RateLimiter}. @internal */
export interface RateLimiterOptions {
  limits: RateLimits;
  clock: Clock;
  store: BudgetStore;
  keyHash: string;
  /** IANA zone whose midnight starts a budget day. */
  zone: string;
  onWait: (waitMs: number, budget: RateBudget, endpoint: string) => void;
  onLimited: (info: { intervalMs: number; requestsPerMinute: number }, endpoint: string) => void;
}

const SECOND = 1_000;
const MINUTE = 60_000;
/** Consecutive successes after which an adaptive slow-down is halved. */
const RECOVER_AFTER = 10;
/** The adaptive spacing never exceeds one request per minute. */
const MAX_ADAPTIVE_INTERVAL = MINUTE;

/**
 * Client-side rate limiter: rolling per-second and per-minute windows, a daily budget in a
 * {@link BudgetStore}, and an adaptive slow-down when Alpha Vantage says "rate limited" anyway.
 * Callers are served strictly in arrival order (one queue per extractor), so a burst of concurrent
 * calls is spread out instead of racing for the window. Time comes from the injected clock.
 *
 * Written instead of using p-throttle because p-throttle runs on real timers and cannot express a
 * daily budget shared through a store; this keeps every wait on the injectable {@link Clock}.
 * @internal
 */
export class RateLimiter {
  readonly #o: RateLimiterOptions;
  /** Start times of recent requests, ascending, at most one minute old. */
  #starts: number[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #adaptiveIntervalMs = 0;
  #cooldownUntil = 0;
  #successes = 0;

  constructor(options: RateLimiterOptions) {
    this.#o = options;
  }

  /** The current adaptive spacing between requests (0 when not slowed down). */
  get adaptiveIntervalMs(): number {
    return this.#adaptiveIntervalMs;
  }

  /**
   * Waits until a request may start, then takes one unit of the daily budget.
   * @throws DailyLimitError when the day's budget is spent (nothing is sent)
   * @throws AbortedError when `signal` aborts while waiting
   */
  acquire(signal: AbortSignal | undefined, endpoint: string): Promise<void> {
    const run = this.#queue.then(() => this.#acquire(signal, endpoint));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #acquire(signal: AbortSignal | undefined, endpoint: string): Promise<void> {
    const { clock, limits } = this.#o;
    for (;;) {
      throwIfAborted(signal, `${endpoint} request`);
      const now = clock.now();
      this.#prune(now);
      let wait = 0;
      let budget: RateBudget = 'second';
      const consider = (ms: number, which: RateBudget) => {
        if (ms > wait) {
          wait = ms;
          budget = which;
        }
      };
      if (limits.perSecond !== null)
        consider(this.#windowWait(now, SECOND, limits.perSecond), 'second');
      if (limits.perMinute !== null)
        consider(this.#windowWait(now, MINUTE, limits.perMinute), 'minute');
      const last = this.#starts[this.#starts.length - 1];
      if (this.#adaptiveIntervalMs > 0 && last !== undefined) {
        consider(last + this.#adaptiveIntervalMs - now, 'adaptive');
      }
      consider(this.#cooldownUntil - now, 'cooldown');
      if (wait <= 0) break;
      this.#o.onWait(wait, budget, endpoint);
      await clock.sleep(wait, signal);
    }
    const day = budgetDay(clock.now(), this.#o.zone);
    const used = await this.#o.store.take(this.#o.keyHash, day, limits.perDay);
    if (used === null) {
      const resetsAt = budgetResetAt(day, this.#o.zone);
      throw new DailyLimitError(
        `The daily Alpha Vantage budget${limits.perDay === null ? '' : ` of ${limits.perDay} requests`} is spent; it resets at ${resetsAt.toISOString()}`,
        { endpoint, resetsAt },
      );
    }
    this.#starts.push(clock.now());
  }

  /** How long until one more request fits in a rolling window of `windowMs` holding `limit`. */
  #windowWait(now: number, windowMs: number, limit: number): number {
    const starts = this.#starts;
    let inWindow = 0;
    for (let i = starts.length - 1; i >= 0 && (starts[i] as number) > now - windowMs; i--)
      inWindow++;
    if (inWindow < limit) return 0;
    const oldestThatMustExpire = starts[starts.length - inWindow + (inWindow - limit)] as number;
    return oldestThatMustExpire + windowMs - now;
  }

  #prune(now: number): void {
    let drop = 0;
    while (drop < this.#starts.length && (this.#starts[drop] as number) <= now - MINUTE) drop++;
    if (drop > 0) this.#starts.splice(0, drop);
  }

  /** A request succeeded: after enough in a row, an adaptive slow-down is relaxed. */
  onSuccess(): void {
    if (this.#adaptiveIntervalMs === 0) return;
    if (++this.#successes < RECOVER_AFTER) return;
    this.#successes = 0;
    const half = this.#adaptiveIntervalMs / 2;
    this.#adaptiveIntervalMs = half < this.#baseIntervalMs() ? 0 : half;
  }

  /**
   * Alpha Vantage said "rate limited" although the client kept to its budget (another process on
   * the key, or a lower real limit): double the spacing between requests and pause for `retryAfterMs`.
   */
  onRateLimited(retryAfterMs: number, endpoint: string): void {
    const now = this.#o.clock.now();
    this.#successes = 0;
    this.#adaptiveIntervalMs = Math.min(
      MAX_ADAPTIVE_INTERVAL,
      Math.max(this.#adaptiveIntervalMs * 2, this.#baseIntervalMs() * 2),
    );
    this.#cooldownUntil = Math.max(this.#cooldownUntil, now + retryAfterMs);
    this.#o.onLimited(
      {
        intervalMs: this.#adaptiveIntervalMs,
        requestsPerMinute: MINUTE / this.#adaptiveIntervalMs,
      },
      endpoint,
    );
  }

  /** Alpha Vantage said the daily quota is spent: stop spending until the budget day ends. */
  async onDailyLimit(): Promise<Date> {
    const day = budgetDay(this.#o.clock.now(), this.#o.zone);
    await this.#o.store.markExhausted(this.#o.keyHash, day);
    return budgetResetAt(day, this.#o.zone);
  }

  /** The daily budget as seen now. */
  async snapshot(): Promise<BudgetSnapshot> {
    const day = budgetDay(this.#o.clock.now(), this.#o.zone);
    const { used, exhausted } = await this.#o.store.usage(this.#o.keyHash, day);
    const perDay = this.#o.limits.perDay;
    return {
      perDay,
      usedToday: used,
      remainingToday: exhausted ? 0 : perDay === null ? null : Math.max(0, perDay - used),
      resetsAt: perDay === null && !exhausted ? null : budgetResetAt(day, this.#o.zone),
    };
  }

  /** The configured spacing between requests: the tighter of the second and minute budgets. */
  #baseIntervalMs(): number {
    const { perSecond, perMinute } = this.#o.limits;
    return Math.max(perSecond ? SECOND / perSecond : 0, perMinute ? MINUTE / perMinute : 0, 250);
  }
}
