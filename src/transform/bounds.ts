import type { MarketCalendar } from '../calendar/market-calendar';
import { ValidationError } from '../errors/validation-error';
import { formatDate, readDigits, weekday } from '../time/civil-date';

/**
 * Date bounds: what can exist. A bar dated 2099 or 1700 is not data, and one such bar stored
 * would move the watermark past every real bar for good; so every time key is checked against
 * the earliest date its kind of series can have and the caller's "now". The checks are string or
 * number comparisons against bounds computed once per response, never a `Date` per row.
 */

/**
 * Earliest date of a daily, weekly or monthly stock bar, or of a quote: the first day of the
 * {@link MarketCalendar}'s range.
 */
export const EARLIEST_DAILY_DATE = '1900-01-01';

/** Earliest date of an index level: the first published stock average (Dow's, 1884). */
export const EARLIEST_INDEX_DATE = '1884-01-01';

/**
 * Earliest date of an intraday bar: electronic minute data of US equities begins in the 1990s
 * (Alpha Vantage itself serves intraday history from 2000-01).
 */
export const EARLIEST_INTRADAY_DATE = '1990-01-01';

/**
 * How far past the caller's `now` a bar may be dated by default: absorbs a host clock that runs a
 * little behind the source's.
 */
export const DEFAULT_FUTURE_SKEW_MS = 15 * 60_000;

/**
 * First day the trading-day check applies: the calendar models today's NYSE holiday rules, which
 * hold from 1971 on (the Monday-holiday act); older bars are only bounded, not checked.
 */
export const TRADING_DAY_CHECK_FROM = '1972-01-01';

/** The zone furthest ahead of UTC (UTC+14): where a new calendar day begins first. */
const LATEST_ZONE_OFFSET_MS = 14 * 3_600_000;

/**
 * The calendar a transform checks trading days against: weekends are closed, and `holidays(year)`
 * lists the weekday closures (a {@link MarketCalendar} fits).
 */
export type TradingCalendar = Pick<MarketCalendar, 'holidays'>;

/** The `[earliest, latest]` dates a day-keyed series accepts, both `YYYY-MM-DD`, inclusive. */
export interface DateRange {
  /** Earliest accepted date. */
  earliest: string;
  /** Latest accepted date (`9999-12-31` when there is no `now`). */
  latest: string;
}

/** Checks `now` and `futureSkewMs` of a context; returns the latest instant a bar may have. */
export function latestInstant(now: unknown, futureSkewMs: unknown): number {
  if (now === undefined) return Number.POSITIVE_INFINITY;
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw new ValidationError('now must be a finite number of milliseconds since the epoch', {
      field: 'now',
    });
  }
  const skew = futureSkewMs ?? DEFAULT_FUTURE_SKEW_MS;
  if (typeof skew !== 'number' || !Number.isFinite(skew) || skew < 0) {
    throw new ValidationError('futureSkewMs must be a finite number >= 0', {
      field: 'futureSkewMs',
    });
  }
  return now + skew;
}

/**
 * The latest calendar date a day-keyed bar can carry at instant `latestMs`: the date already
 * begun somewhere on Earth (UTC+14). Exchanges key bars by their local date, which for Asian and
 * Pacific listings is a day ahead of New York's.
 */
export function latestDate(latestMs: number): string {
  if (latestMs === Number.POSITIVE_INFINITY) return '9999-12-31';
  const d = new Date(latestMs + LATEST_ZONE_OFFSET_MS);
  return formatDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** The date range of a day-keyed transform, from its context. */
export function dateRange(
  earliest: string,
  ctx: { now?: number; futureSkewMs?: number },
): DateRange {
  return { earliest, latest: latestDate(latestInstant(ctx.now, ctx.futureSkewMs)) };
}

/**
 * Why `date` (a real `YYYY-MM-DD`) is outside `range`, or `null`. Two string comparisons: ISO
 * dates order as text.
 * @param what - how the date is named in the reason, e.g. `trade date`
 */
export function rangeProblem(what: string, date: string, range: DateRange): string | null {
  if (date > range.latest) {
    return `${what} ${date} is in the future (latest possible date ${range.latest})`;
  }
  if (date < range.earliest) {
    return `${what} ${date} is before ${range.earliest}, the earliest date accepted`;
  }
  return null;
}

/** Weekday names, indexed like `Date#getUTCDay` (0 = Sunday). */
export const WEEKDAY_NAMES: readonly string[] = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
];

/**
 * Why the exchange had no session on a date — the holiday's name, or the weekday's — for one
 * response: the year's closures are read from the calendar once and kept, so a check costs a
 * weekday computation and a map probe, not a calendar call per bar.
 */
export class ClosedDays {
  #year = -1;
  /** Weekday closures of `#year`, keyed by `month * 32 + day`, with their names. */
  #closures = new Map<number, string>();

  /** @param calendar - the trading calendar */
  constructor(private readonly calendar: TradingCalendar) {}

  /**
   * The reason `date` (a real `YYYY-MM-DD` within the calendar's years) had no session, or `null`
   * when it traded — or when it is before {@link TRADING_DAY_CHECK_FROM}.
   */
  reason(date: string): string | null {
    if (date < TRADING_DAY_CHECK_FROM) return null;
    const year = readDigits(date, 0, 4);
    const month = readDigits(date, 5, 2);
    const day = readDigits(date, 8, 2);
    const dow = weekday(year, month, day);
    if (dow === 0 || dow === 6) return WEEKDAY_NAMES[dow] as string;
    if (year !== this.#year) {
      this.#year = year;
      this.#closures = new Map(
        this.calendar
          .holidays(year)
          .map((h) => [readDigits(h.date, 5, 2) * 32 + readDigits(h.date, 8, 2), h.name]),
      );
    }
    return this.#closures.get(month * 32 + day) ?? null;
  }
}

/**
 * Whether a symbol is presumably listed on a US exchange: no exchange suffix (`TSCO.LON`,
 * `RELIANCE.BSE`). Only such symbols are checked against the (NYSE) trading calendar; a listing
 * elsewhere trades on its own exchange's days.
 */
export function isUsListing(symbol: string): boolean {
  return !symbol.includes('.');
}
