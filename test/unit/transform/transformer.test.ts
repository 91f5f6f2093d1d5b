import { describe, expect, it } from 'vitest';
import type { Quote } from '../../../src/alpha-vantage/types';
import { MarketCalendar } from '../../../src/calendar';
import {
  isRejectedRowsError,
  isStepError,
  isValidationError,
  StepError,
} from '../../../src/errors';
import {
  Transformer,
  type TransformStep,
  transformDaily,
  transformIntraday,
} from '../../../src/transform';
import type { DailyPriceRow } from '../../../src/transform/rows';
import { adjustedBar, bar, intradaySeries, series } from './helpers';

const NOW = Date.parse('2024-03-15T22:00:00Z');
const clock = { now: () => NOW, sleep: async () => {} };

function daily() {
  // Newest first, as Alpha Vantage sends them; 2024-03-10 is a Sunday.
  return {
    ...series([
      bar('2024-03-14'),
      bar('2024-03-13', { volume: '0' }),
      bar('2024-03-12'),
      bar('2024-03-10'),
    ]),
    endpoint: 'TIME_SERIES_DAILY',
  };
}

const dropZeroVolume = <R extends { volume: string | null }>(rows: readonly R[]) =>
  rows.filter((r) => r.volume !== '0');

describe('Transformer', () => {
  it('works with no options and gives what the pure function gives', () => {
    const t = new Transformer({ clock });
    const fn = transformDaily(daily(), {
      symbol: 'IBM',
      dataset: 'daily',
      now: NOW,
      calendar: new MarketCalendar(),
    });
    expect(t.daily(daily(), { symbol: 'IBM' })).toEqual(fn);
    expect(new Transformer().rejectPolicy).toBe('quarantine');
    const { rows, rejects } = new Transformer().daily(daily(), { symbol: 'IBM' });
    expect(rows.map((r) => r.tradeDate)).toEqual(['2024-03-14', '2024-03-13', '2024-03-12']);
    expect(rejects).toEqual([
      expect.objectContaining({
        dataset: 'daily',
        symbol: 'IBM',
        sourceKey: '2024-03-10',
        reason: 'date 2024-03-10 is not a trading day (Sunday)',
      }),
    ]);
  });

  it('normalises the symbol and takes it, and the dataset, from the response when not given', () => {
    const t = new Transformer({ clock });
    const adjusted = {
      ...series([adjustedBar('2024-03-14'), adjustedBar('2024-03-09')], { symbol: 'ibm' }),
      endpoint: 'TIME_SERIES_DAILY_ADJUSTED',
    };
    const { rows, rejects } = t.daily(adjusted);
    expect(rows[0]).toMatchObject({ symbol: 'IBM', adjustedClose: '98.1234' });
    expect(rejects[0]).toMatchObject({ dataset: 'daily_adjusted', symbol: 'IBM' });
    expect(t.daily(daily(), { symbol: ' msft ' }).rows[0]?.symbol).toBe('MSFT');
    expect(() => t.daily(daily(), { symbol: 'I B M' })).toThrow(/symbol/);
  });

  it('takes now from its clock, or per call: bars after it are rejected', () => {
    const early = { now: () => Date.parse('2024-03-12T05:00:00Z'), sleep: async () => {} };
    const t = new Transformer({ clock: early });
    expect(t.daily(daily(), { symbol: 'IBM' }).rows.map((r) => r.tradeDate)).toEqual([
      '2024-03-12',
    ]);
    expect(t.daily(daily(), { symbol: 'IBM', now: NOW }).rows).toHaveLength(3);
  });

  it('applies the reject policy', () => {
    expect(new Transformer({ rejectPolicy: 'skip', clock }).daily(daily()).rejects).toHaveLength(1);
    expect(() => new Transformer({ rejectPolicy: 'throw', clock }).daily(daily())).toThrow(
      expect.objectContaining({ code: 'REJECTED_ROWS' }),
    );
    expect(() => new Transformer({ rejectPolicy: 'drop' as never })).toThrow(
      expect.objectContaining({ code: 'VALIDATION', field: 'options.rejectPolicy' }),
    );
  });

  it('uses the calendar it is given', () => {
    const calendar = new MarketCalendar({ closures: [{ date: '2024-03-12', reason: 'Test day' }] });
    const { rejects } = new Transformer({ clock, calendar }).daily(daily());
    expect(rejects.map((r) => r.reason)).toContain(
      'date 2024-03-12 is not a trading day (Test day)',
    );
  });

  it('transforms intraday with the interval from the call or the response', () => {
    const s = intradaySeries([bar('2024-03-14 10:00:00'), bar('2024-03-14 09:55:00')], '5min');
    const t = new Transformer({ clock });
    const { rows } = t.intraday(s, { symbol: 'IBM' });
    expect(rows.map((r) => [r.interval, r.ts])).toEqual([
      ['5min', '2024-03-14T14:00:00.000Z'],
      ['5min', '2024-03-14T13:55:00.000Z'],
    ]);
    expect(rows).toEqual(
      transformIntraday(s, {
        symbol: 'IBM',
        dataset: 'intraday:5min',
        interval: '5min',
        now: NOW,
        calendar: new MarketCalendar(),
      }).rows,
    );
    const noInterval = { ...s, meta: { ...s.meta, interval: undefined } };
    expect(() => t.intraday(noInterval, { symbol: 'IBM' })).toThrow(/interval/);
  });

  it('transforms a quote keyed by its clock unless observedAt is given', () => {
    const quote: Quote = {
      symbol: 'IBM',
      open: '100.0000',
      high: '101.0000',
      low: '99.0000',
      price: '100.5000',
      volume: '1000',
      latestTradingDay: '2024-03-15',
      previousClose: '99.5000',
      change: '1.0000',
      changePercent: '1.0050',
    };
    const t = new Transformer({ clock });
    expect(t.quote(quote).rows[0]?.observedAt).toBe(new Date(NOW).toISOString());
    const at = new Date('2024-03-15T20:00:00Z');
    expect(t.quote(quote, { observedAt: at }).rows[0]?.observedAt).toBe(at.toISOString());
  });
});

