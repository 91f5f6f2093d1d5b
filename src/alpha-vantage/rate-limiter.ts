import type { Clock } from '../clock';
import { AbortedError, throwIfAborted } from '../errors/aborted-error';
import { DailyLimitError } from '../errors/api-errors';
import { type BudgetScope, type BudgetStore, budgetDay, budgetResetAt } from './budget-store';
import {
  acquireShared,
  type RateTicket,
  type SharedRateLimit,
  sharedWindows,
} from './shared-rate-limit';

/** Resolved request budgets; `null` means no limit of that kind. */
export interface RateLimits {
  /** Requests per rolling second. */
  perSecond: number | null;
  /** Requests per rolling minute. */
  perMinute: number | null;
  /** Requests per budget day. */
  perDay: number | null;
}

/**
 * Which budget made a request wait. `adaptive`/`cooldown`: slowed down after a server rate-limit
 * notice; `shared`: the rate limit shared with other processes (`sharedRateLimit`).
 */
export type RateBudget = 'second' | 'minute' | 'adaptive' | 'cooldown' | 'shared';

/** Snapshot of the daily budget (what `extractor.budget()` returns). */
export interface BudgetSnapshot {
  /** The service origin the budget is counted for, e.g. `https://www.alphavantage.co`. */
  origin: string;
  /** The budget day (`YYYY-MM-DD` in the budget's time zone). */
  day: string;
  /** The daily limit, or `null` when the plan has none. */
  perDay: number | null;
  /** Requests allowed per minute, or `null` when the plan has no minute limit. */
  perMinute: number | null;
  /** Requests spent in the current budget day (by every process sharing the store). */
  usedToday: number;
  /** Requests left today, `null` without a daily limit; `0` once Alpha Vantage said the quota is spent. */
  remainingToday: number | null;
  /** When the budget day ends, or `null` without a daily limit. */
  resetsAt: Date | null;
  /** True when Alpha Vantage said today's quota is spent (the daily-limit mark). */
  exhausted: boolean;
}

/**
 * Called by the client when an attempt ended: wakes the queue. `delivered: false` means the request
 * provably never reached the service (no connection): its unit of the daily budget is given back.
 * @internal
 */
export type ReleaseSlot = (outcome?: {
  /** `false`: the request never reached the service. @default true */
  delivered?: boolean;
  /** When the answer arrived (the response headers). @default now */
  at?: number;
}) => Promise<void>;

