import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  civilDate,
  DAY_MS,
  dayNumber,
  dayNumberOf,
  daysInMonth,
  formatDate,
  formatDayNumber,
  isRealDate,
  parseDatePrefix,
  parseIsoDate,
  weekday,
  weekdayOf,
} from '../../../src/time/civil-date';

/** The same date through `Date` (UTC only, years 100+: `Date.UTC` maps 0–99 to 1900–1999). */
function viaDate(year: number, month: number, day: number) {
  const ms = Date.UTC(year, month - 1, day);
  return {
    dayNum: ms / DAY_MS,
    weekday: new Date(ms).getUTCDay(),
    iso: new Date(ms).toISOString(),
  };
}

const realDate = fc
  .record({
    year: fc.integer({ min: 100, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
  })
  .filter(({ year, month, day }) => isRealDate(year, month, day));

describe('civil dates', () => {
  it('day numbers, weekdays and formatting agree with Date (UTC) for years 100–9999', () => {
    fc.assert(
      fc.property(realDate, ({ year, month, day }) => {
        const expected = viaDate(year, month, day);
        const n = dayNumber(year, month, day);
        expect(n).toBe(expected.dayNum);
        expect(civilDate(n)).toEqual({ year, month, day });
        expect(weekday(year, month, day)).toBe(expected.weekday);
        expect(weekdayOf(n)).toBe(expected.weekday);
        expect(formatDate(year, month, day)).toBe(expected.iso.slice(0, 10));
        expect(formatDayNumber(n)).toBe(expected.iso.slice(0, 10));
        expect(parseIsoDate(formatDate(year, month, day))).toEqual({ year, month, day });
      }),
    );
  });

  it('knows fixed points: the epoch, leap days, years below 100', () => {
    expect(dayNumber(1970, 1, 1)).toBe(0);
    expect(weekday(1970, 1, 1)).toBe(4); // Thursday
    expect(weekdayOf(-1)).toBe(3);
    expect(civilDate(-1)).toEqual({ year: 1969, month: 12, day: 31 });
    expect(formatDate(7, 3, 1)).toBe('0007-03-01');
    expect(civilDate(dayNumber(0, 3, 1))).toEqual({ year: 0, month: 3, day: 1 });
    expect(weekday(2024, 2, 29)).toBe(4);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2024, 4)).toBe(30);
  });

  it('counts day 0 and month 13 as the neighbours they stand for', () => {
    expect(dayNumber(2024, 3, 0)).toBe(dayNumber(2024, 2, 29));
    expect(dayNumber(2024, 13, 1)).toBe(dayNumber(2025, 1, 1));
  });

  it('accepts only real dates', () => {
    expect(isRealDate(2023, 2, 29)).toBe(false);
    expect(isRealDate(2024, 2, 29)).toBe(true);
    expect(isRealDate(2024, 13, 1)).toBe(false);
    expect(isRealDate(2024, 1, 0)).toBe(false);
    expect(isRealDate(2024, 1, 1.5)).toBe(false);
    expect(parseIsoDate('2024-02-30')).toBeNull();
    expect(parseIsoDate('2024-2-03')).toBeNull();
    expect(parseIsoDate('2024-02-03 ')).toBeNull();
    expect(parseDatePrefix('2024-02-03 09:30:00')).toEqual({ year: 2024, month: 2, day: 3 });
    expect(parseDatePrefix('2024-0a-03')).toBeNull();
  });

  it('adds days across months, years and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2023-12-31', 1)).toBe('2024-01-01');
    expect(addDays('2024-01-01', 366)).toBe('2025-01-01');
    expect(dayNumberOf('1970-01-02')).toBe(1);
    expect(() => dayNumberOf('2024-02-30')).toThrow(RangeError);
  });
});
