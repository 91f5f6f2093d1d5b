/**
 * `startFakeAlphaVantage({ plan: 'free' })`: the free tier as Alpha Vantage answers it today
 * (API.md §1.1, §1.3), with the exact texts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeAlphaVantage,
  type FakeAlphaVantageOptions,
  premiumParameterText,
  startFakeAlphaVantage,
} from '../../../src/testing';
import { queryJson } from './fake-client';

const servers: FakeAlphaVantage[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const FULL_REFUSED =
  'Thank you for using Alpha Vantage! The outputsize=full parameter value is a premium feature for the TIME_SERIES_DAILY endpoint. You may subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly unlock all premium features';
const PREMIUM_ENDPOINT =
  'Thank you for using Alpha Vantage! This is a premium endpoint. You may subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly unlock all premium endpoints';

/** A free-profile fake whose rate-limit clock the test moves by hand (1.1 s per request). */
async function freeFake(extra: FakeAlphaVantageOptions = {}) {
  const clock = { t: 1_000_000 };
  const fake = await startFakeAlphaVantage({
    plan: 'free',
    now: () => new Date('2024-11-21T03:00:00Z'),
    clock: () => clock.t,
    ...extra,
  });
  servers.push(fake);
  const ask = (params: Record<string, string>) => {
    clock.t += 1_100;
    return queryJson(fake, { symbol: 'IBM', ...params });
  };
  return { fake, clock, ask };
}

describe("the free tier as it answers today ({ plan: 'free' })", () => {
  it('refuses outputsize=full on TIME_SERIES_DAILY with the exact "premium feature" text; compact is served', async () => {
    const { ask, fake } = await freeFake();
    expect(await ask({ function: 'TIME_SERIES_DAILY', outputsize: 'full' })).toEqual({
      Information: FULL_REFUSED,
    });
    expect(premiumParameterText('outputsize', 'full', 'TIME_SERIES_DAILY')).toBe(FULL_REFUSED);
    const compact = await ask({ function: 'TIME_SERIES_DAILY', outputsize: 'compact' });
    expect(Object.keys(compact['Time Series (Daily)'] as object)).toHaveLength(100);
    const byDefault = await ask({ function: 'TIME_SERIES_DAILY' });
    expect(byDefault['Time Series (Daily)']).toBeTruthy();
    expect(fake.requestCount({ outcome: 'rejected' })).toBe(1);
  });

  it('refuses TIME_SERIES_DAILY_ADJUSTED and bulk quotes as premium endpoints', async () => {
    const { ask } = await freeFake();
    expect(await ask({ function: 'TIME_SERIES_DAILY_ADJUSTED' })).toEqual({
      Information: PREMIUM_ENDPOINT,
    });
    expect(await ask({ function: 'REALTIME_BULK_QUOTES', symbol: 'IBM,MSFT' })).toEqual({
      Information: PREMIUM_ENDPOINT,
    });
  });

  it('serves weekly/monthly full history and intraday full (the latter assumed)', async () => {
    const { ask } = await freeFake();
    const weekly = await ask({ function: 'TIME_SERIES_WEEKLY' });
    expect(Object.keys(weekly['Weekly Time Series'] as object).length).toBeGreaterThan(1000);
    const intraday = await ask({
      function: 'TIME_SERIES_INTRADAY',
      interval: '5min',
      outputsize: 'full',
    });
    expect(Object.keys(intraday['Time Series (5min)'] as object).length).toBeGreaterThan(100);
  });

  it('allows 1 request a second (the 2025-12 burst notice beyond) and 25 a day', async () => {
    const { ask, clock, fake } = await freeFake();
    const catalog = { function: 'INDEX_CATALOG' };
    await ask(catalog);
    // A second request 10 ms later: the free burst notice.
    clock.t -= 1_090;
    const burst = await ask(catalog);
    expect(String(burst.Information)).toMatch(/more sparingly \(1 request per second\)/);
    for (let i = 0; i < 24; i++) expect((await ask(catalog)).SPX).toBe('S&P 500');
    const day = await ask(catalog);
    expect(String(day.Information)).toMatch(
      /^We have detected your API key as test-key and our standard API rate limit is 25 requests per day\./,
    );
    expect(fake.stats()).toMatchObject({ served: 25, rateLimited: 2 });
  });

  it('explicit options still win over the profile', async () => {
    const { ask } = await freeFake({ rateLimit: {}, premiumParameters: [] });
    const full = await ask({ function: 'TIME_SERIES_DAILY', outputsize: 'full' });
    expect(full['Time Series (Daily)']).toBeTruthy();
  });

  it('a premium key of the same server gets everything', async () => {
    const { fake } = await freeFake({ keys: { prem: { plan: 'premium-75' } } });
    const full = await queryJson(fake, {
      function: 'TIME_SERIES_DAILY_ADJUSTED',
      symbol: 'IBM',
      outputsize: 'full',
      apikey: 'prem',
    });
    expect(full['Time Series (Daily)']).toBeTruthy();
    // …at its own plan's pace (5/s), not the free 1/s of the profile.
    const twice = await Promise.all(
      [1, 2].map(() => queryJson(fake, { function: 'INDEX_CATALOG', apikey: 'prem' })),
    );
    expect(twice.map((b) => b.SPX)).toEqual(['S&P 500', 'S&P 500']);
  });

  it('the premium-parameter fault answers the same text on demand', async () => {
    const fake = await startFakeAlphaVantage();
    servers.push(fake);
    fake.inject({ kind: 'premium-parameter', match: { function: 'TIME_SERIES_DAILY' } });
    expect(await queryJson(fake, { function: 'TIME_SERIES_DAILY', symbol: 'IBM' })).toEqual({
      Information: FULL_REFUSED,
    });
  });

  it('rejects an unknown plan', async () => {
    await expect(startFakeAlphaVantage({ plan: 'gold' as 'free' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });
});
