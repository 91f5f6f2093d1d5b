import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketCalendar } from '../../../src/calendar';
import { type FakeAlphaVantage, startFakeAlphaVantage } from '../../../src/testing';
import { csvLines, query, queryJson, seriesOf } from './fake-client';

const calendar = new MarketCalendar();
let fake: FakeAlphaVantage;
beforeAll(async () => {
  // Wednesday 2024-11-20 22:00 ET: after the close, so the 20th is final.
  fake = await startFakeAlphaVantage({ now: () => new Date('2024-11-21T03:00:00Z') });
});
afterAll(() => fake.close());

type Bars = Record<string, Record<string, string>>;
const num = (bar: Record<string, string> | undefined, key: string) => Number(bar?.[key]);

describe('TIME_SERIES_DAILY', () => {
  it('has the real Meta Data and keys, newest first, 100 bars when compact', async () => {
    const body = await queryJson(fake, { function: 'TIME_SERIES_DAILY', symbol: 'IBM' });
    expect(body['Meta Data']).toEqual({
      '1. Information': 'Daily Prices (open, high, low, close) and Volumes',
      '2. Symbol': 'IBM',
      '3. Last Refreshed': '2024-11-20',
      '4. Output Size': 'Compact',
      '5. Time Zone': 'US/Eastern',
    });
    const keys = Object.keys(seriesOf(body));
    expect(keys.length).toBe(100);
    expect(keys).toEqual(
      calendar.tradingDaysBetween('2024-01-01', '2024-11-20').reverse().slice(0, 100),
    );
  });

  it('full goes back to the history start and compact is its tail', async () => {
    const full = seriesOf(
      await queryJson(fake, { function: 'TIME_SERIES_DAILY', symbol: 'IBM', outputsize: 'full' }),
    );
    const compact = seriesOf(
      await queryJson(fake, { function: 'TIME_SERIES_DAILY', symbol: 'IBM' }),
    );
    const keys = Object.keys(full);
    expect(keys.at(-1)).toBe('2000-01-03');
    expect(keys.length).toBe(calendar.tradingDaysBetween('2000-01-01', '2024-11-20').length);
    for (const k of Object.keys(compact)) expect(compact[k]).toEqual(full[k]);
    for (const bar of Object.values(full)) {
      expect(num(bar, '3. low')).toBeLessThanOrEqual(
        Math.min(num(bar, '1. open'), num(bar, '4. close')),
      );
      expect(num(bar, '2. high')).toBeGreaterThanOrEqual(
        Math.max(num(bar, '1. open'), num(bar, '4. close')),
      );
      expect(bar['5. volume']).toMatch(/^\d+$/);
    }
  });

  it('shows a provisional bar during the session with a date-time Last Refreshed', async () => {
    const live = await startFakeAlphaVantage({ now: () => new Date('2024-11-21T16:07:03Z') }); // 11:07:03 ET
    try {
      const body = await queryJson(live, { function: 'TIME_SERIES_DAILY', symbol: 'IBM' });
      expect((body['Meta Data'] as Record<string, string>)['3. Last Refreshed']).toBe(
        '2024-11-21 11:07:03',
      );
      const bars = seriesOf(body);
      const today = bars['2024-11-21']!;
      expect(num(today, '3. low')).toBeLessThanOrEqual(
        Math.min(num(today, '1. open'), num(today, '4. close')),
      );
      // Yesterday's bar is the same as after yesterday's close.
      const before = seriesOf(
        await queryJson(fake, { function: 'TIME_SERIES_DAILY', symbol: 'IBM' }),
      );
      expect(bars['2024-11-20']).toEqual(before['2024-11-20']);
      // Before the open, the previous session is the latest.
      const early = await startFakeAlphaVantage({ now: () => new Date('2024-11-21T13:00:00Z') });
      const e = seriesOf(await queryJson(early, { function: 'TIME_SERIES_DAILY', symbol: 'IBM' }));
      expect(Object.keys(e)[0]).toBe('2024-11-20');
      await early.close();
    } finally {
      await live.close();
    }
  });
});

