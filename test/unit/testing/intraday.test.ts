import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketCalendar } from '../../../src/calendar';
import { type FakeAlphaVantage, startFakeAlphaVantage } from '../../../src/testing';
import { csvLines, query, queryJson, seriesOf } from './fake-client';

const calendar = new MarketCalendar();
const MIN = 60_000;

/** Expected bar count of a month, computed from the session list alone. */
function expectedBars(month: string, minutes: number, extended: boolean): number {
  const last = new Date(
    Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0),
  ).getUTCDate();
  let n = 0;
  for (const s of calendar.sessionsBetween(`${month}-01`, `${month}-${last}`)) {
    const from = extended ? s.preOpen : s.open;
    const to = extended ? s.postClose : s.close;
    n += Math.ceil((to.getTime() - from.getTime()) / MIN / minutes);
  }
  return n;
}

let fake: FakeAlphaVantage;
beforeAll(async () => {
  // Monday 2024-12-02 12:00 ET: mid-session, so "latest" data includes a partial day.
  fake = await startFakeAlphaVantage({ now: () => new Date('2024-12-02T17:00:00Z') });
});
afterAll(() => fake.close());

const base = { function: 'TIME_SERIES_INTRADAY', symbol: 'IBM', outputsize: 'full' };

describe('TIME_SERIES_INTRADAY bar counts', () => {
  for (const month of ['2024-03', '2024-11']) {
    for (const extended of [true, false]) {
      it(`${month} 1min extended=${extended} matches the session list (DST month)`, async () => {
        const body = await queryJson(fake, {
          ...base,
          interval: '1min',
          month,
          extended_hours: String(extended),
        });
        const keys = Object.keys(seriesOf(body));
        expect(keys.length).toBe(expectedBars(month, 1, extended));
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys.every((k) => k.startsWith(month))).toBe(true);
      });
    }
  }

  it('counts 5min, 15min, 30min bars with and without extended hours', async () => {
    for (const [interval, minutes] of [
      ['5min', 5],
      ['15min', 15],
      ['30min', 30],
    ] as const) {
      for (const extended of [true, false]) {
        const r = await query(fake, {
          ...base,
          interval,
          month: '2024-11',
          datatype: 'csv',
          extended_hours: String(extended),
        });
        expect(csvLines(r.text).length - 1).toBe(expectedBars('2024-11', minutes, extended));
      }
    }
  });

  it('labels bars by their start, 04:00 → 19:59 (1min) and 19:55 (5min); regular 09:30 → 15:59', async () => {
    const ext = Object.keys(
      seriesOf(await queryJson(fake, { ...base, interval: '1min', month: '2024-03' })),
    );
    expect(ext[0]).toBe('2024-03-28 19:59:00'); // 03-29 is Good Friday
    expect(ext.at(-1)).toBe('2024-03-01 04:00:00');
    const five = Object.keys(
      seriesOf(await queryJson(fake, { ...base, interval: '5min', month: '2024-03' })),
    );
    expect(five[0]).toBe('2024-03-28 19:55:00');
    const reg = Object.keys(
      seriesOf(
        await queryJson(fake, {
          ...base,
          interval: '1min',
          month: '2024-03',
          extended_hours: 'false',
        }),
      ),
    );
    expect(reg[0]).toBe('2024-03-28 15:59:00');
    expect(reg.at(-1)).toBe('2024-03-01 09:30:00');
  });

  it('ends the regular session at 13:00 and post-market at 17:00 on an early-close day', async () => {
    const keys = Object.keys(
      seriesOf(await queryJson(fake, { ...base, interval: '1min', month: '2024-11' })),
    );
    const friday = keys.filter((k) => k.startsWith('2024-11-29'));
    expect(friday[0]).toBe('2024-11-29 16:59:00');
    expect(friday.length).toBe(13 * 60); // 04:00–17:00
    expect(keys.some((k) => k.startsWith('2024-11-28'))).toBe(false); // Thanksgiving
  });

  it('orders newest first with strictly descending timestamps', async () => {
    const keys = Object.keys(
      seriesOf(await queryJson(fake, { ...base, interval: '15min', month: '2024-11' })),
    );
    for (let i = 1; i < keys.length; i++) expect(keys[i]! < keys[i - 1]!).toBe(true);
  });
});

