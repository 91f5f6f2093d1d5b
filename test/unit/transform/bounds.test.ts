import { describe, expect, it } from 'vitest';
import type { BulkQuote, IndexBar, Quote } from '../../../src/alpha-vantage/types';
import { MarketCalendar } from '../../../src/calendar';
import {
  transformBulkQuotes,
  transformDaily,
  transformIndex,
  transformIntraday,
  transformMonthly,
  transformQuote,
  transformWeekly,
} from '../../../src/transform';
import { latestDate, latestInstant } from '../../../src/transform/bounds';
import { adjustedBar, bar, intradaySeries, series } from './helpers';

// Friday 2024-03-15 21:00 UTC (17:00 in New York), as the pipeline's clock would say.
const now = Date.parse('2024-03-15T21:00:00Z');
const calendar = new MarketCalendar();
const daily = { symbol: 'IBM', dataset: 'daily', now, calendar };

const reasons = (r: { rejects: { sourceKey: string | null; reason: string }[] }) =>
  r.rejects.map((x) => [x.sourceKey, x.reason]);

describe('date bounds of day-keyed series', () => {
  it('rejects a daily bar dated in the future (2099) or before 1900, and keeps the rest', () => {
    const s = series([
      bar('2099-12-31'),
      bar('2024-03-15'),
      bar('2024-03-14'),
      bar('1899-12-29'),
      bar('1700-01-01'),
    ]);
    const result = transformDaily(s, daily);
    expect(result.rows.map((r) => r.tradeDate)).toEqual(['2024-03-15', '2024-03-14']);
    expect(reasons(result)).toEqual([
      ['2099-12-31', 'date 2099-12-31 is in the future (latest possible date 2024-03-16)'],
      ['1899-12-29', 'date 1899-12-29 is before 1900-01-01, the earliest date accepted'],
      ['1700-01-01', 'date 1700-01-01 is before 1900-01-01, the earliest date accepted'],
    ]);
  });

  it('accepts up to the date already begun somewhere on Earth (UTC+14), plus the skew', () => {
    // 09:59 UTC on the 15th is 23:59 on the 15th at UTC+14; 10:00 is already the 16th there.
    expect(latestDate(latestInstant(Date.parse('2024-03-15T09:44:00Z'), undefined))).toBe(
      '2024-03-15',
    );
    expect(latestDate(latestInstant(Date.parse('2024-03-15T09:45:00Z'), undefined))).toBe(
      '2024-03-16',
    );
    expect(latestDate(latestInstant(Date.parse('2024-03-15T09:59:00Z'), 0))).toBe('2024-03-15');
    expect(latestDate(latestInstant(undefined, undefined))).toBe('9999-12-31');
    expect(() => latestInstant(Number.NaN, undefined)).toThrow(/now must be a finite number/);
    expect(() => latestInstant(now, -1)).toThrow(/futureSkewMs must be a finite number >= 0/);
  });

  it('without now, only the earliest-date bound applies (the transforms never read a clock)', () => {
    const s = series([bar('2099-12-31'), bar('1700-01-01')]);
    const result = transformDaily(s, { symbol: 'IBM', dataset: 'daily' });
    expect(result.rows.map((r) => r.tradeDate)).toEqual(['2099-12-31']);
    expect(result.rejects).toHaveLength(1);
  });

  it('rejects a daily bar on a weekend or an NYSE holiday, with the reason', () => {
    const s = series([
      adjustedBar('2024-03-17'), // Sunday
      adjustedBar('2024-03-16'), // Saturday
      adjustedBar('2024-03-15'),
      adjustedBar('2023-12-25'), // Christmas Day
      adjustedBar('2025-01-09'), // national day of mourning (a one-off closure)
    ]);
    const result = transformDaily(s, { ...daily, dataset: 'daily_adjusted', now: undefined });
    expect(result.rows.map((r) => r.tradeDate)).toEqual(['2024-03-15']);
    expect(reasons(result)).toEqual([
      ['2024-03-17', 'date 2024-03-17 is not a trading day (Sunday)'],
      ['2024-03-16', 'date 2024-03-16 is not a trading day (Saturday)'],
      ['2023-12-25', 'date 2023-12-25 is not a trading day (Christmas Day)'],
      [
        '2025-01-09',
        'date 2025-01-09 is not a trading day (National Day of Mourning for former President Jimmy Carter)',
      ],
    ]);
  });

  it('leaves the trading-day check to US listings, old history and an explicit opt-out', () => {
    const sunday = series([bar('2024-03-10')]);
    // A London listing trades on its own exchange's days (Good Friday aside, they differ).
    expect(transformDaily(sunday, { ...daily, symbol: 'TSCO.LON' }).rows).toHaveLength(1);
    expect(transformDaily(sunday, { ...daily, checkTradingDays: false }).rows).toHaveLength(1);
    expect(transformDaily(sunday, { symbol: 'IBM', dataset: 'daily' }).rows).toHaveLength(1);
    // Before 1972 the calendar's rules do not describe the NYSE (Saturday sessions, fixed-date
    // holidays): such bars are bounded only.
    expect(transformDaily(series([bar('1950-02-22')]), daily).rows).toHaveLength(1);
  });

  it('bounds weekly and monthly keys without the trading-day check', () => {
    const s = series([bar('2099-12-31'), bar('2024-03-15'), bar('1899-12-29')]);
    for (const transform of [transformWeekly, transformMonthly]) {
      const result = transform(s, { ...daily, dataset: 'weekly' });
      expect(result.rows.map((r) => r.lastTradeDate)).toEqual(['2024-03-15']);
      expect(result.rejects.map((r) => r.sourceKey)).toEqual(['2099-12-31', '1899-12-29']);
    }
  });

  it('bounds index levels from 1884, and does not apply the NYSE calendar to them', () => {
    const level = (time: string): IndexBar => ({
      time,
      open: '1',
      high: '2',
      low: '1',
      close: '2',
      volume: null,
    });
    const s = series([
      level('2099-01-01'),
      level('2024-03-10'),
      level('1896-05-26'),
      level('1800-01-01'),
    ]);
    const result = transformIndex(s, { symbol: 'DJI', dataset: 'index', now, calendar });
    expect(result.rows.map((r) => r.tradeDate)).toEqual(['2024-03-10', '1896-05-26']);
    expect(result.rejects.map((r) => r.sourceKey)).toEqual(['2099-01-01', '1800-01-01']);
  });
});