describe('TIME_SERIES_DAILY_ADJUSTED', () => {
  it('uses 6. volume, dividend and split fields, and consistent adjusted closes', async () => {
    // Scan a few symbols: some pay dividends, some split, all must stay consistent.
    let dividends = 0;
    let splits = 0;
    for (const symbol of ['IBM', 'MSFT', 'AAPL', 'KO', 'T', 'XOM', 'NVDA', 'BA']) {
      const body = await queryJson(fake, {
        function: 'TIME_SERIES_DAILY_ADJUSTED',
        symbol,
        outputsize: 'full',
      });
      expect((body['Meta Data'] as Record<string, string>)['1. Information']).toBe(
        'Daily Time Series with Splits and Dividend Events',
      );
      const bars = seriesOf(body) as Bars;
      const keys = Object.keys(bars);
      const first = bars[keys[0]!]!;
      expect(Object.keys(first)).toEqual([
        '1. open',
        '2. high',
        '3. low',
        '4. close',
        '5. adjusted close',
        '6. volume',
        '7. dividend amount',
        '8. split coefficient',
      ]);
      expect(first['5. adjusted close']).toBe(first['4. close']);
      for (let i = 0; i < keys.length - 1; i++) {
        const newer = bars[keys[i]!]!;
        const older = bars[keys[i + 1]!]!;
        const ratioNewer = num(newer, '5. adjusted close') / num(newer, '4. close');
        const ratioOlder = num(older, '5. adjusted close') / num(older, '4. close');
        const event =
          num(newer, '7. dividend amount') > 0 || num(newer, '8. split coefficient') !== 1;
        if (num(newer, '7. dividend amount') > 0) dividends++;
        if (num(newer, '8. split coefficient') !== 1) splits++;
        // The adjustment factor only moves across an event (4-dp rounding aside).
        if (!event)
          expect(Math.abs(ratioNewer - ratioOlder)).toBeLessThan(2e-3 * Math.max(1, ratioNewer));
        else expect(ratioOlder).toBeLessThan(ratioNewer);
      }
    }
    expect(dividends).toBeGreaterThan(50);
    expect(splits).toBeGreaterThan(0);
  });

  it('CSV keeps the real quirks: underscores, unpadded prices, split_coefficient 1.0', async () => {
    const r = await query(fake, {
      function: 'TIME_SERIES_DAILY_ADJUSTED',
      symbol: 'IBM',
      datatype: 'csv',
    });
    const lines = csvLines(r.text);
    expect(lines[0]).toBe(
      'timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient',
    );
    expect(lines.length).toBe(101);
    const cells = lines[1]!.split(',');
    expect(cells[0]).toBe('2024-11-20');
    expect(cells[1]).not.toMatch(/\.\d*0$/); // no padding zeros
    expect(cells[7]).toMatch(/^\d+\.\d{4}$/);
    expect(cells[8]).toBe('1.0');
  });
});

