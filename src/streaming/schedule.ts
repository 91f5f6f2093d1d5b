/**
 * Pure scheduling decisions of the streaming loop: when to wake, how long to back off. No clock,
 * no timers — every function takes "now" so it can be tested exhaustively.
 */
import type { MarketCalendar } from '../calendar';
import { NEW_YORK, utcMsToWallClock, wallClockToUtcMs } from '../time/zone';

/**
 * Longest single sleep. Long waits (a weekend) are taken in slices so the loop re-reads the clock
 * and calendar regularly: a suspended laptop or a calendar override added at run time is noticed
 * within this time, and no timer ever exceeds `setTimeout`'s 24.8-day limit.
 */
export const MAX_SLEEP_SLICE_MS = 5 * 60_000;

/** The market is open at the instant asked about. */
export interface MarketOpenState {
  /** Open. */
  open: true;
  /** End of the current session (`postClose` with extended hours). */
  closesAt: Date;
}

/** The market is closed at the instant asked about. */
export interface MarketClosedState {
  /** Closed. */
  open: false;
  /** Next open (`preOpen` with extended hours). */
  nextOpen: Date;
}

/** Whether to poll now, per the calendar. */
export type MarketState = MarketOpenState | MarketClosedState;

/**
 * The market at `nowMs`: open (and until when) or closed (and when it opens next).
 * `extendedHours` widens "open" to 04:00–20:00 New York time.
 */
export function marketState(
  calendar: MarketCalendar,
  nowMs: number,
  extendedHours: boolean,
): MarketState {
  const now = new Date(nowMs);
  if (calendar.isOpen(now, { extendedHours })) {
    const session = calendar.session(now);
    // isOpen implies a session today; the fallback only guards a calendar that disagrees.
    const closesAt = session ? (extendedHours ? session.postClose : session.close) : now;
    return { open: true, closesAt };
  }
  return { open: false, nextOpen: calendar.nextOpen(now, { extendedHours }) };
}

/** Milliseconds from `nowMs` until the next cycle, which starts `intervalMs` after the last one. */
export function nextCycleDelay(cycleStartMs: number, nowMs: number, intervalMs: number): number {
  return Math.max(0, cycleStartMs + intervalMs - nowMs);
}

/**
 * Wait after the `strikes`-th consecutive rate-limit error: `intervalMs · 2^strikes` (twice the
 * interval first, doubling after), capped at `max(maxBackoffMs, intervalMs)`, and never shorter
 * than the server's `retryAfterMs` hint.
 */
export function rateLimitBackoff(
  strikes: number,
  intervalMs: number,
  maxBackoffMs: number,
  retryAfterMs?: number,
): number {
  const cap = Math.max(maxBackoffMs, intervalMs);
  // Exponent clamped so 2^n never overflows to Infinity for a long outage.
  const doubled = intervalMs * 2 ** Math.min(Math.max(strikes, 1), 40);
  const hint = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) ? retryAfterMs : 0;
  return Math.max(Math.min(doubled, cap), hint);
}

/** The next midnight in New York strictly after `nowMs` (when a daily quota is assumed to reset). */
export function nextNewYorkMidnight(nowMs: number): number {
  const wall = utcMsToWallClock(NEW_YORK, nowMs);
  // Date.UTC normalises day overflow (Jan 32 → Feb 1) before the zone conversion.
  const next = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + 1));
  return wallClockToUtcMs(
    NEW_YORK,
    next.getUTCFullYear(),
    next.getUTCMonth() + 1,
    next.getUTCDate(),
  );
}

/**
 * When to resume after the daily quota is spent: the error's `resetsAt` when it is a real future
 * date, else the next New York midnight — and never sooner than one interval from now, so a stale
 * or wrong `resetsAt` cannot make the loop hammer the API.
 */
export function dailyLimitResume(
  nowMs: number,
  intervalMs: number,
  resetsAt: Date | undefined,
): number {
  const reset =
    resetsAt instanceof Date && Number.isFinite(resetsAt.getTime()) && resetsAt.getTime() > nowMs
      ? resetsAt.getTime()
      : nextNewYorkMidnight(nowMs);
  return Math.max(reset, nowMs + intervalMs);
}

/** `symbols` starting at index `start` (wrapping), so a cut-short cycle resumes where it stopped. */
export function rotate<T>(symbols: readonly T[], start: number): T[] {
  if (symbols.length === 0) return [];
  const k = ((start % symbols.length) + symbols.length) % symbols.length;
  return [...symbols.slice(k), ...symbols.slice(0, k)];
}

/** Splits `items` into arrays of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
