/**
 * The daily budget counts what Alpha Vantage saw: an attempt that never reached the service (no
 * connection: refused, DNS, unreachable, connect timeout) is given back; one that may have arrived
 * (reset after connecting, timeout, any HTTP answer) stays charged.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBudgetStore } from '../../../src/alpha-vantage/budget-store';
import { type ScriptServer, startScriptServer } from '../../helpers/http-script-server';
import { extractorFor, fixture, NOTICES, notice } from './support';

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

let server: ScriptServer;
const QUOTE = fixture('GLOBAL_QUOTE__IBM_json_2020-05-08__crazzyghost.json');
beforeAll(async () => {
  server = await startScriptServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.setFallback({ status: 599, body: 'unscripted request' });
});

describe('what the daily budget is charged', () => {
  it('ECONNREFUSED on every attempt: 5 attempts, 0 charged, and the message says so', async () => {
    const port = await closedPort();
    const { extractor } = extractorFor(server, {
      baseUrl: `http://127.0.0.1:${port}`,
      plan: 'free',
      retry: { retries: 4, random: () => 0 },
    });
    const attempts: number[] = [];
    const error = await extractor
      .quote('IBM', { onRequest: ({ attempt }) => attempts.push(attempt) })
      .catch((e) => e);
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    expect(error).toMatchObject({ code: 'UPSTREAM', attempts: 5 });
    expect(error.message).toMatch(/never reached the service.*ECONNREFUSED.*not charged/);
    expect(await extractor.budget()).toMatchObject({ usedToday: 0, remainingToday: 25 });
  });

  it('a DNS failure (ENOTFOUND) is not charged either', async () => {
    const dns: typeof fetch = async () => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('getaddrinfo ENOTFOUND www.alphavantage.co'), {
          code: 'ENOTFOUND',
        }),
      });
    };
    const { extractor } = extractorFor(server, { fetch: dns, plan: 'free', retry: { retries: 1 } });
    await expect(extractor.quote('IBM')).rejects.toMatchObject({ code: 'UPSTREAM' });
    expect((await extractor.budget()).usedToday).toBe(0);
  });

  it('a reset after connecting, an HTTP 503 and a timeout stay charged (the service may have counted them)', async () => {
    const budgetStore = new MemoryBudgetStore();
    const { extractor } = extractorFor(server, {
      plan: 'free',
      budgetStore,
      timeoutMs: 100,
      retry: { retries: 0 },
    });
    server.enqueue({ reset: true }, { status: 503, body: 'busy' }, { hang: true });
    for (let i = 0; i < 3; i++) await extractor.quote('IBM').catch(() => undefined);
    expect(server.requests).toHaveLength(3);
    expect((await extractor.budget()).usedToday).toBe(3);
  });

  it('a refused attempt followed by a success charges one request', async () => {
    const port = await closedPort();
    let calls = 0;
    // The first attempt goes to the closed port, the second to the live server.
    const flaky: typeof fetch = (input, init) => {
      calls++;
      const url = String(input);
      return fetch(calls === 1 ? url.replace(server.url, `http://127.0.0.1:${port}`) : url, init);
    };
    server.enqueue({ body: QUOTE });
    const { extractor } = extractorFor(server, { fetch: flaky, plan: 'free' });
    await expect(extractor.quote('IBM')).resolves.toMatchObject({ symbol: 'IBM' });
    expect(calls).toBe(2);
    expect((await extractor.budget()).usedToday).toBe(1);
  });
});

describe('the daily-limit mark', () => {
  it('is scoped to the service origin: another base URL with the same key is not stopped', async () => {
    const budgetStore = new MemoryBudgetStore();
    const other = await startScriptServer();
    try {
      const a = extractorFor(server, { plan: 'free', budgetStore }).extractor;
      server.enqueue({ body: notice('Information', NOTICES.dailyA) });
      await expect(a.quote('IBM')).rejects.toMatchObject({ code: 'DAILY_LIMIT' });
      expect(await a.budget()).toMatchObject({ exhausted: true, remainingToday: 0 });
      const b = extractorFor(other, { plan: 'free', budgetStore }).extractor;
      other.enqueue({ body: QUOTE });
      await expect(b.quote('IBM')).resolves.toMatchObject({ symbol: 'IBM' });
      expect(await b.budget()).toMatchObject({ exhausted: false, usedToday: 1 });
    } finally {
      await other.close();
    }
  });

  it('a plan without a daily limit clears a mark left by one with a limit, once', async () => {
    const budgetStore = new MemoryBudgetStore();
    const free = extractorFor(server, { plan: 'free', budgetStore });
    server.enqueue({ body: notice('Information', NOTICES.dailyA) });
    await free.extractor.quote('IBM').catch(() => undefined);
    await expect(free.extractor.quote('IBM')).rejects.toMatchObject({ code: 'DAILY_LIMIT' });
    expect(server.requests).toHaveLength(1);
    // The key was upgraded: a premium extractor (same store, same day) is not blocked...
    const premium = extractorFor(server, { plan: 'premium-75', budgetStore, clock: free.clock });
    expect(await premium.extractor.budget()).toMatchObject({ exhausted: false, perDay: null });
    server.enqueue({ body: QUOTE });
    await expect(premium.extractor.quote('IBM')).resolves.toMatchObject({ symbol: 'IBM' });
    // ...but a daily-limit answer it gets itself still stops it for the day.
    server.enqueue({ body: notice('Information', NOTICES.dailyA) });
    await premium.extractor.quote('IBM').catch(() => undefined);
    await expect(premium.extractor.quote('IBM')).rejects.toMatchObject({ code: 'DAILY_LIMIT' });
    expect(server.requests).toHaveLength(3);
  });

  it('clearDailyLimit removes the mark and says whether there was one', async () => {
    const { extractor } = extractorFor(server, { plan: 'free' });
    expect(await extractor.clearDailyLimit()).toBe(false);
    server.enqueue({ body: notice('Information', NOTICES.dailyA) }, { body: QUOTE });
    await extractor.quote('IBM').catch(() => undefined);
    expect(await extractor.clearDailyLimit()).toBe(true);
    await expect(extractor.quote('IBM')).resolves.toMatchObject({ symbol: 'IBM' });
  });
});
