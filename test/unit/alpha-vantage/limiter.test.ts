import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBudgetStore } from '../../../src/alpha-vantage/budget-store';
import type { ExtractorEvents } from '../../../src/alpha-vantage/extractor-events';
import { type ScriptServer, startScriptServer } from '../../helpers/http-script-server';
import { FakeClock } from './fake-clock';
import { extractorFor, fixture, NOTICES, notice } from './support';

const QUOTE = fixture('GLOBAL_QUOTE__IBM_json_2020-05-08__crazzyghost.json');
let server: ScriptServer;
beforeAll(async () => {
  server = await startScriptServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

/**
 * Makes the server behave like Alpha Vantage with a per-window limit on virtual time: requests over
 * the limit get the burst notice. The virtual send time travels in a header added by a thin
 * wrapper around the real fetch, because the fake clock may move on while a request is in flight.
 */
function limitServer(
  clock: FakeClock,
  windowMs: number,
  limit: number,
): { arrivals: number[]; limited: () => number; fetch: typeof fetch } {
  const arrivals: number[] = [];
  let limited = 0;
  server.setFallback((req) => {
    const sentAt = Number(req.headers['x-virtual-time']);
    const inWindow = arrivals.filter((t) => t > sentAt - windowMs && t <= sentAt).length;
    arrivals.push(sentAt);
    if (inWindow >= limit) {
      limited++;
      return { body: notice('Information', NOTICES.burstFree) };
    }
    return { body: QUOTE };
  });
  const stamped: typeof fetch = (input, init) =>
    fetch(input, {
      ...init,
      headers: {
        ...(init?.headers as Record<string, string>),
        'x-virtual-time': String(clock.now()),
      },
    });
  return { arrivals, limited: () => limited, fetch: stamped };
}

function maxPerWindow(times: number[], windowMs: number): number {
  let max = 0;
  for (const t of times)
    max = Math.max(max, times.filter((u) => u >= t && u < t + windowMs).length);
  return max;
}

describe('rate limiter', () => {
  it('free plan: 1 request per second, 0 rate-limit answers from a 1/s server', async () => {
    const clock = new FakeClock();
    const { arrivals, limited, fetch } = limitServer(clock, 1_000, 1);
    const { extractor } = extractorFor(server, { plan: 'free', clock, fetch });
    const waits: ExtractorEvents['rate:wait'][] = [];
    extractor.on('rate:wait', (e) => waits.push(e));
    await Promise.all(Array.from({ length: 10 }, () => extractor.quote('IBM')));
    expect(arrivals).toHaveLength(10);
    expect(limited()).toBe(0);
    expect(maxPerWindow(arrivals, 1_000)).toBe(1);
    expect(waits.every((w) => w.budget === 'second' && w.waitMs <= 1_000)).toBe(true);
    expect(await extractor.budget()).toMatchObject({
      perDay: 25,
      usedToday: 10,
      remainingToday: 15,
    });
  });

  it('premium-75: keeps to 75/min and 5/s against a server with the same limits', async () => {
    const clock = new FakeClock();
    const { arrivals, limited, fetch } = limitServer(clock, 60_000, 75);
    const { extractor } = extractorFor(server, { plan: 'premium-75', clock, fetch });
    for (let i = 0; i < 4; i++)
      await Promise.all(Array.from({ length: 50 }, () => extractor.quote('IBM')));
    expect(arrivals).toHaveLength(200);
    expect(limited()).toBe(0);
    // Windows count from each response (the server counts arrivals, which lie between send and
    // response), so on virtual time — which jumps ahead while a request is in flight — a window
    // holds a little less than the full 75; never more. Real-time utilisation is a benchmark figure.
    expect(maxPerWindow(arrivals, 60_000)).toBeLessThanOrEqual(75);
    expect(maxPerWindow(arrivals, 60_000)).toBeGreaterThanOrEqual(60);
    expect(maxPerWindow(arrivals, 1_000)).toBeLessThanOrEqual(5);
    expect(await extractor.budget()).toMatchObject({
      perDay: null,
      usedToday: 200,
      remainingToday: null,
      resetsAt: null,
    });
  });

  it('explicit rateLimit overrides the plan; the daily budget stops spending without a request', async () => {
    const clock = new FakeClock();
    server.setFallback({ body: QUOTE });
    const { extractor } = extractorFor(server, {
      plan: 'free',
      clock,
      rateLimit: { perSecond: 100, perDay: 3 },
    });
    for (let i = 0; i < 3; i++) await extractor.quote('IBM');
    const error = await extractor.quote('IBM').catch((e) => e);
    expect(error).toMatchObject({ code: 'DAILY_LIMIT' });
    expect(error.resetsAt).toEqual(new Date('2025-06-03T04:00:00Z'));
    expect(server.requests).toHaveLength(3);
    expect(clock.now() - Date.UTC(2025, 5, 2, 14)).toBeLessThan(1_000);
    // A new budget day (midnight New York) brings the budget back.
    clock.nowMs = Date.UTC(2025, 5, 3, 4, 0, 1);
    await expect(extractor.quote('IBM')).resolves.toMatchObject({ symbol: 'IBM' });
  });

  it('two extractors sharing one store share the daily budget', async () => {
    const clock = new FakeClock();
    server.setFallback({ body: QUOTE });
    const budgetStore = new MemoryBudgetStore();
    const a = extractorFor(server, { plan: 'free', clock, budgetStore }).extractor;
    const b = extractorFor(server, { plan: 'free', clock, budgetStore }).extractor;
    for (let i = 0; i < 25; i++) await (i % 2 ? a : b).quote('IBM');
    await expect(a.quote('IBM')).rejects.toMatchObject({ code: 'DAILY_LIMIT' });
    await expect(b.quote('IBM')).rejects.toMatchObject({ code: 'DAILY_LIMIT' });
    expect(server.requests).toHaveLength(25);
  });

  it('when the server rate-limits anyway, the client slows down instead of hammering', async () => {
    const clock = new FakeClock();
    // The real limit is 1 per 2 s while the client believes 5/s.
    const { arrivals, limited, fetch } = limitServer(clock, 2_000, 1);
    const { extractor } = extractorFor(server, {
      plan: 'premium-300',
      clock,
      fetch,
      retry: { retries: 6, random: () => 0.5 },
    });
    for (let i = 0; i < 10; i++) await extractor.quote('IBM');
    // Each notice doubles the spacing; after a few the client stays under the real limit.
    expect(limited()).toBeLessThanOrEqual(3);
    const lastFive = arrivals.slice(-5);
    expect(maxPerWindow(lastFive, 2_000)).toBe(1);
  });

  it('aborting while waiting for the limiter rejects and spends nothing', async () => {
    const clock = new FakeClock();
    server.setFallback({ body: QUOTE });
    const { extractor } = extractorFor(server, { plan: 'free', clock });
    await extractor.quote('IBM');
    const controller = new AbortController();
    clock.onSleep = () => controller.abort();
    await expect(extractor.quote('IBM', { signal: controller.signal })).rejects.toMatchObject({
      code: 'ABORTED',
    });
    expect(server.requests).toHaveLength(1);
    expect((await extractor.budget()).usedToday).toBe(1);
  });
});
