import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AdjustedPriceBar, IndexBar } from '../../../src/alpha-vantage/types';
import { isRealDate } from '../../../src/time/civil-date';
import { monthStart, weekStart } from '../../../src/transform/dates';
import {
  transformDaily,
  transformIndex,
  transformMonthly,
  transformPeriod,
  transformWeekly,
} from '../../../src/transform/series';
import { adjustedBar, bar, series } from './helpers';

const ctx = { symbol: 'IBM', dataset: 'daily' };

describe('transformDaily', () => {
  it('maps an unadjusted bar with the three adjusted fields null', () => {
    const { rows, rejects } = transformDaily(series([bar('2024-03-11')]), ctx);
    expect(rejects).toEqual([]);
    expect(rows).toEqual([
      {
        symbol: 'IBM',
        tradeDate: '2024-03-11',
        open: '100.0000',
        high: '101.5000',
        low: '99.2500',
        close: '100.7500',
        volume: '1200',
        adjustedClose: null,
        dividendAmount: null,
        splitCoefficient: null,
      },
    ]);
  });

  it('keeps raw OHLCV plus the adjusted fields of an adjusted bar (real MSFT 2017-08-11 values)', () => {
    const real: AdjustedPriceBar = {
      time: '2017-08-11',
      open: '71.6100',
      high: '72.7000',
      low: '71.2800',
      close: '72.5000',
      adjustedClose: '72.5000',
      volume: '21121250',
      dividendAmount: '0.0000',
      splitCoefficient: '1.0000',
    };
    const { rows } = transformDaily(series([real], { symbol: 'MSFT' }), {
      symbol: 'MSFT',
      dataset: 'daily_adjusted',
    });
    expect(rows).toEqual([
      {
        symbol: 'MSFT',
        tradeDate: '2017-08-11',
        open: '71.6100',
        high: '72.7000',
        low: '71.2800',
        close: '72.5000',
        volume: '21121250',
        adjustedClose: '72.5000',
        dividendAmount: '0.0000',
        splitCoefficient: '1.0000',
      },
    ]);
  });

  it('rejects bad dates, bad values and bad adjusted fields; keeps the good rows', () => {
    const s = series<AdjustedPriceBar>([
      adjustedBar('2024-03-12'),
      adjustedBar('2024-02-30'),
      adjustedBar('2024-03-11 10:00:00'),
      adjustedBar('2024-03-08', { splitCoefficient: '0' }),
      adjustedBar('2024-03-07', { high: '99.0' }),
    ]);
    const { rows, rejects } = transformDaily(s, { symbol: 'IBM', dataset: 'daily_adjusted' });
    expect(rows.map((r) => r.tradeDate)).toEqual(['2024-03-12']);
    expect(rejects.map((r) => [r.sourceKey, r.reason])).toEqual([
      ['2024-02-30', 'time is not a real date (YYYY-MM-DD): "2024-02-30"'],
      ['2024-03-11 10:00:00', 'time is not a real date (YYYY-MM-DD): "2024-03-11 10:00:00"'],
      ['2024-03-08', 'splitCoefficient is not positive: 0'],
      ['2024-03-07', 'low 99.2500 > high 99.0'],
    ]);
    expect(rejects[0]).toMatchObject({ dataset: 'daily_adjusted', symbol: 'IBM' });
  });

  it('keeps the first of a duplicated trade date and rejects a copy with other values', () => {
    const s = series([bar('2024-03-11', { close: '101' }), bar('2024-03-11', { close: '100' })]);
    const { rows, rejects } = transformDaily(s, ctx);
    expect(rows.map((r) => r.close)).toEqual(['101']);
    expect(rejects.map((r) => r.reason)).toEqual([
      'duplicate trade date 2024-03-11 with different values',
    ]);
  });

  it('keeps one bar, silently, when the same bar is sent twice', () => {
    const s = series([bar('2024-03-11'), bar('2024-03-11'), bar('2024-03-08')]);
    const { rows, rejects } = transformDaily(s, ctx);
    expect(rows.map((r) => r.tradeDate)).toEqual(['2024-03-11', '2024-03-08']);
    expect(rejects).toEqual([]);
  });

  it('turns malformed bars into rejects and throws under the throw policy', () => {
    const s = series([bar('2024-03-11')], {}, [
      { time: null, reason: 'bar is not an object', raw: 'x' },
    ]);
    expect(transformDaily(s, ctx).rejects).toEqual([
      {
        dataset: 'daily',
        symbol: 'IBM',
        sourceKey: null,
        reason: 'bar is not an object',
        raw: 'x',
      },
    ]);
    expect(() => transformDaily(s, { ...ctx, policy: 'throw' })).toThrow(
      expect.objectContaining({ code: 'REJECTED_ROWS' }),
    );
  });
});

