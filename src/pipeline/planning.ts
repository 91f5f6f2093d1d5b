import type { IntradayInterval } from '../alpha-vantage/types';
import type { MarketCalendar } from '../calendar';
import { ValidationError } from '../errors/validation-error';
import { NEW_YORK, zonedDate } from '../time/zone';

/** Alpha Vantage's `compact` size: the newest 100 points. */
export const COMPACT_POINTS = 100;
/**
 * Points of headroom kept below {@link COMPACT_POINTS} before choosing `full`: compact must also
 * re-cover the newest stored bars, which the source may still revise.
 */
export const COMPACT_MARGIN = 10;

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The New York calendar date (`YYYY-MM-DD`) of an instant. */
export function newYorkDate(utcMs: number): string {
  return zonedDate(NEW_YORK, utcMs);
}

/** The New York calendar month (`YYYY-MM`) of an instant. */
export function newYorkMonth(utcMs: number): string {
  return newYorkDate(utcMs).slice(0, 7);
}

/**
 * `compact` when the trading days after the stored `lastDate` fit in the newest 100 points (with
 * headroom), else `full`. No watermark → `full`.
 */
export function dailyOutputsize(
  lastDate: string | null,
  nowMs: number,
  calendar: MarketCalendar,
): 'compact' | 'full' {
  if (!lastDate) return 'full';
  const today = newYorkDate(nowMs);
  if (lastDate >= today) return 'compact';
  const missing = calendar.tradingDaysBetween(lastDate, today).filter((d) => d > lastDate).length;
  return missing <= COMPACT_POINTS - COMPACT_MARGIN ? 'compact' : 'full';
}

/**
 * Whether a key on `plan` may ask TIME_SERIES_DAILY(_ADJUSTED) for `outputsize=full`: free keys
 * may not (Alpha Vantage answers "The outputsize=full parameter value is a premium feature for the
 * TIME_SERIES_DAILY endpoint", API.md §1.3), so their daily jobs ask `compact` from the start.
 * An unknown plan (a custom source) is assumed to allow it; a refusal still falls back at once.
 */
export function dailyFullAllowed(plan: string | undefined): boolean {
  return plan !== 'free';
}

/** Where a free key's full history comes from, for warnings and docs. */
export const FREE_HISTORY_HINT =
  "a free key's full history comes from the weekly and monthly datasets (full history, free) and, for intraday, from month-by-month backfills (backfillIntraday / stock-etl backfill)";

const INTERVAL_MINUTES: Record<IntradayInterval, number> = {
  '1min': 1,
  '5min': 5,
  '15min': 15,
  '30min': 30,
  '60min': 60,
};

/**
 * How many bars of `interval` the market produced after instant `lastTs` up to `nowMs`, counting
 * only session time (extended hours when asked), using the calendar.
 */
export function barsSince(
  lastTsMs: number,
  nowMs: number,
  interval: IntradayInterval,
  extendedHours: boolean,
  calendar: MarketCalendar,
): number {
  if (nowMs <= lastTsMs) return 0;
  let minutes = 0;
  for (const s of calendar.sessionsBetween(newYorkDate(lastTsMs), newYorkDate(nowMs))) {
    const start = (extendedHours ? s.preOpen : s.open).getTime();
    const end = (extendedHours ? s.postClose : s.close).getTime();
    const from = Math.max(start, lastTsMs);
    const to = Math.min(end, nowMs);
    if (to > from) minutes += (to - from) / 60_000;
  }
  return Math.ceil(minutes / INTERVAL_MINUTES[interval]);
}

/** `compact` when the bars missing since `lastTs` fit in 100 points (with headroom), else `full`. */
export function intradayOutputsize(
  lastTs: string | null,
  nowMs: number,
  interval: IntradayInterval,
  extendedHours: boolean,
  calendar: MarketCalendar,
): 'compact' | 'full' {
  if (!lastTs) return 'full';
  const missing = barsSince(Date.parse(lastTs), nowMs, interval, extendedHours, calendar);
  return missing <= COMPACT_POINTS - COMPACT_MARGIN ? 'compact' : 'full';
}

/** Validates `YYYY-MM` (a month Alpha Vantage serves: 2000-01 or later). */
export function parseMonth(month: unknown, field: string): string {
  if (typeof month !== 'string' || !MONTH_RE.test(month) || month < '2000-01') {
    throw new ValidationError(
      `${field} must be a month YYYY-MM from 2000-01 on, got ${JSON.stringify(month)}`,
      { field },
    );
  }
  return month;
}

/** Months from `from` to `to` inclusive, ascending. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const endY = Number(to.slice(0, 4));
  const endM = Number(to.slice(5, 7));
  while (y < endY || (y === endY && m <= endM)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (++m === 13) {
      m = 1;
      y++;
    }
  }
  return out;
}