describe('TIME_SERIES_WEEKLY / MONTHLY (+ADJUSTED)', () => {
  it('aggregates the daily bars, keyed by the last trading day; the open period by its latest day', async () => {
    const daily = seriesOf(
      await queryJson(fake, { function: 'TIME_SERIES_DAILY', symbol: 'IBM', outputsize: 'full' }),
    );
    const weekly = await queryJson(fake, { function: 'TIME_SERIES_WEEKLY', symbol: 'IBM' });
    expect(Object.keys(weekly)).toEqual(['Meta Data', 'Weekly Time Series']);
    expect(Object.keys(weekly['Meta Data'] as object)).toEqual([
      '1. Information',
      '2. Symbol',
      '3. Last Refreshed',
      '4. Time Zone',
    ]);
    const w = seriesOf(weekly);
    const wk = Object.keys(w);
    expect(wk[0]).toBe('2024-11-20'); // open week
    expect(wk[1]).toBe('2024-11-15');
    expect(wk).toContain('2024-03-28'); // Good Friday week ends Thursday
    const days = ['2024-11-11', '2024-11-12', '2024-11-13', '2024-11-14', '2024-11-15'].map(
      (d) => daily[d]!,
    );
    const bar = w['2024-11-15']!;
    expect(bar['1. open']).toBe(days[0]!['1. open']);
    expect(bar['4. close']).toBe(days[4]!['4. close']);
    expect(num(bar, '2. high')).toBe(Math.max(...days.map((d) => num(d, '2. high'))));
    expect(num(bar, '3. low')).toBe(Math.min(...days.map((d) => num(d, '3. low'))));
    expect(num(bar, '5. volume')).toBe(days.reduce((s, d) => s + num(d, '5. volume'), 0));

    const monthly = seriesOf(
      await queryJson(fake, { function: 'TIME_SERIES_MONTHLY', symbol: 'IBM' }),
    );
    const mk = Object.keys(monthly);
    expect(mk.slice(0, 4)).toEqual(['2024-11-20', '2024-10-31', '2024-09-30', '2024-08-30']);
    expect(mk.at(-1)).toBe('2000-01-31');
  });

  it('adjusted variants have no split coefficient and use spaced CSV headers', async () => {
    for (const [fn, key, info] of [
      [
        'TIME_SERIES_WEEKLY_ADJUSTED',
        'Weekly Adjusted Time Series',
        'Weekly Adjusted Prices and Volumes',
      ],
      [
        'TIME_SERIES_MONTHLY_ADJUSTED',
        'Monthly Adjusted Time Series',
        'Monthly Adjusted Prices and Volumes',
      ],
    ] as const) {
      const body = await queryJson(fake, { function: fn, symbol: 'KO' });
      expect((body['Meta Data'] as Record<string, string>)['1. Information']).toBe(info);
      const first = Object.values(body[key] as Bars)[0]!;
      expect(Object.keys(first)).toEqual([
        '1. open',
        '2. high',
        '3. low',
        '4. close',
        '5. adjusted close',
        '6. volume',
        '7. dividend amount',
      ]);
      const csv = csvLines(
        (await query(fake, { function: fn, symbol: 'KO', datatype: 'csv' })).text,
      );
      expect(csv[0]).toBe('timestamp,open,high,low,close,adjusted close,volume,dividend amount');
    }
    const plain = csvLines(
      (await query(fake, { function: 'TIME_SERIES_MONTHLY', symbol: 'KO', datatype: 'csv' })).text,
    );
    expect(plain[0]).toBe('timestamp,open,high,low,close,volume');
  });

  it('sums the dividends of a period', async () => {
    const daily = seriesOf(
      await queryJson(fake, {
        function: 'TIME_SERIES_DAILY_ADJUSTED',
        symbol: 'KO',
        outputsize: 'full',
      }),
    );
    const monthly = seriesOf(
      await queryJson(fake, { function: 'TIME_SERIES_MONTHLY_ADJUSTED', symbol: 'KO' }),
    );
    const total = (prefix: string) =>
      Object.entries(daily)
        .filter(([d]) => d.startsWith(prefix))
        .reduce((s, [, b]) => s + Math.round(num(b, '7. dividend amount') * 10_000), 0);
    for (const [date, bar] of Object.entries(monthly).slice(0, 24)) {
      expect(Math.round(num(bar, '7. dividend amount') * 10_000)).toBe(total(date.slice(0, 7)));
    }
  });
});

describe('INDEX_DATA and INDEX_CATALOG', () => {
  it('lists the catalog as symbol → name', async () => {
    const body = await queryJson(fake, { function: 'INDEX_CATALOG' });
    for (const s of ['SPX', 'DJI', 'COMP', 'NDX', 'VIX', 'RUT'])
      expect(typeof body[s]).toBe('string');
  });

  it('serves daily, weekly and monthly series shaped like the stock series', async () => {
    const daily = await queryJson(fake, { function: 'INDEX_DATA', symbol: 'SPX' });
    expect(Object.keys(daily)).toEqual(['Meta Data', 'Time Series (Daily)']);
    expect(Object.keys(seriesOf(daily)).at(-1)).toBe('2000-01-03');
    const weekly = await queryJson(fake, {
      function: 'INDEX_DATA',
      symbol: 'DJI',
      interval: 'weekly',
    });
    expect(Object.keys(weekly)).toEqual(['Meta Data', 'Weekly Time Series']);
    const monthly = await queryJson(fake, {
      function: 'INDEX_DATA',
      symbol: 'VIX',
      interval: 'monthly',
    });
    expect(Object.keys(monthly)).toEqual(['Meta Data', 'Monthly Time Series']);
    const csv = csvLines(
      (
        await query(fake, {
          function: 'INDEX_DATA',
          symbol: 'NDX',
          datatype: 'csv',
          outputsize: 'compact',
        })
      ).text,
    );
    expect(csv[0]).toBe('timestamp,open,high,low,close,volume');
    expect(csv.length).toBe(101);
  });

  it('answers Invalid API call for unknown indices and intervals', async () => {
    const cases: Array<Record<string, string>> = [
      { symbol: 'IBM' },
      { symbol: 'SPX', interval: '5min' },
    ];
    for (const p of cases) {
      const body = await queryJson(fake, { function: 'INDEX_DATA', ...p });
      expect(String(body['Error Message'])).toContain('for INDEX_DATA.');
    }
  });
});
