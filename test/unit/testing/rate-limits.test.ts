import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeAlphaVantage,
  type FakeAlphaVantageOptions,
  PLAN_LIMITS,
  startFakeAlphaVantage,
} from '../../../src/testing';
import { queryJson } from './fake-client';

const servers: FakeAlphaVantage[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A fake whose rate-limit clock the test moves by hand. */
async function withClock(options: FakeAlphaVantageOptions) {
  const clock = { t: 1_000_000 };
  const fake = await startFakeAlphaVantage({
    now: () => new Date('2024-11-21T03:00:00Z'),
    clock: () => clock.t,
    ...options,
  });
  servers.push(fake);
  const call = (apikey = 'k1') => queryJson(fake, { function: 'INDEX_CATALOG', apikey });
  const ok = async (apikey?: string) => (await call(apikey)).SPX === 'S&P 500';
  return { fake, clock, call, ok };
}

describe('per-key sliding windows', () => {
  it('enforces per second exactly, with the free-key wording', async () => {
    const { clock, call, ok, fake } = await withClock({ rateLimit: PLAN_LIMITS.free });
    expect(await ok()).toBe(true);
    expect(await call()).toEqual({
      Information:
        'Thank you for using Alpha Vantage! Please consider spreading out your free API requests more sparingly (1 request per second). You may subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to lift the free key rate limit (25 requests per day) and instantly remove all daily rate limits.',
    });
    clock.t += 999;
    expect(await ok()).toBe(false);
    clock.t += 1; // exactly one second after the accepted request
    expect(await ok()).toBe(true);
    expect(fake.stats()).toEqual({ total: 4, served: 2, rateLimited: 2, faults: 0, rejected: 0 });
    expect(fake.requestCount({ outcome: 'rate-limited' })).toBe(2);
  });

  it('does not count refused requests against the window', async () => {
    const { clock, ok } = await withClock({ rateLimit: { perSecond: 2 } });
    expect([await ok(), await ok()]).toEqual([true, true]);
    clock.t += 500;
    for (let i = 0; i < 5; i++) expect(await ok()).toBe(false);
    clock.t += 500;
    expect([await ok(), await ok(), await ok()]).toEqual([true, true, false]);
  });

  it('enforces per minute with the Note wording for free keys and Information for premium', async () => {
    const { clock, call, ok } = await withClock({
      keys: { free: { plan: 'free', perMinute: 3 }, prem: { plan: 'premium-75', perMinute: 2 } },
    });
    for (let i = 0; i < 3; i++) {
      expect(await ok('free')).toBe(true);
      clock.t += 10_000;
    }
    expect(await call('free')).toEqual({
      Note: 'Thank you for using Alpha Vantage! Our standard API call frequency is 3 calls per minute and 25 calls per day. Please visit https://www.alphavantage.co/premium/ if you would like to target a higher API call frequency.',
    });
    clock.t += 30_000; // 60 s after the first accepted request
    expect(await ok('free')).toBe(true);
    expect([await ok('prem'), await ok('prem')]).toEqual([true, true]);
    expect(await call('prem')).toEqual({
      Information:
        'Minute-level rate limit exceed. Please stay under the number of API requests per minute for your premium subscription plan.',
    });
  });

  it('enforces per day and echoes the key in wording B (A on request)', async () => {
    const { clock, call, ok } = await withClock({ rateLimit: { perDay: 2 } });
    expect([await ok('secret'), await ok('secret')]).toEqual([true, true]);
    clock.t += 86_399_999;
    expect(await call('secret')).toEqual({
      Information:
        'We have detected your API key as secret and our standard API rate limit is 2 requests per day. Please subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly remove all daily rate limits.',
    });
    expect(await ok('someone-else')).toBe(true);
    clock.t += 1;
    expect(await ok('secret')).toBe(true);

    const a = await withClock({ rateLimit: { perDay: 0 }, dailyLimitWording: 'A' });
    expect(await a.call()).toEqual({
      Information:
        'Thank you for using Alpha Vantage! Our standard API rate limit is 0 requests per day. Please subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly remove all daily rate limits.',
    });
  });

  it('answers a premium burst with the Burst pattern notice; keys override the default', async () => {
    const { call, ok } = await withClock({
      rateLimit: { perSecond: 1 },
      keys: { prem: { plan: 'premium-300', perSecond: 3 } },
    });
    expect([await ok('prem'), await ok('prem'), await ok('prem')]).toEqual([true, true, true]);
    expect(await call('prem')).toEqual({
      Information:
        'Burst pattern detected. Please consider spreading out your API requests more evenly across a 1-minute window and query no more than 3 requests per second.',
    });
    expect([await ok('plain'), await ok('plain')]).toEqual([true, false]);
  });

  it('applies the leeway to the second and minute windows', async () => {
    const { clock, ok } = await withClock({ rateLimit: { perSecond: 1 }, rateLimitLeewayMs: 20 });
    expect(await ok()).toBe(true);
    clock.t += 979;
    expect(await ok()).toBe(false);
    clock.t += 1;
    expect(await ok()).toBe(true);
  });

  it('serves a paced client fully and refuses a faster one (real clock)', async () => {
    const fake = await startFakeAlphaVantage({ rateLimit: { perSecond: 10 } });
    servers.push(fake);
    const paced = async (apikey: string, gapMs: number, n: number) => {
      let refused = 0;
      for (let i = 0; i < n; i++) {
        const started = Date.now();
        const body = await queryJson(fake, { function: 'INDEX_CATALOG', apikey });
        if (body.Information) refused++;
        await new Promise((r) => setTimeout(r, Math.max(0, gapMs - (Date.now() - started))));
      }
      return refused;
    };
    const [slow, fast] = await Promise.all([paced('slow', 150, 12), paced('fast', 0, 30)]);
    expect(slow).toBe(0);
    expect(fast).toBeGreaterThan(0);
  });
});