describe('date bounds of intraday bars', () => {
  const ctx = { symbol: 'IBM', dataset: 'intraday:5min', interval: '5min' as const, now, calendar };

  it('rejects a bar after now + skew + one bar length, and one before 1990', () => {
    // now = 17:00 ET; skew 15 min; a 5-min bar labelled by its end may be 5 min ahead.
    const s = intradaySeries([
      bar('2099-12-31 10:00:00'),
      bar('2024-03-15 17:25:00'),
      bar('2024-03-15 17:20:00'),
      bar('2024-03-15 16:55:00'),
      bar('1989-12-29 10:00:00'),
    ]);
    const result = transformIntraday(s, ctx);
    expect(result.rows.map((r) => r.ts)).toEqual([
      '2024-03-15T21:20:00.000Z',
      '2024-03-15T20:55:00.000Z',
    ]);
    expect(reasons(result)).toEqual([
      [
        '2099-12-31 10:00:00',
        'time 2099-12-31 10:00:00 is in the future (2099-12-31T15:00:00.000Z; latest possible 2024-03-15T21:20:00.000Z)',
      ],
      [
        '2024-03-15 17:25:00',
        'time 2024-03-15 17:25:00 is in the future (2024-03-15T21:25:00.000Z; latest possible 2024-03-15T21:20:00.000Z)',
      ],
      [
        '1989-12-29 10:00:00',
        'time 1989-12-29 10:00:00 is before 1990-01-01, the earliest date accepted',
      ],
    ]);
  });

  it('with a calendar, rejects bars on an NYSE holiday of a US listing', () => {
    const s = intradaySeries([bar('2023-04-07 10:00:00'), bar('2023-04-06 10:00:00')]);
    const result = transformIntraday(s, ctx); // Good Friday 2023-04-07
    expect(result.rows).toHaveLength(1);
    expect(reasons(result)).toEqual([
      [
        '2023-04-07 10:00:00',
        'time 2023-04-07 10:00:00 is on a day without a session (Good Friday)',
      ],
    ]);
    expect(transformIntraday(s, { ...ctx, calendar: undefined }).rows).toHaveLength(2);
    expect(transformIntraday(s, { ...ctx, symbol: 'RELIANCE.BSE' }).rows).toHaveLength(2);
  });
});

describe('date bounds of quotes', () => {
  const quote: Quote = {
    symbol: 'IBM',
    open: '1',
    high: '2',
    low: '1',
    price: '2',
    volume: '10',
    latestTradingDay: '2024-03-15',
    previousClose: '1',
    change: '1',
    changePercent: '100%',
  };

  it('rejects a latest trading day after the observation date or before 1900', () => {
    const observedAt = new Date(now);
    expect(transformQuote(quote, { observedAt }).rows).toHaveLength(1);
    for (const day of ['2099-12-31', '2024-03-17', '1899-01-02']) {
      const result = transformQuote({ ...quote, latestTradingDay: day }, { observedAt });
      expect(result.rows, day).toHaveLength(0);
      expect(result.rejects[0]?.reason).toMatch(/in the future|before 1900-01-01/);
    }
  });

  it('rejects a bulk quote timestamped after now + skew', () => {
    const entry: BulkQuote = {
      symbol: 'MSFT',
      timestamp: '2024-03-15 16:59:59.123',
      open: '1',
      high: '2',
      low: '1',
      close: '2',
      volume: '10',
      previousClose: '1',
      change: '1',
      changePercent: '1',
      extendedHoursQuote: null,
      extendedHoursChange: null,
      extendedHoursChangePercent: null,
    };
    const future = { ...entry, timestamp: '2024-03-15 17:15:00.001' };
    const result = transformBulkQuotes([entry, future], { now });
    expect(result.rows).toHaveLength(1);
    expect(result.rejects[0]?.reason).toBe(
      'timestamp 2024-03-15 17:15:00.001 is in the future (latest possible 2024-03-15T21:15:00.000Z)',
    );
  });
});
