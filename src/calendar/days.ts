import { ValidationError } from '../errors/validation-error';
import { civilDate, DAY_MS, dayNumber, isRealDate, weekdayOf } from '../time/civil-date';
import { NEW_YORK, wallClockToUtcMs } from '../time/zone';

/**
 * Calendar-day parsing and New York instants for the market calendar (date arithmetic: `time/civil-date`).
 *
 * A day is a "day number": whole days since 1970-01-01 on the proleptic Gregorian calendar. Integer
 * days make set lookups, weekday tests and iteration cheap and can never drift with the host's
 * `TZ` — only the conversion to instants (via `src/time/zone.ts`) knows about New York.
 *
 * @internal
 */

const HOUR_MS = 3_600_000;

/** First year the calendar accepts. Before 1900 New York kept local mean time, not EST. */
export const MIN_YEAR = 1900;
/** Last year the calendar accepts: dates are written with four-digit years. */
export const MAX_YEAR = 9999;

/** True for Saturday and Sunday. */
export function isWeekend(day: number): boolean {
  const w = weekdayOf(day);
  return w === 0 || w === 6;
}

/** The UTC instant (ms) of `minutes` after midnight, New York wall clock, on `day`. */
export function newYorkWallMs(day: number, minutes: number): number {
  const p = civilDate(day);
  return wallClockToUtcMs(NEW_YORK, p.year, p.month, p.day, Math.floor(minutes / 60), minutes % 60);
}

/**
 * The New York calendar day that contains instant `ms`.
 *
 * Goes through cached local midnights rather than `utcMsToWallClock`, which asks `Intl` on every
 * call: multi-year ranges of `Date` inputs would otherwise spend most of their time formatting.
 */
export function newYorkDayOf(ms: number): number {
  // New York is 4 or 5 hours behind UTC, so this guess is the right day or its neighbour.
  let day = Math.floor((ms - 5 * HOUR_MS) / DAY_MS);
  if (ms < newYorkWallMs(day, 0)) day -= 1;
  else if (ms >= newYorkWallMs(day + 1, 0)) day += 1;
  return day;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function checkYear(year: number, field: string, shown: string): void {
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new ValidationError(
      `Date ${shown} is outside the supported years ${MIN_YEAR}–${MAX_YEAR}`,
      { field },
    );
  }
}

/**
 * Reads a caller's date: a `YYYY-MM-DD` string names a New York calendar day, a `Date` means the
 * New York day that contains that instant. Anything else is a {@link ValidationError}.
 */
export function parseDay(input: unknown, field = 'date'): number {
  if (typeof input === 'string') {
    const m = DATE_RE.exec(input);
    if (!m) {
      throw new ValidationError(`Expected a date as "YYYY-MM-DD", got "${input}"`, { field });
    }
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    if (!isRealDate(y, mo, d)) throw new ValidationError(`Not a real date: "${input}"`, { field });
    checkYear(y, field, `"${input}"`);
    return dayNumber(y, mo, d);
  }
  if (input instanceof Date) {
    return dayOfInstant(input, field);
  }
  throw new ValidationError(`Expected a "YYYY-MM-DD" string or a Date for ${field}`, { field });
}

/** Validates an instant and returns its New York day. */
export function dayOfInstant(input: unknown, field = 'instant'): number {
  if (!(input instanceof Date) || Number.isNaN(input.getTime())) {
    throw new ValidationError(`Expected a valid Date for ${field}`, { field });
  }
  const ms = input.getTime();
  // Checked on the UTC year first so that absurd instants never reach the zone helper.
  const utcYear = input.getUTCFullYear();
  if (utcYear < MIN_YEAR - 1 || utcYear > MAX_YEAR + 1)
    checkYear(utcYear, field, input.toISOString());
  const day = newYorkDayOf(ms);
  checkYear(civilDate(day).year, field, input.toISOString());
  return day;
}

/** Validates a year argument. */
export function checkYearArgument(year: unknown, field = 'year'): number {
  if (typeof year !== 'number' || !Number.isInteger(year)) {
    throw new ValidationError(`Expected an integer year for ${field}`, { field });
  }
  checkYear(year, field, String(year));
  return year;
}

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Parses `HH:MM` (24-hour) into minutes after midnight. */
export function parseTime(input: unknown, field = 'time'): number {
  const m = typeof input === 'string' ? TIME_RE.exec(input) : null;
  if (!m) {
    throw new ValidationError(
      `Expected a time as "HH:MM" (24-hour), got ${JSON.stringify(input)}`,
      {
        field,
      },
    );
  }
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Day number of the first supported day. */
export const MIN_DAY = dayNumber(MIN_YEAR, 1, 1);
/** Day number of the last supported day. */
export const MAX_DAY = dayNumber(MAX_YEAR, 12, 31);
