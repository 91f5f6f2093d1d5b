import { describe, expect, it } from 'vitest';
import { isRejectedRowsError } from '../../../src/errors';
import { type IntradayContext, transformIntraday } from '../../../src/transform/intraday';
import { bar, intradaySeries } from './helpers';

const ctx: IntradayContext = { symbol: 'IBM', dataset: 'intraday:5min', interval: '5min' };

describe('transformIntraday', () => {
  it('converts bars on both sides of the March change (EST = UTC−5, EDT = UTC−4)', () => {
    const s = intradaySeries([
      bar('2024-03-11 09:35:00'),
      bar('2024-03-11 09:30:00'),
      bar('2024-03-08 16:00:00'),
      bar('2024-03-08 09:30:00'),
    ]);
    const { rows, rejects } = transformIntraday(s, ctx);
    expect(rejects).toEqual([]);
    expect(rows.map((r) => r.ts)).toEqual([
      '2024-03-11T13:35:00.000Z',
      '2024-03-11T13:30:00.000Z',
      '2024-03-08T21:00:00.000Z',
      '2024-03-08T14:30:00.000Z',
    ]);
    expect(rows[0]).toEqual({
      symbol: 'IBM',
      interval: '5min',
      ts: '2024-03-11T13:35:00.000Z',
      open: '100.0000',
      high: '101.5000',
      low: '99.2500',
      close: '100.7500',
      volume: '1200',
    });
  });

  it('converts bars on both sides of the November change, and on the change days themselves', () => {
    const s = intradaySeries([
      bar('2024-11-04 04:00:00'),
      bar('2024-11-03 03:00:00'),
      bar('2024-11-03 01:30:00'),
      bar('2024-11-01 20:00:00'),
      bar('2024-03-10 03:00:00'),
      bar('2024-03-10 01:59:00'),
    ]);
    const { rows } = transformIntraday(s, { ...ctx, checkSession: false });
    expect(rows.map((r) => r.ts)).toEqual([
      '2024-11-04T09:00:00.000Z',
      '2024-11-03T08:00:00.000Z',
      '2024-11-03T05:30:00.000Z',
      '2024-11-02T00:00:00.000Z',
      '2024-03-10T07:00:00.000Z',
      '2024-03-10T06:59:00.000Z',
    ]);
  });

  it('keeps the edges of the extended session (04:00 and 20:00 inclusive) and rejects outside', () => {
    const s = intradaySeries([
      bar('2024-03-11 20:00:01'),
      bar('2024-03-11 20:00:00'),
      bar('2024-03-11 04:00:00'),
      bar('2024-03-11 03:59:59'),
    ]);
    const { rows, rejects } = transformIntraday(s, ctx);
    expect(rows.map((r) => r.ts)).toEqual(['2024-03-12T00:00:00.000Z', '2024-03-11T08:00:00.000Z']);
    expect(rejects.map((r) => r.reason)).toEqual([
      'time 2024-03-11 20:00:01 is outside the extended session 04:00–20:00 ET',
      'time 2024-03-11 03:59:59 is outside the extended session 04:00–20:00 ET',
    ]);
  });

  it('limits to 09:30–16:00 when extended hours are off', () => {
    const s = intradaySeries([
      bar('2024-03-11 16:05:00'),
      bar('2024-03-11 16:00:00'),
      bar('2024-03-11 09:30:00'),
      bar('2024-03-11 09:25:00'),
    ]);
    const { rows, rejects } = transformIntraday(s, { ...ctx, extendedHours: false });
    expect(rows).toHaveLength(2);
    expect(rejects.map((r) => r.sourceKey)).toEqual(['2024-03-11 16:05:00', '2024-03-11 09:25:00']);
    expect(rejects[0]!.reason).toContain('regular session 09:30–16:00');
  });

  it('rejects weekend bars unless the session check is off', () => {
    const s = intradaySeries([bar('2024-03-09 10:00:00'), bar('2024-03-10 10:00:00')]);
    const checked = transformIntraday(s, ctx);
    expect(checked.rows).toEqual([]);
    expect(checked.rejects.map((r) => r.reason)).toEqual([
      'time 2024-03-09 10:00:00 is on a Saturday',
      'time 2024-03-10 10:00:00 is on a Sunday',
    ]);
    expect(transformIntraday(s, { ...ctx, checkSession: false }).rows).toHaveLength(2);
  });

  it('skips the session check by default for a zone other than New York', () => {
    const s = intradaySeries([bar('2024-03-09 00:08:59')], '1min', { timeZone: 'Asia/Kolkata' });
    const { rows } = transformIntraday(s, { ...ctx, interval: '1min' });
    expect(rows.map((r) => r.ts)).toEqual(['2024-03-08T18:38:59.000Z']);
  });

  it('rejects bars outside the requested month', () => {
    const s = intradaySeries([
      bar('2024-04-01 09:30:00'),
      bar('2024-03-29 09:30:00'),
      bar('2024-02-29 09:30:00'),
    ]);
    const { rows, rejects } = transformIntraday(s, { ...ctx, month: '2024-03' });
    expect(rows.map((r) => r.ts)).toEqual(['2024-03-29T13:30:00.000Z']);
    expect(rejects.map((r) => r.reason)).toEqual([
      'time 2024-04-01 09:30:00 is outside the requested month 2024-03',
      'time 2024-02-29 09:30:00 is outside the requested month 2024-03',
    ]);
  });

  it('rejects keys that are not real date-times', () => {
    const s = intradaySeries([
      bar('2024-02-30 10:00:00'),
      bar('2024-03-11'),
      bar('2024-03-11 25:00:00'),
    ]);
    const { rows, rejects } = transformIntraday(s, ctx);
    expect(rows).toEqual([]);
    expect(rejects.map((r) => r.reason)).toEqual([
      'time is not a real date-time (YYYY-MM-DD HH:MM:SS): "2024-02-30 10:00:00"',
      'time is not a real date-time (YYYY-MM-DD HH:MM:SS): "2024-03-11"',
      'time is not a real date-time (YYYY-MM-DD HH:MM:SS): "2024-03-11 25:00:00"',
    ]);
  });

  it('quarantines bad values with reason and raw values; the good bars still load', () => {
    const bad = bar('2024-03-11 09:35:00', { low: '102.0000' });
    const s = intradaySeries([bad, bar('2024-03-11 09:30:00')]);
    const { rows, rejects } = transformIntraday(s, ctx);
    expect(rows).toHaveLength(1);
    expect(rejects).toEqual([
      {
        dataset: 'intraday:5min',
        symbol: 'IBM',
        sourceKey: '2024-03-11 09:35:00',
        reason: 'low 102.0000 > high 101.5000',
        raw: bad,
      },
    ]);
  });

  it('keeps the first of two bars with the same key and rejects a later one with other values', () => {
    const first = bar('2024-03-11 09:35:00', { close: '101.0000' });
    const again = bar('2024-03-11 09:35:00', { close: '100.0000' });
    const s = intradaySeries([
      first,
      bar('2024-03-11 09:40:00'),
      again,
      bar('2024-03-11 09:30:00'),
    ]);
    const { rows, rejects } = transformIntraday(s, ctx);
    expect(rows.map((r) => [r.ts, r.close])).toEqual([
      ['2024-03-11T13:35:00.000Z', '101.0000'],
      ['2024-03-11T13:40:00.000Z', '100.7500'],
      ['2024-03-11T13:30:00.000Z', '100.7500'],
    ]);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({
      sourceKey: '2024-03-11 09:35:00',
      reason: 'duplicate time 2024-03-11 09:35:00 (2024-03-11T13:35:00.000Z) with different values',
      raw: again,
    });
  });

  it('finds adjacent duplicates in sorted input, ascending or descending', () => {
    const other = { close: '101.0000' };
    const desc = intradaySeries([
      bar('2024-03-11 09:40:00'),
      bar('2024-03-11 09:35:00'),
      bar('2024-03-11 09:35:00', other),
    ]);
    const asc = intradaySeries([
      bar('2024-03-11 09:35:00'),
      bar('2024-03-11 09:35:00', other),
      bar('2024-03-11 09:40:00'),
    ]);
    expect(transformIntraday(desc, ctx).rejects).toHaveLength(1);
    expect(transformIntraday(asc, ctx).rejects).toHaveLength(1);
  });

  it('keeps one bar, silently, when the same bar is sent twice (adjacent or not)', () => {
    const s = intradaySeries([
      bar('2024-03-11 09:40:00'),
      bar('2024-03-11 09:35:00'),
      bar('2024-03-11 09:35:00'),
      bar('2024-03-11 09:30:00'),
      bar('2024-03-11 09:40:00'),
    ]);
    const { rows, rejects } = transformIntraday(s, ctx);
    expect(rows.map((r) => r.ts)).toEqual([
      '2024-03-11T13:40:00.000Z',
      '2024-03-11T13:35:00.000Z',
      '2024-03-11T13:30:00.000Z',
    ]);
    expect(rejects).toEqual([]);
  });

  it('turns malformed bars reported by the extractor into rejects', () => {
    const s = intradaySeries([bar('2024-03-11 09:30:00')]);
    s.malformed.push({
      time: '2024-03-11 09:35:00',
      reason: 'high is not a number: "abc"',
      raw: { '2. high': 'abc' },
    });
    const { rows, rejects } = transformIntraday(s, ctx);
    expect(rows).toHaveLength(1);
    expect(rejects).toEqual([
      {
        dataset: 'intraday:5min',
        symbol: 'IBM',
        sourceKey: '2024-03-11 09:35:00',
        reason: 'high is not a number: "abc"',
        raw: { '2. high': 'abc' },
      },
    ]);
  });

  it('rejects the whole response when its interval is not the requested one', () => {
    const s = intradaySeries([bar('2024-03-11 09:30:00'), bar('2024-03-11 10:30:00')], '60min');
    const { rows, rejects } = transformIntraday(s, ctx);
    expect(rows).toEqual([]);
    expect(rejects.map((r) => r.reason)).toEqual([
      'response interval 60min differs from requested 5min',
      'response interval 60min differs from requested 5min',
    ]);
  });

  it('rejects the whole response when its time zone is unknown', () => {
    const s = intradaySeries([bar('2024-03-11 09:30:00')], '5min', { timeZone: 'Mars/Olympus' });
    expect(transformIntraday(s, ctx).rejects[0]!.reason).toBe('unknown time zone "Mars/Olympus"');
  });

  it('uses the requested symbol and warns when the echoed one differs', () => {
    const s = intradaySeries([bar('2024-03-11 09:30:00')], '5min', { symbol: 'IBM.X' });
    const result = transformIntraday(s, ctx);
    expect(result.rows[0]!.symbol).toBe('IBM');
    expect(result.warnings).toEqual([
      'response is for symbol "IBM.X", requested "IBM"; rows use the requested symbol',
    ]);
    const sameButCase = transformIntraday(
      intradaySeries([bar('2024-03-11 09:30:00')], '5min', { symbol: 'ibm' }),
      ctx,
    );
    expect(sameButCase.warnings).toBeUndefined();
  });

  describe('policies', () => {
    const mixed = () =>
      intradaySeries([bar('2024-03-11 09:35:00', { volume: '-1' }), bar('2024-03-11 09:30:00')]);

    it("'quarantine' (the default) and 'skip' return the rows and the rejects", () => {
      for (const policy of [undefined, 'quarantine', 'skip'] as const) {
        const { rows, rejects } = transformIntraday(mixed(), { ...ctx, policy });
        expect(rows).toHaveLength(1);
        expect(rejects).toHaveLength(1);
      }
    });

    it("'throw' throws RejectedRowsError with the rejects and returns nothing", () => {
      let caught: unknown;
      try {
        transformIntraday(mixed(), { ...ctx, policy: 'throw' });
      } catch (error) {
        caught = error;
      }
      expect(isRejectedRowsError(caught)).toBe(true);
      const error = caught as Error & { rejects: { reason: string }[] };
      expect(error.message).toBe(
        '1 row of intraday:5min for IBM rejected; first: volume is not a non-negative integer: "-1"',
      );
      expect(error.rejects.map((r) => r.reason)).toEqual([
        'volume is not a non-negative integer: "-1"',
      ]);
    });

    it("'throw' returns normally when nothing is rejected", () => {
      const s = intradaySeries([bar('2024-03-11 09:30:00')]);
      expect(transformIntraday(s, { ...ctx, policy: 'throw' }).rows).toHaveLength(1);
    });
  });

  it('validates its options', () => {
    const s = intradaySeries([]);
    expect(() => transformIntraday(s, { ...ctx, interval: '2min' as '5min' })).toThrow(
      /interval must be one of/,
    );
    expect(() => transformIntraday(s, { ...ctx, month: '2024-3' })).toThrow(
      /month must be YYYY-MM/,
    );
    expect(() => transformIntraday(s, { ...ctx, month: '2024-13' })).toThrow(
      /month must be YYYY-MM/,
    );
  });

  it('converts a real response excerpt (MSFT 1min, 2017-12-18, winter: EST)', () => {
    // The first two bars of the recorded TIME_SERIES_INTRADAY MSFT 1min compact body of 2017-12-18.
    const s = intradaySeries(
      [
        {
          time: '2017-12-18 14:56:00',
          open: '86.4900',
          high: '86.5000',
          low: '86.4750',
          close: '86.5000',
          volume: '10494',
        },
        {
          time: '2017-12-18 14:55:00',
          open: '86.4900',
          high: '86.5000',
          low: '86.4801',
          close: '86.5000',
          volume: '12682',
        },
      ],
      '1min',
      { symbol: 'MSFT', timeZone: 'US/Eastern' },
    );
    const { rows, rejects } = transformIntraday(s, {
      symbol: 'MSFT',
      dataset: 'intraday:1min',
      interval: '1min',
      extendedHours: false,
    });
    expect(rejects).toEqual([]);
    expect(rows.map((r) => r.ts)).toEqual(['2017-12-18T19:56:00.000Z', '2017-12-18T19:55:00.000Z']);
  });
});
