/**
 * Fast `Date#toISOString` for many instants that share a UTC day: intraday rows are formatted by
 * the million, and rebuilding only the time of day from a cached `YYYY-MM-DDT` prefix is several
 * times cheaper than a `Date` allocation plus `toISOString` per row.
 */

import { DAY_MS } from '../time/civil-date';

const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, i) =>
  i < 10 ? `0${i}` : String(i),
);
const THREE_DIGITS: readonly string[] = Array.from({ length: 1000 }, (_, i) =>
  String(i).padStart(3, '0'),
);

/**
 * `HH:MM:SS.000Z` for each second of a day, filled on first use. A pure memo (the same input always
 * gives the same string), so sharing it is safe; bars usually sit on whole minutes, so only a few
 * hundred entries are ever filled.
 */
const TIME_OF_DAY: (string | undefined)[] = new Array(86_400);

function timeOfDay(second: number): string {
  let text = TIME_OF_DAY[second];
  if (text === undefined) {
    const h = Math.floor(second / 3600);
    const m = Math.floor(second / 60) % 60;
    text = `${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[second % 60]}.000Z`;
    TIME_OF_DAY[second] = text;
  }
  return text;
}

/** Formats instants as ISO 8601 UTC (`2024-03-11T13:30:00.000Z`), caching the date prefix. */
export class IsoFormatter {
  private day = Number.NaN;
  private prefix = '';

  /** Same output as `new Date(utcMs).toISOString()` for years 0–9999. */
  format(utcMs: number): string {
    const day = Math.floor(utcMs / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    }
    const msOfDay = utcMs - day * DAY_MS;
    const millis = msOfDay % 1000;
    const second = (msOfDay - millis) / 1000;
    // Whole seconds (every bar) concatenate two shared strings: one small cons string per row,
    // instead of a chain of eight that the row would keep alive.
    if (millis === 0) return this.prefix + timeOfDay(second);
    const text = timeOfDay(second);
    return `${this.prefix}${text.slice(0, 9)}${THREE_DIGITS[millis]}Z`;
  }
}