describe('weekly and monthly', () => {
  it('keys the open week by its Monday, whatever day the bar is keyed', () => {
    const wednesday = transformWeekly(series([bar('2024-03-13')]), { ...ctx, dataset: 'weekly' })
      .rows[0]!;
    const friday = transformWeekly(series([bar('2024-03-15')]), { ...ctx, dataset: 'weekly' })
      .rows[0]!;
    expect(wednesday.periodStart).toBe('2024-03-11');
    expect(friday.periodStart).toBe('2024-03-11');
    expect([wednesday.lastTradeDate, friday.lastTradeDate]).toEqual(['2024-03-13', '2024-03-15']);
  });

  it('maps weekly adjusted bars with adjusted close and dividend (real IBM 2026 values)', () => {
    const s = series<AdjustedPriceBar>([
      {
        time: '2026-05-15',
        open: '228.6600',
        high: '230.2300',
        low: '212.3400',
        close: '219.3000',
        adjustedClose: '219.3000',
        volume: '33144274',
        dividendAmount: '0.0000',
        splitCoefficient: null,
      },
      {
        time: '2026-05-08',
        open: '232.0000',
        high: '234.0900',
        low: '224.3800',
        close: '229.7600',
        adjustedClose: '229.7600',
        volume: '26716501',
        dividendAmount: '1.6900',
        splitCoefficient: null,
      },
    ]);
    const { rows } = transformWeekly(s, { ...ctx, dataset: 'weekly_adjusted' });
    expect(rows).toEqual([
      {
        symbol: 'IBM',
        periodStart: '2026-05-11',
        lastTradeDate: '2026-05-15',
        open: '228.6600',
        high: '230.2300',
        low: '212.3400',
        close: '219.3000',
        volume: '33144274',
        adjustedClose: '219.3000',
        dividendAmount: '0.0000',
      },
      {
        symbol: 'IBM',
        periodStart: '2026-05-04',
        lastTradeDate: '2026-05-08',
        open: '232.0000',
        high: '234.0900',
        low: '224.3800',
        close: '229.7600',
        volume: '26716501',
        adjustedClose: '229.7600',
        dividendAmount: '1.6900',
      },
    ]);
  });

  it('keys months by their 1st (real IBM monthly: open month keyed 2026-05-15)', () => {
    const s = series([
      bar('2026-05-15', {
        open: '234.5500',
        high: '235.9500',
        low: '212.3400',
        close: '219.3000',
        volume: '63442866',
      }),
      bar('2026-04-30', {
        open: '242.1200',
        high: '258.5000',
        low: '221.7300',
        close: '230.9800',
        volume: '133524534',
      }),
    ]);
    const { rows } = transformMonthly(s, { ...ctx, dataset: 'monthly' });
    expect(
      rows.map((r) => [r.periodStart, r.lastTradeDate, r.adjustedClose, r.dividendAmount]),
    ).toEqual([
      ['2026-05-01', '2026-05-15', null, null],
      ['2026-04-01', '2026-04-30', null, null],
    ]);
  });

  it('rejects a second bar in the same period, keeping the first (newest)', () => {
    const s = series([bar('2018-08-16'), bar('2018-08-13'), bar('2018-08-10')]);
    const { rows, rejects } = transformPeriod(s, 'week', { ...ctx, dataset: 'weekly' });
    expect(rows.map((r) => r.lastTradeDate)).toEqual(['2018-08-16', '2018-08-10']);
    expect(rejects.map((r) => r.reason)).toEqual([
      'duplicate week starting 2018-08-13 (already have the bar of 2018-08-16)',
    ]);
  });
});