describe('TIME_SERIES_INTRADAY output size and "now"', () => {
  it('compact is the newest 100 bars of full, byte-identical values', async () => {
    const full = seriesOf(await queryJson(fake, { ...base, interval: '5min' }));
    const compact = await queryJson(fake, {
      function: 'TIME_SERIES_INTRADAY',
      symbol: 'IBM',
      interval: '5min',
    });
    const c = seriesOf(compact);
    expect(Object.keys(c)).toEqual(Object.keys(full).slice(0, 100));
    for (const k of Object.keys(c)) expect(c[k]).toEqual(full[k]);
    expect((compact['Meta Data'] as Record<string, string>)['5. Output Size']).toBe('Compact');
  });

  it('full covers the trailing 30 calendar days and stops at the last completed bar before now', async () => {
    const body = await queryJson(fake, { ...base, interval: '1min' });
    const keys = Object.keys(seriesOf(body));
    // 12:00 ET: the 11:59 bar ended at 12:00 exactly; 12:00 has not ended.
    expect(keys[0]).toBe('2024-12-02 11:59:00');
    expect((body['Meta Data'] as Record<string, string>)['3. Last Refreshed']).toBe(
      '2024-12-02 11:59:00',
    );
    const days = new Set(keys.map((k) => k.slice(0, 10)));
    const expected = calendar.tradingDaysBetween('2024-11-03', '2024-12-02');
    expect([...days].sort()).toEqual(expected);
    expect(keys.filter((k) => k.startsWith('2024-12-02')).length).toBe(8 * 60);
  });

  it('writes the Meta Data keys of the real service', async () => {
    const body = await queryJson(fake, { ...base, interval: '60min', month: '2024-11' });
    expect(Object.keys(body)).toEqual(['Meta Data', 'Time Series (60min)']);
    expect(body['Meta Data']).toEqual({
      '1. Information': 'Intraday (60min) open, high, low, close prices and volume',
      '2. Symbol': 'IBM',
      '3. Last Refreshed': '2024-11-29 16:00:00',
      '4. Interval': '60min',
      '5. Output Size': 'Full size',
      '6. Time Zone': 'US/Eastern',
    });
    const bar = Object.values(seriesOf(body))[0]!;
    expect(Object.keys(bar)).toEqual(['1. open', '2. high', '3. low', '4. close', '5. volume']);
    expect(bar['1. open']).toMatch(/^\d+\.\d{4}$/);
    expect(bar['5. volume']).toMatch(/^\d+$/);
  });
});

describe('TIME_SERIES_INTRADAY consistency', () => {
  it('is byte-for-byte deterministic across requests and server instances', async () => {
    const params = { ...base, interval: '1min', month: '2024-03' };
    const a = await query(fake, params);
    const other = await startFakeAlphaVantage({ now: () => new Date('2024-12-02T17:00:00Z') });
    try {
      expect((await query(other, params)).text).toBe(a.text);
    } finally {
      await other.close();
    }
    expect((await query(fake, params)).text).toBe(a.text);
  });

  it('gives every symbol its own series and keeps low <= open, close <= high', async () => {
    const a = seriesOf(await queryJson(fake, { ...base, interval: '5min', month: '2024-11' }));
    const b = seriesOf(
      await queryJson(fake, { ...base, symbol: 'MSFT', interval: '5min', month: '2024-11' }),
    );
    expect(Object.values(a)[0]).not.toEqual(Object.values(b)[0]);
    for (const bar of Object.values(a)) {
      const [o, h, l, c] = ['1. open', '2. high', '3. low', '4. close'].map((k) => Number(bar[k]));
      expect(l).toBeLessThanOrEqual(Math.min(o!, c!));
      expect(h).toBeGreaterThanOrEqual(Math.max(o!, c!));
    }
  });

  it('5min bars aggregate the 1min bars exactly', async () => {
    const one = seriesOf(
      await queryJson(fake, { ...base, interval: '1min', month: '2024-11', adjusted: 'false' }),
    );
    const five = seriesOf(
      await queryJson(fake, { ...base, interval: '5min', month: '2024-11', adjusted: 'false' }),
    );
    const bar = five['2024-11-12 10:05:00']!;
    const minutes = ['10:05', '10:06', '10:07', '10:08', '10:09'].map(
      (m) => one[`2024-11-12 ${m}:00`]!,
    );
    expect(bar['1. open']).toBe(minutes[0]!['1. open']);
    expect(bar['4. close']).toBe(minutes[4]!['4. close']);
    expect(Number(bar['2. high'])).toBe(Math.max(...minutes.map((m) => Number(m['2. high']))));
    expect(Number(bar['3. low'])).toBe(Math.min(...minutes.map((m) => Number(m['3. low']))));
    expect(Number(bar['5. volume'])).toBe(minutes.reduce((s, m) => s + Number(m['5. volume']), 0));
  });

  it('serves the same bars as CSV with the real header', async () => {
    const json = seriesOf(await queryJson(fake, { ...base, interval: '30min', month: '2024-11' }));
    const r = await query(fake, { ...base, interval: '30min', month: '2024-11', datatype: 'csv' });
    const lines = csvLines(r.text);
    expect(lines[0]).toBe('timestamp,open,high,low,close,volume');
    const [ts, o, h, l, c, v] = lines[1]!.split(',');
    expect(json[ts!]).toEqual({
      '1. open': o,
      '2. high': h,
      '3. low': l,
      '4. close': c,
      '5. volume': v,
    });
    expect(lines.length - 1).toBe(Object.keys(json).length);
  });

  it('rejects bad intervals, months and flags with Invalid API call', async () => {
    const cases: Array<Record<string, string>> = [
      { interval: '2min' },
      { interval: '5min', month: '2024-13' },
      { interval: '5min', month: '1999-12' },
      { interval: '5min', month: '2025-01' },
      { interval: '5min', extended_hours: 'maybe' },
      { interval: '5min', outputsize: 'huge' },
      { interval: '5min', symbol: 'INVALID1' },
    ];
    for (const extra of cases) {
      const body = await queryJson(fake, { ...base, ...extra });
      expect(body['Error Message']).toBe(
        'Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for TIME_SERIES_INTRADAY.',
      );
    }
  });
});
