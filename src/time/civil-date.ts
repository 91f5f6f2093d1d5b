/**
 * Civil (calendar) dates: `YYYY-MM-DD` text, its parts, and day numbers (whole days since
 * 1970-01-01), on the proleptic Gregorian calendar. The one home of these helpers: the transformer,
 * the market calendar, the input checks and the fake server all use them.
 *
 * Pure integer arithmetic (H. Hinnant's `days_from_civil` / `civil_from_days`): no `Date` parsing
 * of local strings, so the host's `TZ` can never leak in, and cheap enough to run once per bar.
 * Years 0–9999. Nothing here knows about time zones (see `./zone`).
 *
 * @internal
 */

/** Milliseconds in a (UTC) day. @internal */
export const DAY_MS = 86_400_000;

/** The parts of a calendar date. @internal */
export interface CivilDate {
  /** Year, e.g. 2024. */
  year: number;
  /** Month 1–12. */
  month: number;
  /** Day of month 1–31. */
  day: number;
}

/** Days in `month` (1–12) of `year`. @internal */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True when `year-month-day` are integers naming a real calendar date. @internal */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

/** Day number (days since 1970-01-01) of a date; no validation, callers validate first. @internal */
export function dayNumber(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  // 719_468 days from 0000-03-01 (the era's start) to 1970-01-01.
  return era * 146_097 + doe - 719_468;
}

/** The date of a day number. @internal */
export function civilDate(dayNum: number): CivilDate {
  const z = dayNum + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Day of the week of a day number: 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). @internal */
export function weekdayOf(dayNum: number): number {
  return (((dayNum + 4) % 7) + 7) % 7;
}

/** Day of the week of a date: 0 = Sunday … 6 = Saturday, like `Date#getUTCDay`. @internal */
export function weekday(year: number, month: number, day: number): number {
  return weekdayOf(dayNumber(year, month, day));
}

/** Formats date parts as `YYYY-MM-DD`. @internal */
export function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** `YYYY-MM-DD` of a day number. @internal */
export function formatDayNumber(dayNum: number): string {
  const { year, month, day } = civilDate(dayNum);
  return formatDate(year, month, day);
}

/** Reads the digits at `text[from, from + len)`, or -1 when any is not a digit. @internal */
export function readDigits(text: string, from: number, len: number): number {
  let value = 0;
  for (let i = from; i < from + len; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/**
 * Parses the `YYYY-MM-DD` at the start of `text` (positions 0–9). Returns `null` unless it has that
 * exact shape and names a real date. Characters after position 9 are ignored, so it also reads the
 * date of a `YYYY-MM-DD HH:MM:SS` key.
 * @internal
 */
export function parseDatePrefix(text: string): CivilDate | null {
  if (text.length < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
  const year = readDigits(text, 0, 4);
  const month = readDigits(text, 5, 2);
  const day = readDigits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return null;
  if (day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

/** Parses an exact `YYYY-MM-DD` (nothing after it); `null` unless it is a real date. @internal */
export function parseIsoDate(text: string): CivilDate | null {
  return text.length === 10 ? parseDatePrefix(text) : null;
}

/**
 * Day number of a `YYYY-MM-DD` the program made itself; a `RangeError` (a bug, not bad input)
 * unless it is a real date. Validate a caller's text with {@link parseIsoDate} instead.
 * @internal
 */
export function dayNumberOf(text: string): number {
  const parts = parseIsoDate(text);
  if (!parts) throw new RangeError(`Not a YYYY-MM-DD date: ${JSON.stringify(text)}`);
  return dayNumber(parts.year, parts.month, parts.day);
}

/** Adds `days` calendar days to a `YYYY-MM-DD` date (see {@link dayNumberOf}). @internal */
export function addDays(date: string, days: number): string {
  return formatDayNumber(dayNumberOf(date) + days);
}