describe('weekStart and monthStart', () => {
  it.each([
    ['2024-03-11', '2024-03-11'], // Monday
    ['2024-03-13', '2024-03-11'],
    ['2024-03-17', '2024-03-11'], // Sunday belongs to the week before
    ['2024-01-03', '2024-01-01'],
    ['2021-01-01', '2020-12-28'], // across a year
    ['2024-03-01', '2024-02-26'], // across a leap February
  ])('weekStart(%s) = %s', (date, monday) => {
    expect(weekStart(date)).toBe(monday);
  });

  it('monthStart keeps year and month', () => {
    expect(monthStart('2024-02-29')).toBe('2024-02-01');
  });

  it('reject dates that are not real', () => {
    expect(() => weekStart('2024-02-30')).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(() => monthStart('2024-3-1')).toThrow(/YYYY-MM-DD/);
  });

  it('weekStart is a Monday at most 6 days earlier, same for the whole week (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        const d = new Date(ms - (ms % 86_400_000));
        const date = d.toISOString().slice(0, 10);
        const monday = weekStart(date);
        const m = new Date(`${monday}T00:00:00Z`);
        expect(m.getUTCDay()).toBe(1);
        const back = (d.getTime() - m.getTime()) / 86_400_000;
        expect(back).toBeGreaterThanOrEqual(0);
        expect(back).toBeLessThanOrEqual(6);
        expect(d.getUTCDay()).toBe((back + 1) % 7);
      }),
      { numRuns: 3000 },
    );
  });

  it('monthStart is the 1st of the same month (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (y, m, d) => {
          fc.pre(isRealDate(y, m, d));
          const date = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          expect(monthStart(date)).toBe(`${date.slice(0, 7)}-01`);
        },
      ),
    );
  });
});

describe('transformIndex', () => {
  it('maps index bars, with or without volume', () => {
    const bars: IndexBar[] = [
      {
        time: '2024-03-11',
        open: '5111.96',
        high: '5124.66',
        low: '5091.14',
        close: '5117.94',
        volume: null,
      },
      {
        time: '2024-03-08',
        open: '5123.36',
        high: '5189.26',
        low: '5117.50',
        close: '5123.69',
        volume: '0',
      },
      {
        time: '2024-03-07',
        open: '5132.38',
        high: '5165.62',
        low: '5128.21',
        close: '5157.36',
      } as unknown as IndexBar,
    ];
    const { rows, rejects } = transformIndex(series(bars, { symbol: 'SPX' }), {
      symbol: 'SPX',
      dataset: 'index',
    });
    expect(rejects).toEqual([]);
    expect(rows.map((r) => [r.symbol, r.tradeDate, r.volume])).toEqual([
      ['SPX', '2024-03-11', null],
      ['SPX', '2024-03-08', '0'],
      ['SPX', '2024-03-07', null],
    ]);
  });

  it('rejects inconsistent and conflicting duplicate index bars; an identical copy is one bar', () => {
    const bars: IndexBar[] = [
      { time: '2024-03-11', open: '1', high: '2', low: '1', close: '2', volume: null },
      { time: '2024-03-11', open: '1', high: '2', low: '1', close: '2', volume: null },
      { time: '2024-03-11', open: '1', high: '2', low: '1', close: '1.5', volume: null },
      { time: '2024-03-08', open: '1', high: '2', low: '3', close: '2', volume: null },
    ];
    const { rows, rejects } = transformIndex(series(bars), { symbol: 'SPX', dataset: 'index' });
    expect(rows).toHaveLength(1);
    expect(rejects.map((r) => r.reason)).toEqual([
      'duplicate trade date 2024-03-11 with different values',
      'low 3 > high 2',
    ]);
  });
});
