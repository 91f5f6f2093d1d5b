import { addDays } from '../time/civil-date';
import type { PartialDay } from './daily-series';
import { etDate, etDateTime, type SessionIndex } from './sessions';

/** Which daily bars exist at an instant. */
export interface DailyRange {
  /** Trading days from the history start to the latest session, ascending. */
  days: string[];
  /** Set when the latest session is still trading. */
  partial: PartialDay | null;
  /** `3. Last Refreshed`: the date after the close, the ET date-time during the session. */
  lastRefreshed: string;
}

/**
 * The daily view of the market at `nowMs`: today's bar appears at the regular open and is
 * provisional until the close (QUIRKS §29); before the open the previous session is the latest.
 */
export function dailyRange(
  sessions: SessionIndex,
  historyStart: string,
  nowMs: number,
): DailyRange {
  const today = etDate(nowMs);
  let latest = sessions.previousOrSame(today);
  let partial: PartialDay | null = null;
  let lastRefreshed = latest;
  if (latest === today) {
    const w = sessions.window(today)!;
    const openMs = w.midnightUtc + w.open * 60_000;
    const closeMs = w.midnightUtc + w.close * 60_000;
    if (nowMs < openMs) {
      latest = sessions.previousOrSame(addDays(today, -1));
      lastRefreshed = latest;
    } else if (nowMs < closeMs) {
      partial = { fraction: Math.max(1e-6, (nowMs - openMs) / (closeMs - openMs)) };
      lastRefreshed = etDateTime(nowMs);
    }
  }
  return { days: sessions.tradingDays(historyStart, latest), partial, lastRefreshed };
}

/** Binary search of an ascending date list; -1 when absent. */
export function indexOfDate(dates: readonly string[], date: string): number {
  let lo = 0;
  let hi = dates.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const d = dates[mid]!;
    if (d === date) return mid;
    if (d < date) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
