import { describeValue } from '../bounded-text';
import { ValidationError } from '../errors/validation-error';

/**
 * Calendar-date helpers on `YYYY-MM-DD` text. Pure integer math on fixed character positions:
 * no `Date` parsing of local strings, so the host's `TZ` can never leak in, and cheap enough to run
 * once per bar.
 */

/** The parts of a calendar date. */
export interface DateParts {
  /** Year, e.g. 2024. */
  year: number;
  /** Month 1–12. */
  month: number;
  /** Day of month 1–31. */
  day: number;
}

/** Reads the digits at `text[from, from + len)`, or -1 when any is not a digit. */
export function readDigits(text: string, from: number, len: number): number {
  let value = 0;
  for (let i = from; i < from + len; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/** Days in `month` (1–12) of `year`, proleptic Gregorian. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses the `YYYY-MM-DD` at the start of `text` (positions 0–9). Returns `null` unless it has that
 * exact shape and names a real date. Characters after position 9 are ignored, so it also reads the
 * date of a `YYYY-MM-DD HH:MM:SS` key.
 */
export function parseDatePrefix(text: string): DateParts | null {
  if (text.length < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
  const year = readDigits(text, 0, 4);
  const month = readDigits(text, 5, 2);
  const day = readDigits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return null;
  if (day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

/** Parses an exact `YYYY-MM-DD` (nothing after it); `null` unless it is a real date. */
export function parseIsoDate(text: string): DateParts | null {
  return text.length === 10 ? parseDatePrefix(text) : null;
}

/**
 * Day of the week of a date: 0 = Sunday … 6 = Saturday (like `Date#getUTCDay`), proleptic
 * Gregorian, years 0 on. Integer arithmetic (days from the civil date, H. Hinnant's algorithm):
 * cheap enough to run per bar.
 */
export function weekday(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const days = era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  // Day 0 of this count, 0000-03-01, was a Wednesday (3).
  return (((days + 3) % 7) + 7) % 7;
}

/** Formats date parts as `YYYY-MM-DD` (years 0–9999). */
export function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

function requireDate(date: string, field: string): DateParts {
  const parts = typeof date === 'string' ? parseIsoDate(date) : null;
  if (!parts) {
    throw new ValidationError(
      `${field} must be a real date as YYYY-MM-DD, got ${describeValue(date)}`,
      {
        field,
      },
    );
  }
  return parts;
}

/**
 * The Monday of the ISO week containing `date` (`YYYY-MM-DD` in, `YYYY-MM-DD` out): the
 * `period_start` of a weekly bar. A Sunday belongs to the week that began six days earlier.
 *
 * @throws {@link ValidationError} when `date` is not a real `YYYY-MM-DD` date.
 * @internal
 */
export function weekStart(date: string): string {
  const { year, month, day } = requireDate(date, 'date');
  const back = (weekday(year, month, day) + 6) % 7; // days since Monday
  if (back === 0) return date;
  const monday = new Date(Date.UTC(year, month - 1, day - back)); // UTC math: no host TZ involved
  return formatDate(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate());
}

/**
 * The first day of the month containing `date` (`YYYY-MM-DD` in, `YYYY-MM-01` out): the
 * `period_start` of a monthly bar.
 *
 * @throws {@link ValidationError} when `date` is not a real `YYYY-MM-DD` date.
 * @internal
 */
export function monthStart(date: string): string {
  requireDate(date, 'date');
  return `${date.slice(0, 8)}01`;
}