describe('Transformer steps', () => {
  it('runs steps in order on the valid rows; rows they return are the result', () => {
    const seen: string[] = [];
    const record: TransformStep<DailyPriceRow> = (rows, ctx) => {
      seen.push(`${ctx.kind} ${ctx.symbol} ${ctx.dataset} ${rows.length}`);
      return rows;
    };
    const t = new Transformer({
      clock,
      steps: { daily: [record, dropZeroVolume, record], intraday: [dropZeroVolume] },
    });
    const { rows, rejects } = t.daily(daily(), { symbol: 'IBM' });
    expect(rows.map((r) => r.tradeDate)).toEqual(['2024-03-14', '2024-03-12']);
    expect(rejects).toHaveLength(1); // the Sunday bar, rejected before any step saw it
    expect(seen).toEqual(['daily IBM daily 3', 'daily IBM daily 2']);
  });

  it('lets a step enrich rows with columns of the host', () => {
    const withRange = (rows: readonly DailyPriceRow[]) =>
      rows.map((r) => ({ ...r, range: (Number(r.high) - Number(r.low)).toFixed(4) }));
    const { rows } = new Transformer({ clock, steps: { daily: [withRange] } }).daily(daily());
    expect(rows[0]).toMatchObject({ tradeDate: '2024-03-14', range: '2.2500' });
  });

  it('an unused hook returns the transform result itself', () => {
    const t = new Transformer({ clock, steps: { intraday: [dropZeroVolume], daily: [] } });
    const s = daily();
    const direct = transformDaily(s, {
      symbol: 'IBM',
      dataset: 'daily',
      now: NOW,
      calendar: t.calendar,
    });
    expect(t.daily(s, { symbol: 'IBM' })).toEqual(direct);
  });

  it('ctx.reject sends a row to the reject policy, out of the result', () => {
    const check: TransformStep<DailyPriceRow> = (rows, ctx) => {
      for (const r of rows) if (r.volume === '0') ctx.reject(r, 'no trades that day');
      return rows; // the rejected row is left out even though the step returned it
    };
    const { rows, rejects } = new Transformer({ clock, steps: { daily: [check] } }).daily(daily());
    expect(rows.map((r) => r.tradeDate)).toEqual(['2024-03-14', '2024-03-12']);
    expect(rejects[1]).toMatchObject({
      dataset: 'daily',
      symbol: 'IBM',
      sourceKey: '2024-03-13',
      reason: 'step check: no trades that day',
      raw: expect.objectContaining({ tradeDate: '2024-03-13' }),
    });
    const strict = new Transformer({ clock, rejectPolicy: 'throw', steps: { daily: [check] } });
    const clean = { ...daily(), bars: daily().bars.slice(0, 3) };
    try {
      strict.daily(clean);
      expect.unreachable();
    } catch (error) {
      expect(isRejectedRowsError(error)).toBe(true);
      expect((error as Error).message).toMatch(
        /1 row of daily for IBM rejected; first: step check/,
      );
    }
  });

  it('a step that throws raises StepError (code STEP) naming the step, with the cause', () => {
    const cause = new Error('lookup table missing');
    const enrich = (): DailyPriceRow[] => {
      throw cause;
    };
    const t = new Transformer({ clock, steps: { daily: [dropZeroVolume, enrich] } });
    try {
      t.daily(daily(), { symbol: 'IBM' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(StepError);
      expect(isStepError(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'STEP',
        step: 'enrich',
        kind: 'daily',
        symbol: 'IBM',
        dataset: 'daily',
        cause,
      });
      expect((error as Error).message).toBe(
        'step "enrich" of daily for IBM threw: lookup table missing',
      );
    }
  });

  it('refuses what a step returns when it is not rows that can be loaded', () => {
    const cases: [TransformStep<DailyPriceRow>, RegExp][] = [
      [
        () => undefined as never,
        /step "#0" of daily for IBM returned undefined instead of an array/,
      ],
      [
        (rows) => rows.map((r) => ({ ...r, close: 'abc' })),
        /\(2024-03-14\): close is not a plain decimal/,
      ],
      [
        (rows) => rows.map((r) => ({ ...r, low: '200' })),
        /cannot be loaded \(2024-03-14\): low 200/,
      ],
      [
        (rows) => rows.map((r) => ({ ...r, tradeDate: '2024-02-30' })),
        /tradeDate is not a YYYY-MM-DD date/,
      ],
      [(rows) => [...rows, null as never], /not a row object: null/],
      [(rows) => rows.map(({ symbol: _, ...r }) => r as never), /symbol is missing/],
    ];
    for (const [step, message] of cases) {
      const t = new Transformer({ clock, steps: { daily: [step] } });
      expect(() => t.daily(daily(), { symbol: 'IBM' })).toThrow(message);
    }
  });

  it('validates the steps option', () => {
    expect(() => new Transformer({ steps: { hourly: [] } as never })).toThrow(
      expect.objectContaining({ field: 'options.steps.hourly' }),
    );
    expect(() => new Transformer({ steps: { daily: [42] } as never })).toThrow(
      expect.objectContaining({ field: 'options.steps.daily[0]' }),
    );
    expect(() => new Transformer({ steps: [] as never })).toThrow(/options.steps/);
    try {
      new Transformer({ steps: { daily: 'x' } as never });
    } catch (error) {
      expect(isValidationError(error)).toBe(true);
    }
  });
});