/** Dependencies and hooks of {@link RateLimiter}. @internal */
export interface RateLimiterOptions {
  limits: RateLimits;
  clock: Clock;
  store: BudgetStore;
  /** The per-second and per-minute windows shared with other processes, if any. */
  shared?: SharedRateLimit | undefined;
  scope: BudgetScope;
  /** IANA zone whose midnight starts a budget day. */
  zone: string;
  onWait: (waitMs: number, budget: RateBudget, endpoint: string) => void;
  onLimited: (info: { intervalMs: number; requestsPerMinute: number }, endpoint: string) => void;
  /** A budget-store write that is not worth failing a request for went wrong. */
  onStoreError: (what: string, error: unknown) => void;
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
 * Written instead of using p-throttle, measured in the limiter benchmark (README, design notes):
 * p-throttle spaces sends, so send-to-arrival jitter got it refused by the server in every run;
 * it also runs on real timers and cannot express a daily budget shared through a store. This
 * keeps every wait on the injectable {@link Clock}.
 * @internal
 */
export class RateLimiter {
  readonly #o: RateLimiterOptions;
  /**
   * Recent requests, at most one minute old. `t` is when the response arrived (`open` while it is
   * still in flight): the server counts a request when it *arrives*, which is after we send it and
   * before we hear back, so measuring windows from the response is the one choice that can never
   * put N+1 arrivals in the server's window (network jitter included). It costs one round trip
   * per window of utilisation.
   */
  #slots: { t: number; open: boolean }[] = [];
  /** When the newest request was sent (the adaptive spacing counts from it). */
  #lastStart: number | undefined;
  #released: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #adaptiveIntervalMs = 0;
  #cooldownUntil = 0;
  #successes = 0;
  #lastSlowDownAt = Number.NEGATIVE_INFINITY;
  /** Whether a stale daily-limit mark was looked for (plans without a daily limit clear it once). */
  #markChecked = false;

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
  acquire(signal: AbortSignal | undefined, endpoint: string): Promise<ReleaseSlot> {
    const run = this.#queue.then(() => this.#acquire(signal, endpoint));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #acquire(signal: AbortSignal | undefined, endpoint: string): Promise<ReleaseSlot> {
    const { clock, limits } = this.#o;
    for (;;) {
      throwIfAborted(signal, `${endpoint} request`);
      const now = clock.now();
      this.#prune(now);
      let wait = 0;
      let budget: RateBudget = 'second';
      let blockedByInFlight = false;
      const consider = (ms: number, which: RateBudget) => {
        if (ms === Number.POSITIVE_INFINITY) {
          blockedByInFlight = true;
        } else if (ms > wait) {
          wait = ms;
          budget = which;
        }
      };
      if (limits.perSecond !== null)
        consider(this.#windowWait(now, SECOND, limits.perSecond), 'second');
      if (limits.perMinute !== null)
        consider(this.#windowWait(now, MINUTE, limits.perMinute), 'minute');
      if (this.#adaptiveIntervalMs > 0 && this.#lastStart !== undefined) {
        consider(this.#lastStart + this.#adaptiveIntervalMs - now, 'adaptive');
      }
      consider(this.#cooldownUntil - now, 'cooldown');
      if (wait > 0) {
        this.#o.onWait(wait, budget, endpoint);
        await clock.sleep(wait, signal);
        continue;
      }
      if (!blockedByInFlight) break;
      // The window is full of requests still in flight: their window starts when they answer.
      await this.#nextRelease(signal);
    }
    const { store, scope } = this.#o;
    const day = budgetDay(clock.now(), this.#o.zone);
    if (!this.#markChecked && limits.perDay === null) {
      // A daily-limit mark left by a run on a plan with a daily limit (the key was upgraded, or
      // the plan was misconfigured) must not block a plan that has none. Cleared once: a mark
      // set after this, by this extractor's own refusal, is honoured for the rest of the day.
      this.#markChecked = true;
      await store.clearExhausted(scope, day);
    }
    const ticket = await this.#acquireShared(signal, endpoint);
    const releaseShared = (delivered: boolean, answeredMsAgo = 0) =>
      ticket && this.#o.shared
        ? this.#o.shared
            .release(scope, ticket, delivered, answeredMsAgo)
            .catch((error) => this.#o.onStoreError('release a shared rate slot', error))
        : undefined;
    const used = await store.take(scope, day, limits.perDay).catch(async (error) => {
      await releaseShared(false);
      throw error;
    });
    if (used === null) {
      await releaseShared(false);
      const resetsAt = budgetResetAt(day, this.#o.zone);
      throw new DailyLimitError(
        `The daily Alpha Vantage budget${limits.perDay === null ? '' : ` of ${limits.perDay} requests`} is spent; it resets at ${resetsAt.toISOString()}`,
        { endpoint, resetsAt },
      );
    }
    const slot = { t: clock.now(), open: true };
    this.#lastStart = slot.t;
    this.#slots.push(slot);
    // Called by the client when the response (or the failure) arrived.
    return async (outcome) => {
      if (!slot.open) return;
      slot.open = false;
      slot.t = outcome?.at ?? clock.now();
      const wake = this.#wake;
      this.#released = undefined;
      this.#wake = undefined;
      wake?.();
      // The shared window counts from the answer too, not from this (later) release statement.
      await releaseShared(outcome?.delivered !== false, clock.now() - slot.t);
      if (outcome?.delivered === false) {
        // Never reached the service: it used none of the server's windows nor of its day.
        this.#slots = this.#slots.filter((s) => s !== slot);
        await store.refund(scope, day).catch((error) => this.#o.onStoreError('refund', error));
      }
    };
  }

  /** Takes a slot of the shared windows (when configured), waiting as long as they are full. */
  async #acquireShared(
    signal: AbortSignal | undefined,
    endpoint: string,
  ): Promise<RateTicket | undefined> {
    const { shared, limits, clock, scope } = this.#o;
    const windows = shared ? sharedWindows(limits) : [];
    if (!shared || windows.length === 0) return undefined;
    return acquireShared(
      shared,
      scope,
      windows,
      { now: () => clock.now(), sleep: (ms) => clock.sleep(ms, signal) },
      (ms) => this.#o.onWait(ms, 'shared', endpoint),
    );
  }

  /** Resolves when any in-flight request answers (or rejects when `signal` aborts). */
  #nextRelease(signal: AbortSignal | undefined): Promise<void> {
    this.#released ??= new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
    const released = this.#released;
    if (!signal) return released;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () =>
        reject(new AbortedError('The wait was aborted', { cause: signal.reason }));
      signal.addEventListener('abort', onAbort, { once: true });
      released.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  /**
   * How long until one more request fits in a rolling window of `windowMs` holding `limit`;
   * `Infinity` when it depends on requests still in flight (wait for one to answer).
   */
  #windowWait(now: number, windowMs: number, limit: number): number {
    const closed: number[] = [];
    let open = 0;
    for (const slot of this.#slots) {
      if (slot.open) open++;
      else if (slot.t > now - windowMs) closed.push(slot.t);
    }
    const excess = closed.length + open - limit + 1;
    if (excess <= 0) return 0;
    // In-flight requests answer at `now` at the earliest, so the closed ones leave first.
    if (closed.length < excess) return Number.POSITIVE_INFINITY;
    closed.sort((a, b) => a - b);
    return Math.max(1, (closed[excess - 1] as number) + windowMs - now);
  }

  #prune(now: number): void {
    // Only the longest configured window looks back; without windows no slot is needed at all
    // (keeping a minute of them at 1200/min made every acquire an O(n) filter for nothing).
    const { perSecond, perMinute } = this.#o.limits;
    const span = perMinute !== null ? MINUTE : perSecond !== null ? SECOND : 0;
    if (this.#slots.length === 0) return;
    this.#slots = this.#slots.filter((slot) => slot.open || slot.t > now - span);
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
    // Several requests of one burst are refused together: slow down once per burst, not once per
    // refusal (five refusals must not mean 32 times slower).
    if (now - this.#lastSlowDownAt >= Math.max(SECOND, this.#adaptiveIntervalMs)) {
      this.#lastSlowDownAt = now;
      this.#adaptiveIntervalMs = Math.min(
        MAX_ADAPTIVE_INTERVAL,
        Math.max(this.#adaptiveIntervalMs * 2, this.#baseIntervalMs() * 2),
      );
    }
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
    await this.#o.store.markExhausted(this.#o.scope, day);
    return budgetResetAt(day, this.#o.zone);
  }

  /** Removes today's daily-limit mark; resolves `true` when there was one. */
  clearDailyLimit(): Promise<boolean> {
    const day = budgetDay(this.#o.clock.now(), this.#o.zone);
    this.#markChecked = true;
    return this.#o.store.clearExhausted(this.#o.scope, day);
  }

  /** The daily budget as seen now. */
  async snapshot(): Promise<BudgetSnapshot> {
    const day = budgetDay(this.#o.clock.now(), this.#o.zone);
    const usage = await this.#o.store.usage(this.#o.scope, day);
    const perDay = this.#o.limits.perDay;
    // A mark a plan without a daily limit will clear on its first request does not count.
    const exhausted = usage.exhausted && (perDay !== null || this.#markChecked);
    const used = usage.used;
    return {
      origin: this.#o.scope.origin,
      day,
      perDay,
      perMinute: this.#o.limits.perMinute ?? null,
      usedToday: used,
      remainingToday: exhausted ? 0 : perDay === null ? null : Math.max(0, perDay - used),
      resetsAt: perDay === null && !exhausted ? null : budgetResetAt(day, this.#o.zone),
      exhausted,
    };
  }

  /** The configured spacing between requests: the tighter of the second and minute budgets. */
  #baseIntervalMs(): number {
    const { perSecond, perMinute } = this.#o.limits;
    return Math.max(perSecond ? SECOND / perSecond : 0, perMinute ? MINUTE / perMinute : 0, 250);
  }
}
