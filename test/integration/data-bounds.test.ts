/**
 * Issue 10, item 2: dates are bounded by what can exist, and a watermark only ever moves to a date
 * that passed validation — so one future-dated bar can no longer stop incremental loading for
 * good. Real HTTP through the fake Alpha Vantage, which serves the broken bodies as fixtures.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { MarketCalendar } from '../../src/calendar';
import { Pipeline } from '../../src/pipeline';
import { type FakeAlphaVantage, type FakeFixture, startFakeAlphaVantage } from '../../src/testing';
import { describeEachDb } from '../helpers/db';
import { extractorFor, TestClock } from '../helpers/pipeline';

const clock = new TestClock(Date.parse('2024-03-15T21:00:00Z'));
const calendar = new MarketCalendar();
let plain: FakeAlphaVantage;
const servers: FakeAlphaVantage[] = [];
beforeAll(async () => {
  plain = await startFakeAlphaVantage({ now: () => new Date(clock.ms) });
});
afterAll(async () => {
  await plain.close();
});
beforeEach(() => {
  clock.set('2024-03-15T21:00:00Z');
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A fake Alpha Vantage following `clock` that answers matching requests with `fixtures`. */
async function serve(fixtures: FakeFixture[]): Promise<FakeAlphaVantage> {
  const server = await startFakeAlphaVantage({ now: () => new Date(clock.ms), fixtures });
  servers.push(server);
  return server;
}

/** The body the fake serves for `params` now (the fake follows `clock`). */
async function bodyOf(params: Record<string, string>): Promise<string> {
  const query = new URLSearchParams({ ...params, apikey: 'TESTKEY-0123456789' });
  const response = await fetch(`${plain.url}/query?${query}`);
  return response.text();
}

/** `body` with one more bar inserted first in its series object. */
function withBar(body: string, seriesKey: string, time: string): string {
  const at = body.indexOf(`"${seriesKey}": {`) + seriesKey.length + 5;
  const bar = `\n        "${time}": {\n            "1. open": "100.0000",\n            "2. high": "101.0000",\n            "3. low": "99.0000",\n            "4. close": "100.5000",\n            "5. volume": "1000"\n        },`;
  return body.slice(0, at) + bar + body.slice(at);
}

