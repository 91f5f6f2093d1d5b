/**
 * The extractor against our fake Alpha Vantage server, both real HTTP on 127.0.0.1: every endpoint
 * the fake serves parses, every scripted fault becomes the right typed error (or a successful
 * retry), and the limiter keeps to a budget the server enforces.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlphaVantageExtractor } from '../../../src/alpha-vantage/extractor';
import type { FaultKind } from '../../../src/testing';
import { type FakeAlphaVantage, startFakeAlphaVantage } from '../../../src/testing';

const KEY = 'CONTRACT-KEY-42';
let server: FakeAlphaVantage;
beforeAll(async () => {
  server = await startFakeAlphaVantage({
    now: () => new Date('2024-03-15T21:00:00Z'),
    keys: { [KEY]: { plan: 'premium-1200' } },
  });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

const extractor = (extra: Partial<ConstructorParameters<typeof AlphaVantageExtractor>[0]> = {}) =>
  new AlphaVantageExtractor({
    apiKey: KEY,
    baseUrl: server.url,
    plan: 'premium-1200',
    rateLimit: { perSecond: null, perMinute: null, perDay: null },
    retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 },
    timeoutMs: 2_000,
    ...extra,
  });

describe('every endpoint of the fake server parses', () => {
  it('time series, quotes, reference data and indices', async () => {
    const ex = extractor();
    const intraday = await ex.intraday('IBM', {
      interval: '5min',
      month: '2024-02',
      outputsize: 'full',
    });
    expect(intraday.meta).toMatchObject({
      symbol: 'IBM',
      interval: '5min',
      timeZone: 'US/Eastern',
    });
    expect(intraday.bars).toHaveLength(20 * 192); // 21 weekdays in Feb 2024, Presidents' Day closed
    expect(intraday.bars[0]?.time).toBe('2024-02-29 19:55:00');
    const daily = await ex.dailyAdjusted('IBM', { outputsize: 'compact' });
    expect(daily.bars).toHaveLength(100);
    expect(daily.bars[0]).toMatchObject({ time: '2024-03-15' });
    expect(daily.bars[0]?.splitCoefficient).toMatch(/^\d+\.\d+$/);
    for (const series of [
      await ex.weekly('IBM'),
      await ex.weeklyAdjusted('IBM'),
      await ex.monthly('IBM'),
      await ex.monthlyAdjusted('IBM'),
    ]) {
      expect(series.bars.length).toBeGreaterThan(100);
      expect(series.bars[0]?.time).toBe('2024-03-15');
    }
    expect(await ex.quote('IBM')).toMatchObject({ symbol: 'IBM', latestTradingDay: '2024-03-15' });
    expect((await ex.overview('IBM')).symbol).toBe('IBM');
    const listing = await ex.listingStatus();
    expect(listing.length).toBeGreaterThan(5);
    expect(listing.every((e) => e.status === 'Active')).toBe(true);
    const delisted = await ex.listingStatus({ state: 'delisted' });
    expect(delisted.every((e) => e.status === 'Delisted' && e.delistingDate !== null)).toBe(true);
    expect((await ex.search('tesco')).length).toBeGreaterThanOrEqual(0);
    expect((await ex.marketStatus()).some((m) => m.region === 'United States')).toBe(true);
    const spx = await ex.indexData('SPX');
    expect(spx.bars[0]?.time).toBe('2024-03-15');
    expect((await ex.indexCatalog()).map((e) => e.symbol)).toEqual(
      expect.arrayContaining(['SPX', 'DJI', 'COMP', 'VIX']),
    );
  });

  it('bulk quotes for a premium key, PremiumEndpointError for a free one', async () => {
    const quotes = await extractor().bulkQuotes(['IBM', 'MSFT']);
    expect(quotes.map((q) => q.symbol)).toEqual(['IBM', 'MSFT']);
    const free = await startFakeAlphaVantage({ now: () => new Date('2024-03-15T21:00:00Z') });
    try {
      const ex = new AlphaVantageExtractor({
        apiKey: KEY,
        baseUrl: free.url,
        plan: 'premium-1200',
      });
      await expect(ex.bulkQuotes(['IBM'])).rejects.toMatchObject({ code: 'PREMIUM_ENDPOINT' });
    } finally {
      await free.close();
    }
  }, 20_000);
});

describe('faults become typed errors or successful retries', () => {
  const cases: [FaultKind, string | 'ok', number][] = [
    ['http-500', 'ok', 2],
    ['http-503', 'ok', 2],
    ['reset', 'ok', 2],
    ['truncate', 'BAD_RESPONSE', 1],
    ['html', 'ok', 2],
    ['empty-series', 'BAD_RESPONSE', 1],
    ['empty-object', 'BAD_RESPONSE', 1],
    ['malformed-number', 'BAD_RESPONSE', 1],
    // The fault repeats a bar with the same values: one bar sent twice, not a conflict.
    ['duplicate-timestamp', 'ok', 1],
    ['rate-limit-note', 'ok', 2],
    ['rate-limit-information', 'ok', 2],
    ['burst', 'ok', 2],
    ['daily-limit', 'DAILY_LIMIT', 1],
    ['premium', 'PREMIUM_ENDPOINT', 1],
    ['invalid-call', 'INVALID_REQUEST', 1],
    ['invalid-key', 'INVALID_API_KEY', 1],
  ];
  for (const [kind, expected, requests] of cases) {
    it(`${kind} → ${expected}`, async () => {
      server.inject({ kind, match: { function: 'TIME_SERIES_DAILY' } });
      // Rate-limit notices wait their own window (up to a minute) before the retry: run those
      // waits on a virtual clock.
      let virtual = Date.parse('2024-03-15T21:00:00Z');
      const ex = extractor({
        clock: {
          now: () => virtual,
          sleep: async (ms) => {
            virtual += ms;
          },
        },
      });
      const logs: string[] = [];
      ex.on('request:retry', (e) => logs.push(JSON.stringify(e)));
      const call = ex.daily('IBM', { outputsize: 'compact' });
      if (expected === 'ok') {
        expect((await call).bars).toHaveLength(100);
      } else {
        const error = await call.catch((e) => e);
        expect(error.code).toBe(expected);
        expect(error.message).toContain('TIME_SERIES_DAILY');
        expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain(KEY);
      }
      expect(server.requestCount({ function: 'TIME_SERIES_DAILY' })).toBe(requests);
      expect(logs.join('\n')).not.toContain(KEY);
    }, 20_000);
  }

  it('a malformed number or duplicated timestamp is reported, not thrown, in report mode', async () => {
    server.inject({ kind: 'malformed-number', match: { function: 'TIME_SERIES_DAILY' } });
    const a = await extractor().daily('IBM', { outputsize: 'compact', malformedRows: 'report' });
    expect(a.bars).toHaveLength(99);
    expect(a.malformed).toHaveLength(1);
    // An identical copy of a bar is one bar; a copy with other values is reported.
    server.inject({ kind: 'duplicate-timestamp', match: { function: 'TIME_SERIES_DAILY' } });
    const b = await extractor().daily('IBM', { outputsize: 'compact', malformedRows: 'report' });
    expect(b.bars).toHaveLength(100);
    expect(b.malformed).toEqual([]);
  });

  it('a delay past the timeout is retried, then UpstreamError', async () => {
    server.inject({ kind: 'delay', delayMs: 5_000, times: 3 });
    const error = await extractor({ timeoutMs: 200 })
      .daily('IBM')
      .catch((e) => e);
    expect(error.code).toBe('UPSTREAM');
    expect(server.requestCount({ function: 'TIME_SERIES_DAILY' })).toBe(3);
  }, 20_000);
});

describe('the limiter keeps to the budget the server enforces', () => {
  it('N/s against a server limited to N/s: no rejections, close to full use', async () => {
    const limited = await startFakeAlphaVantage({
      rateLimit: { perSecond: 8 },
      rateLimitLeewayMs: 20,
    });
    try {
      const ex = new AlphaVantageExtractor({
        apiKey: KEY,
        baseUrl: limited.url,
        rateLimit: { perSecond: 8, perMinute: null, perDay: null },
      });
      const started = Date.now();
      await Promise.all(Array.from({ length: 24 }, () => ex.quote('IBM')));
      const elapsed = Date.now() - started;
      expect(limited.stats().rateLimited).toBe(0);
      expect(limited.stats().served).toBe(24);
      // 24 requests at 8/s need at least two full windows after the first burst.
      expect(elapsed).toBeGreaterThanOrEqual(1_900);
    } finally {
      await limited.close();
    }
  }, 20_000);

  it('an unthrottled client is told "rate limited", backs off and still completes', async () => {
    const limited = await startFakeAlphaVantage({ rateLimit: { perSecond: 3 } });
    try {
      const ex = new AlphaVantageExtractor({
        apiKey: KEY,
        baseUrl: limited.url,
        rateLimit: { perSecond: null, perMinute: null, perDay: null },
        retry: { retries: 6, minDelayMs: 50, maxDelayMs: 1_000 },
      });
      let slowed = 0;
      ex.on('rate:limited', () => slowed++);
      const quotes = await Promise.all(Array.from({ length: 8 }, () => ex.quote('IBM')));
      expect(quotes).toHaveLength(8);
      expect(limited.stats().rateLimited).toBeGreaterThan(0);
      expect(slowed).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  }, 30_000);

  it('stops at the daily budget without sending the request', async () => {
    const ex = extractor({ rateLimit: { perSecond: null, perMinute: null, perDay: 2 } });
    await ex.quote('IBM');
    await ex.quote('MSFT');
    await expect(ex.quote('AAPL')).rejects.toMatchObject({ code: 'DAILY_LIMIT' });
    expect(server.requestCount()).toBe(2);
    expect(await ex.budget()).toMatchObject({ perDay: 2, usedToday: 2, remainingToday: 0 });
  });
});

describe('the README example "Testing your own wiring"', () => {
  it('two injected 503s are retried with the default settings: three requests in all', async () => {
    const readme = await startFakeAlphaVantage({ rateLimit: { perSecond: 5 } });
    try {
      const ex = new AlphaVantageExtractor({ apiKey: 'test', baseUrl: readme.url });
      readme.inject({ kind: 'http-503', times: 2 });
      const series = await ex.daily('IBM');
      expect(series.bars.length).toBeGreaterThan(0);
      expect(readme.requestCount({ function: 'TIME_SERIES_DAILY' })).toBe(3);
    } finally {
      await readme.close();
    }
  }, 20_000);
});
