import type { BudgetScope } from './budget-store';

/** One rolling window of a shared rate limit: at most `limit` requests per `windowMs`. */
export interface RateWindow {
  /** Length of the window, in milliseconds (1000 for per-second, 60000 for per-minute). */
  windowMs: number;
  /** Requests allowed in any window of that length. */
  limit: number;
}

/** What {@link SharedRateLimit.tryAcquire} answers. */
export type RateAcquireResult =
  | {
      /** A slot of every window was taken: the request may go now. */
      acquired: true;
      /** Hand back to {@link SharedRateLimit.release} when the answer arrived. */
      ticket: RateTicket;
    }
  | {
      /** Every window is full: nothing was taken. */
      acquired: false;
      /** Milliseconds until a slot of every window may be free (a lower bound: ask again then). */
      waitMs: number;
    };

/** The slots one request holds while it is in flight. Opaque to callers. */
export interface RateTicket {
  /** Random token of the holder. */
  readonly holder: string;
  /** The slots taken, one per window. */
  readonly slots: readonly {
    /** The window the slot belongs to. */
    windowMs: number;
    /** The slot's number in the window's ring. */
    slot: number;
  }[];
}

/**
 * A request rate limit shared by every process that uses one API key against one service (the
 * per-second and per-minute windows; the per-day budget is the `BudgetStore`'s). The extractor
 * consults it before each HTTP attempt, after its own in-process windows, and releases it when the
 * answer (or the failure) arrived. `PostgresRateLimit` keeps it in PostgreSQL.
 *
 * A window is counted from when each answer *arrived*, like the in-process limiter, so network
 * jitter can never put `limit + 1` arrivals into one of the server's windows.
 */
export interface SharedRateLimit {
  /**
   * Atomically takes one slot of every window, or none.
   * @param scope - key hash and service origin
   * @param windows - the windows to respect (never empty)
   */
  tryAcquire(scope: BudgetScope, windows: readonly RateWindow[]): Promise<RateAcquireResult>;
  /**
   * The request holding `ticket` got its answer (or failed): its slots become free one window
   * after the answer arrived. `delivered: false` means it never reached the service: its slots
   * are free at once.
   * @param answeredMsAgo - how long ago the answer arrived (a duration, so no two clocks need to
   *   agree); the window counts from then, not from this call. @default 0
   */
  release(
    scope: BudgetScope,
    ticket: RateTicket,
    delivered: boolean,
    answeredMsAgo?: number,
  ): Promise<void>;
}

/** The shared windows of the per-second and per-minute limits (per-day is the budget store's). @internal */
export function sharedWindows(limits: {
  perSecond: number | null;
  perMinute: number | null;
}): RateWindow[] {
  const windows: RateWindow[] = [];
  if (limits.perSecond !== null) windows.push({ windowMs: 1_000, limit: limits.perSecond });
  if (limits.perMinute !== null) windows.push({ windowMs: 60_000, limit: limits.perMinute });
  return windows;
}

/**
 * Waits until the shared limit grants a slot of every window; `onWait` is told of each wait.
 * @internal
 */
export async function acquireShared(
  shared: SharedRateLimit,
  scope: BudgetScope,
  windows: readonly RateWindow[],
  clock: { now(): number; sleep(ms: number): Promise<void> },
  onWait: (waitMs: number) => void,
): Promise<RateTicket> {
  for (;;) {
    const asked = clock.now();
    const result = await shared.tryAcquire(scope, windows);
    if (result.acquired) return result.ticket;
    // The wait was reckoned while the answer travelled back: sleep that much less (asking again a
    // moment early costs one statement; waking late costs the slot that moment of its window).
    const waitMs = Math.max(1, result.waitMs - (clock.now() - asked));
    onWait(waitMs);
    await clock.sleep(waitMs);
  }
}