describeEachDb('date bounds and watermarks (issue 10, item 2)', (ctx) => {
  const pipeline = (server: FakeAlphaVantage) =>
    new Pipeline({
      db: ctx.handle,
      schema: ctx.schema,
      extractor: extractorFor(server),
      clock,
      calendar,
    });
  const watermark = async (dataset: string) =>
    (
      await ctx.db.query<{ last_point: string }>(
        `SELECT last_point FROM ${ctx.q}.etl_watermarks WHERE symbol = 'IBM' AND dataset = $1`,
        [dataset],
      )
    ).rows[0]?.last_point;

  it('a 2099-12-31 bar in a compact daily response is quarantined; after a 9-month pause the next run fetches full and leaves no hole', async () => {
    expect(await pipeline(plain).run('IBM', 'daily')).toMatchObject({
      status: 'success',
      outputsize: 'full',
    });
    clock.set('2024-03-18T21:00:00Z');
    const compact = await bodyOf({ function: 'TIME_SERIES_DAILY', symbol: 'IBM' });
    const p = pipeline(
      await serve([
        {
          match: { function: 'TIME_SERIES_DAILY', symbol: 'IBM', outputsize: 'compact' },
          body: withBar(compact, 'Time Series (Daily)', '2099-12-31'),
        },
      ]),
    );
    const day2 = await p.run('IBM', 'daily');
    expect(day2).toMatchObject({
      status: 'success',
      outputsize: 'compact',
      extracted: 101,
      inserted: 1,
      rejected: 1,
    });
    expect(await watermark('daily')).toBe('2024-03-18');
    const quarantined = await ctx.db.query<{ source_key: string; reason: string }>(
      `SELECT source_key, reason FROM ${ctx.q}.etl_rejected_rows`,
    );
    expect(quarantined.rows).toEqual([
      {
        source_key: '2099-12-31',
        reason: 'date 2099-12-31 is in the future (latest possible date 2024-03-19)',
      },
    ]);

    // Nine months later: 190 trading days are missing, more than compact's 100 points cover.
    clock.set('2024-12-16T22:00:00Z');
    const later = await p.run('IBM', 'daily');
    const missing = calendar.tradingDaysBetween('2024-03-19', '2024-12-16');
    expect(later).toMatchObject({ status: 'success', outputsize: 'full' });
    expect(later.inserted).toBe(missing.length);
    const stored = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${ctx.q}.stock_prices
        WHERE symbol = 'IBM' AND trade_date BETWEEN '2024-03-19' AND '2024-12-16'`,
    );
    expect(stored.rows[0]?.n).toBe(missing.length);
    expect(await watermark('daily')).toBe('2024-12-16');
  });

  it('intraday: a 2099 bar is quarantined, and after a long pause the next run fetches full and warns about the gap', async () => {
    clock.set('2024-03-18T14:00:00Z'); // 10:00 ET
    await pipeline(plain).run('IBM', 'intraday:5min');
    clock.set('2024-03-18T21:00:00Z'); // 17:00 ET: 84 new bars, compact covers them
    const compact = await bodyOf({
      function: 'TIME_SERIES_INTRADAY',
      symbol: 'IBM',
      interval: '5min',
    });
    const p = pipeline(
      await serve([
        {
          match: {
            function: 'TIME_SERIES_INTRADAY',
            symbol: 'IBM',
            interval: '5min',
            outputsize: 'compact',
          },
          body: withBar(compact, 'Time Series (5min)', '2099-12-31 10:00:00'),
        },
      ]),
    );
    const day2 = await p.run('IBM', 'intraday:5min');
    expect(day2).toMatchObject({ status: 'success', outputsize: 'compact', rejected: 1 });
    expect(await watermark('intraday:5min')).toBe('2024-03-18T20:55:00.000Z'); // 16:55 ET

    clock.set('2024-04-29T21:00:00Z'); // 42 days later
    const later = await p.run('IBM', 'intraday:5min');
    expect(later).toMatchObject({ status: 'success', outputsize: 'full' });
    expect(later.warnings).toEqual([
      'stored intraday:5min data ends 2024-03-18T20:55:00.000Z, older than the 30 days a full fetch covers: run backfillIntraday to fill the gap',
    ]);
  });

  it('a Sunday daily bar is quarantined with the reason', async () => {
    const compact = await bodyOf({ function: 'TIME_SERIES_DAILY', symbol: 'IBM' });
    const p = pipeline(
      await serve([
        {
          match: { function: 'TIME_SERIES_DAILY', symbol: 'IBM' },
          body: withBar(compact, 'Time Series (Daily)', '2024-03-17'),
        },
      ]),
    );
    const result = await p.run('IBM', 'daily', { outputsize: 'compact' });
    expect(result).toMatchObject({ status: 'success', inserted: 100, rejected: 1 });
    const { rows } = await ctx.db.query<{ reason: string }>(
      `SELECT reason FROM ${ctx.q}.etl_rejected_rows`,
    );
    expect(rows.map((r) => r.reason)).toEqual([
      // The 17th is in the future too (now is Friday the 15th), but not beyond UTC+14's date:
      // it is the calendar that refuses it.
      'date 2024-03-17 is in the future (latest possible date 2024-03-16)',
    ]);
    clock.set('2024-03-18T21:00:00Z');
    const monday = await p.run('IBM', 'daily', { outputsize: 'compact' });
    expect(monday).toMatchObject({ rejected: 1 });
    const again = await ctx.db.query<{ reason: string }>(
      `SELECT reason FROM ${ctx.q}.etl_rejected_rows ORDER BY id DESC LIMIT 1`,
    );
    expect(again.rows[0]?.reason).toBe('date 2024-03-17 is not a trading day (Sunday)');
  });

  it('a 50 MB body of bars dated 1700 to 2896 loads only the dates that can exist', async () => {
    const total = 436_907;
    const first = Date.UTC(1700, 0, 1);
    const dates: string[] = [];
    for (let i = total - 1; i >= 0; i--) {
      dates.push(new Date(first + i * 86_400_000).toISOString().slice(0, 10));
    }
    expect([dates.at(-1), dates[0]?.slice(0, 4)]).toEqual(['1700-01-01', '2896']);
    const meta = JSON.parse(await bodyOf({ function: 'TIME_SERIES_DAILY', symbol: 'IBM' }))[
      'Meta Data'
    ];
    const bars = dates
      .map(
        (d) =>
          `"${d}": {"1. open": "10.0000", "2. high": "11.0000", "3. low": "9.0000", "4. close": "10.5000", "5. volume": "1000"}`,
      )
      .join(',\n');
    const body = `{"Meta Data": ${JSON.stringify(meta)},\n"Time Series (Daily)": {\n${bars}\n}}`;
    expect(body.length).toBeGreaterThan(50_000_000);
    const server = await serve([{ match: { function: 'TIME_SERIES_DAILY', symbol: 'IBM' }, body }]);
    const result = await pipeline(server).run('IBM', 'daily', { outputsize: 'full' });
    // What can exist: from 1900 (the calendar's range) to today (2024-03-15, the UTC+14 date is
    // the 16th, a Saturday); from 1972 on, NYSE trading days only.
    const expected = dates.filter(
      (d) =>
        d >= '1900-01-01' && d <= '2024-03-16' && (d < '1972-01-01' || calendar.isTradingDay(d)),
    ).length;
    expect(result).toMatchObject({
      status: 'success',
      extracted: total,
      inserted: expected,
      rejected: total - expected,
    });
    const span = await ctx.db.query<{ n: number; min: string; max: string }>(
      `SELECT count(*)::int AS n, min(trade_date)::text AS min, max(trade_date)::text AS max
         FROM ${ctx.q}.stock_prices WHERE symbol = 'IBM'`,
    );
    expect(span.rows[0]).toEqual({ n: expected, min: '1900-01-01', max: '2024-03-15' });
    expect(await watermark('daily')).toBe('2024-03-15');
    // The quarantine keeps 1,000 rejects and one row counting the rest.
    const q = await ctx.db.query<{ n: number; summary: string }>(
      `SELECT count(*)::int AS n, max(reason) FILTER (WHERE source_key IS NULL) AS summary
         FROM ${ctx.q}.etl_rejected_rows`,
    );
    expect(q.rows[0]).toEqual({
      n: 1001,
      summary: `${total - expected - 1000} more rejected rows of this response not stored (at most 1000 per response); the job's rows_rejected counts them all`,
    });
    const log = await ctx.db.query<{ rows_rejected: number }>(
      `SELECT rows_rejected FROM ${ctx.q}.etl_job_logs`,
    );
    expect(log.rows[0]?.rows_rejected).toBe(total - expected);
  }, 180_000);
});
