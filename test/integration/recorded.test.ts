/**
 * Real recorded Alpha Vantage bodies (test/fixtures/alpha-vantage, provenance in the shared
 * PROVENANCE.md) served by the fake server and carried by the pipeline into the database: what a
 * live run would store, checked value by value.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Pipeline } from '../../src/pipeline';
import { type FakeAlphaVantage, startFakeAlphaVantage } from '../../src/testing';
import { describeEachDb } from '../helpers/db';
import { extractorFor, TestClock } from '../helpers/pipeline';

const fixture = (name: string) => readFileSync(`test/fixtures/alpha-vantage/${name}`, 'utf8');
const clock = new TestClock(Date.parse('2018-08-20T22:00:00Z'));
let server: FakeAlphaVantage;
beforeAll(async () => {
  server = await startFakeAlphaVantage({
    now: () => new Date(clock.ms),
    fixtures: [
      {
        match: { function: 'TIME_SERIES_INTRADAY', symbol: 'MSFT', interval: '1min' },
        body: fixture('TIME_SERIES_INTRADAY__MSFT_1min_compact_json_2017-12-18__romeltorres.json'),
      },
      {
        match: { function: 'TIME_SERIES_MONTHLY_ADJUSTED', symbol: 'MSFT' },
        body: fixture('TIME_SERIES_MONTHLY_ADJUSTED__MSFT_json_2018-08-20__threefourteen.json'),
      },
      {
        match: { function: 'TIME_SERIES_DAILY_ADJUSTED', symbol: 'IBM' },
        body: fixture(
          'TIME_SERIES_DAILY_ADJUSTED__IBM_full_json_2020-05-08_excerpt__crazzyghost.json',
        ),
      },
      {
        match: { function: 'OVERVIEW', symbol: 'IBM' },
        body: fixture('OVERVIEW__IBM_2026__portfoliotree.json'),
      },
    ],
  });
});
afterAll(async () => {
  await server.close();
});

describeEachDb('recorded responses into the database', (ctx) => {
  const pipeline = () =>
    new Pipeline({ db: ctx.handle, schema: ctx.schema, extractor: extractorFor(server), clock });

  it('1-minute MSFT bars of 2017-12-18 become UTC instants (EST, UTC-5)', async () => {
    clock.set('2017-12-18T20:00:00Z');
    const r = await pipeline().run('MSFT', 'intraday:1min');
    expect(r).toMatchObject({ status: 'success', extracted: 100, inserted: 100, rejected: 0 });
    const { rows } = await ctx.db.query<Record<string, string>>(
      `SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS ts, open::text, high::text, low::text, close::text, volume::text
         FROM ${ctx.q}.stock_prices_intraday ORDER BY ts DESC LIMIT 1`,
    );
    // "2017-12-18 14:56:00": {"1. open": "86.4900", "2. high": "86.5000", "3. low": "86.4750", "4. close": "86.5000", "5. volume": "10494"}
    expect(rows[0]).toEqual({
      ts: '2017-12-18 19:56',
      open: '86.4900',
      high: '86.5000',
      low: '86.4750',
      close: '86.5000',
      volume: '10494',
    });
  });

  it('the full 2018 MSFT monthly adjusted history keys each month by its 1st', async () => {
    clock.set('2018-08-20T22:00:00Z'); // the day it was recorded: no bar of it lies in the future
    const r = await pipeline().run('MSFT', 'monthly_adjusted');
    expect(r.status).toBe('success');
    expect(r.rejected).toBe(0);
    expect(r.inserted).toBe(r.extracted);
    const { rows } = await ctx.db.query<Record<string, string>>(
      `SELECT to_char(period_start, 'YYYY-MM-DD') AS start, to_char(last_trade_date, 'YYYY-MM-DD') AS last,
              volume::text, dividend_amount::text
         FROM ${ctx.q}.stock_prices_monthly ORDER BY period_start DESC LIMIT 1`,
    );
    // The open month is keyed by its latest day (2018-08-20) in the body; stored under 2018-08-01.
    expect(rows[0]).toMatchObject({ start: '2018-08-01', last: '2018-08-20', volume: '274693160' });
  });

  it('daily adjusted keeps the dividend of the ex-date and raw prices', async () => {
    clock.set('2020-05-08T20:00:00Z');
    const r = await pipeline().run('IBM', 'daily_adjusted');
    expect(r).toMatchObject({ status: 'success', extracted: 2, inserted: 2 });
    const { rows } = await ctx.db.query<Record<string, string>>(
      `SELECT close::text, adjusted_close::text, dividend_amount::text, split_coefficient::text
         FROM ${ctx.q}.stock_prices WHERE trade_date = '2020-05-07'`,
    );
    expect(rows[0]).toEqual({
      close: '121.2300',
      adjusted_close: '121.2300',
      dividend_amount: '1.6300',
      split_coefficient: '1.0000',
    });
  });

  it('OVERVIEW fills the master data and keeps the whole body', async () => {
    const r = await pipeline().run('IBM', 'overview');
    expect(r.status).toBe('success');
    const { rows } = await ctx.db.query<Record<string, unknown>>(
      `SELECT name, exchange, asset_type, currency, sector, is_active, overview->>'CIK' AS cik FROM ${ctx.q}.stocks`,
    );
    expect(rows[0]).toMatchObject({ exchange: 'NYSE', currency: 'USD', is_active: true });
    expect(rows[0]?.name).toMatch(/International Business Machines/i);
    expect(rows[0]?.cik).toMatch(/^\d+$/);
  });
});
