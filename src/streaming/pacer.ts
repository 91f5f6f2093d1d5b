import type { TypedEmitter } from '../events';
import type { CycleOutcome } from './cycle';
import type { ResolvedStreamingOptions } from './options';
import { dailyLimitResume, MAX_SLEEP_SLICE_MS, marketState, rateLimitBackoff } from './schedule';
import type { StreamingEvents } from './types';

/** What the loop does next: poll now, or sleep until `until` (the market is closed). */
export type Gate = { action: 'poll' } | { action: 'sleep'; until: number };

/**
 * The loop's sense of time: market open/closed announcements, the closing cycle, rate-limit
 * strikes, pauses and interruptible sleeps. Stateful (unlike `schedule.ts`), one per service.
 * @internal
 */
export class Pacer {
  /** Market state last announced (`undefined` after reset): events fire on changes only. */
  #announced: { open: true } | { open: false; nextOpen: number } | undefined;
  #polledThisSession = false;
  #rateLimitStrikes = 0;
  #sleepingUntil: number | null = null;
  #closing = false;

  /**
   * @param opts - resolved service options
   * @param events - where market and pause events go
   */
  constructor(
    private readonly opts: ResolvedStreamingOptions,
    private readonly events: TypedEmitter<StreamingEvents>,
  ) {}

  /** When the current sleep ends (market closed, pause or interval), or `null`. */
  get sleepingUntil(): number | null {
    return this.#sleepingUntil;
  }

  /** True when the last {@link Pacer.gate} granted the closing cycle (`pollAtClose`). */
  get closing(): boolean {
    return this.#closing;
  }

  /** Forgets the announced market state (on start), so a restart announces it again. */
  reset(): void {
    this.#announced = undefined;
    this.#polledThisSession = false;
  }

  /**
   * Decides whether to poll at `nowMs`. Announces market changes; grants the one closing cycle
   * (`pollAtClose`) right after a session this service polled in.
   */
  gate(nowMs: number): Gate {
    const o = this.opts;
    this.#closing = false;
    if (!o.marketHoursOnly) return { action: 'poll' };
    const state = marketState(o.calendar, nowMs, o.extendedHours);
    if (state.open) {
      if (this.#announced?.open !== true) {
        this.#announced = { open: true };
        this.events.emit('market:open', { at: new Date(nowMs), closesAt: state.closesAt });
      }
      this.#polledThisSession = true;
      return { action: 'poll' };
    }
    if (this.#polledThisSession && o.pollAtClose) {
      this.#polledThisSession = false;
      this.#closing = true;
      return { action: 'poll' };
    }
    this.#polledThisSession = false;
    const nextOpen = state.nextOpen.getTime();
    const prev = this.#announced;
    if (prev === undefined || prev.open || prev.nextOpen !== nextOpen) {
      this.#announced = { open: false, nextOpen };
      o.logger.info('market closed; sleeping until the next open', {
        nextOpen: state.nextOpen.toISOString(),
      });
      this.events.emit('market:closed', { at: new Date(nowMs), nextOpen: state.nextOpen });
    }
    return { action: 'sleep', until: nextOpen };
  }

  /**
   * The pause a cut-short cycle calls for (rate limit, spent daily quota), or `null` when the
   * cycle ended normally and the strategy decides the next one.
   */
  pauseAfter(outcome: CycleOutcome): number | null {
    if (!outcome.dailyLimit && !outcome.rateLimited) {
      this.#rateLimitStrikes = 0;
      return null;
    }
    return this.nextWake(this.opts.clock.now(), outcome);
  }

  /** When the next cycle may start: the interval, or a rate-limit / daily-limit pause. */
  nextWake(cycleStart: number, outcome: CycleOutcome): number {
    const { clock, intervalMs, maxBackoffMs } = this.opts;
    const now = clock.now();
    let until: number;
    let reason: 'rate-limit' | 'daily-limit';
    if (outcome.dailyLimit) {
      this.#rateLimitStrikes = 0;
      // The session may end during the pause; a closing cycle hours later would be pointless.
      this.#polledThisSession = false;
      until = dailyLimitResume(now, intervalMs, outcome.dailyLimit.resetsAt);
      reason = 'daily-limit';
    } else if (outcome.rateLimited) {
      this.#rateLimitStrikes++;
      const retryAfter = outcome.rateLimited.retryAfterMs;
      until = now + rateLimitBackoff(this.#rateLimitStrikes, intervalMs, maxBackoffMs, retryAfter);
      reason = 'rate-limit';
    } else {
      this.#rateLimitStrikes = 0;
      return cycleStart + intervalMs;
    }
    this.events.emit('pause', { reason, until: new Date(until), delayMs: until - now });
    return until;
  }

  /**
   * Sleeps until `wakeMs` in slices of at most {@link MAX_SLEEP_SLICE_MS} (re-reading the clock
   * after each); `shownUntil` is what `sleepingUntil` reports. False when `signal` aborted.
   */
  async sleepUntil(wakeMs: number, shownUntil: number, signal: AbortSignal): Promise<boolean> {
    const { clock } = this.opts;
    this.#sleepingUntil = shownUntil;
    try {
      for (;;) {
        if (signal.aborted) return false;
        const left = wakeMs - clock.now();
        if (left <= 0) return true;
        await clock.sleep(Math.min(left, MAX_SLEEP_SLICE_MS), signal);
      }
    } catch (error) {
      if (signal.aborted) return false;
      throw error;
    } finally {
      this.#sleepingUntil = null;
    }
  }
}
