/**
 * StreamingService strategies through whole simulated trading days (pre-market to after-hours)
 * against the fake Alpha Vantage on a free plan, on PGlite and PostgreSQL. Time is simulated
 * (SimClock): a day runs in about a second.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { BudgetStore } from '../../src/alpha-vantage/budget-store';
import { MemoryBudgetStore } from '../../src/alpha-vantage/budget-store';
import { AlphaVantageExtractor } from '../../src/alpha-vantage/extractor';
import type { Clock } from '../../src/clock';
import { PostgresBudgetStore } from '../../src/load/postgres-budget-store';
import {
  type StreamingEvents,
  type StreamingOptions,
  StreamingService,
  type StreamQuote,
} from '../../src/streaming';
import type { StreamStrategyName } from '../../src/streaming/strategy';
import { type FakeAlphaVantage, startFakeAlphaVantage } from '../../src/testing';
import { type DbContext, describeEachDb } from '../helpers/db';
import { SimClock } from '../helpers/sim-clock';

const KEY = 'session-test-key';
/** Tuesday 2024-03-12, 03:00 New York (EDT): before the pre-market. */
const DAY_START = Date.parse('2024-03-12T07:00:00Z');
/** 20:00 New York: the post-market close. */
const POST_CLOSE = Date.parse('2024-03-13T00:00:00Z');
/** 21:00 New York. */
const DAY_END = Date.parse('2024-03-13T01:00:00Z');

interface Rig {
  clock: SimClock;
  fake: FakeAlphaVantage;
  store: BudgetStore;
  extractor(clock?: Clock): AlphaVantageExtractor;
  service(over: Partial<StreamingOptions>): StreamingService;
}

describeEachDb('StreamingService strategies over a simulated session', (ctx: DbContext) => {
  let rig: Rig;
  let fake: FakeAlphaVantage | undefined;

  async function makeRig(start: number, store?: BudgetStore): Promise<Rig> {
    const clock = new SimClock(start);
    fake = await startFakeAlphaVantage({
      plan: 'free',
      now: () => new Date(clock.now()),
      clock: () => clock.now(),
    });
    const f = fake;
    const shared =
      store ??
      (ctx.target === 'pglite'
        ? new MemoryBudgetStore()
        : new PostgresBudgetStore(ctx.handle, { schema: ctx.schema }));
    const extractor = (own?: Clock) =>
      new AlphaVantageExtractor({
        apiKey: KEY,
        baseUrl: f.url,
        plan: 'free',
        clock: own ?? clock,
        budgetStore: shared,
        retry: { retries: 0 },
      });
    return {
      clock,
      fake: f,
      store: shared,
      extractor,
      service: (over) =>
        new StreamingService({
          db: ctx.handle,
          schema: ctx.schema,
          extractor: extractor(),
          symbols: ['IBM'],
          intervalMs: 60_000,
          extendedHours: true,
          clock,
          ...over,
        }),
    };
  }

  beforeEach(async () => {
    rig = await makeRig(DAY_START);
  });
  afterEach(async () => {
    await fake?.close();
  });

  async function runDay(stream: StreamingService, until = DAY_END) {
    const quotes: StreamQuote[] = [];
    const errors: StreamingEvents['error'][] = [];
    stream.on('quote', (q) => quotes.push(q));
    stream.on('error', (e) => errors.push(e));
    await stream.start();
    await rig.clock.runUntil(until);
    await stream.stop();
    expect(rig.clock.pending).toBe(0);
    return { quotes, errors, requests: rig.fake.requestCount({ function: 'GLOBAL_QUOTE' }) };
  }

  const requestTimes = () =>
    rig.fake.requests.filter((r) => r.function === 'GLOBAL_QUOTE').map((r) => r.at);

  it.each([
    ['fixed', 25],
    ['budget', 25],
    ['adaptive', 25],
  ] as const)(
    '%s: spends %i requests of the free day, none outside the session',
    async (name: StreamStrategyName, expected) => {
      const stream = rig.service({ strategy: name, mode: 'quote' });
      const { requests } = await runDay(stream);
      expect(requests).toBe(expected);
      const times = requestTimes();
      const preOpen = Date.parse('2024-03-12T08:00:00Z');
      for (const at of times) {
        expect(at).toBeGreaterThanOrEqual(preOpen);
        expect(at).toBeLessThanOrEqual(POST_CLOSE + 60_000);
      }
      // The server never had to refuse for the day's quota.
      expect(rig.fake.requestCount({ outcome: 'rate-limited' })).toBe(0);
      if (name === 'fixed') {
        // A 60-second poll spends the day in 25 minutes.
        expect((times.at(-1) ?? 0) - preOpen).toBeLessThan(30 * 60_000);
      } else {
        // Spread over the whole session: the last request comes at the close.
        expect(times.at(-1) ?? 0).toBeGreaterThanOrEqual(POST_CLOSE - 60 * 60_000);
        const budget = await rig.extractor().budget();
        expect(budget.remainingToday).toBeLessThanOrEqual(1);
      }
    },
  );

  it('budget: ≤ 1 request unspent and never over, while a second process spends too', async () => {
    // Another process with the same key and budget store: 10 requests during the day.
    const other = rig.extractor({ now: () => rig.clock.now(), sleep: async () => {} });
    for (let i = 0; i < 10; i++) {
      rig.clock.at(DAY_START + 2 * 3_600_000 + i * 5_400_017, async () => {
        await other.quote(i % 2 === 0 ? 'MSFT' : 'AAPL');
      });
    }
    const stream = rig.service({ strategy: 'budget', mode: 'quote' });
    const { requests } = await runDay(stream);
    const total = rig.fake.requestCount({ function: 'GLOBAL_QUOTE' });
    expect(requests).toBe(total);
    expect(total).toBeLessThanOrEqual(25);
    expect(total).toBeGreaterThanOrEqual(24);
    expect(rig.fake.requestCount({ symbol: 'IBM' })).toBeGreaterThanOrEqual(14);
    expect(rig.fake.requestCount({ symbol: 'IBM' })).toBeLessThanOrEqual(15);
    expect(rig.fake.requestCount({ outcome: 'rate-limited' })).toBe(0);
    expect((await other.budget()).remainingToday).toBeLessThanOrEqual(1);
  });

  it.each([
    ['a weekend', '2024-03-16T07:00:00Z', '2024-03-18T03:00:00Z'],
    ['a holiday (Independence Day)', '2024-07-04T07:00:00Z', '2024-07-05T03:00:00Z'],
  ])('sends nothing while the market is closed: %s', async (_what, from, to) => {
    await fake?.close();
    rig = await makeRig(Date.parse(from));
    for (const strategy of ['fixed', 'budget', 'adaptive'] as const) {
      const stream = rig.service({ strategy, mode: 'quote' });
      const { requests, quotes } = await runDay(stream, Date.parse(to));
      expect(requests).toBe(0);
      expect(quotes).toEqual([]);
    }
    expect(rig.fake.requestCount()).toBe(0);
  });

  it("mode 'auto' switches from bulk to GLOBAL_QUOTE on a premium answer without losing a cycle", async () => {
    const stream = rig.service({ mode: 'auto', symbols: ['IBM', 'MSFT'] });
    const switches: StreamingEvents['mode:switch'][] = [];
    const finishes: StreamingEvents['poll:finish'][] = [];
    stream.on('mode:switch', (e) => switches.push(e));
    stream.on('poll:finish', (e) => finishes.push(e));
    expect(stream.mode).toBe('bulk');
    await runDay(stream, DAY_START + 65 * 60_000 + 2 * 60_000);
    expect(switches).toHaveLength(1);
    expect(stream.mode).toBe('quote');
    expect(rig.fake.requestCount({ function: 'REALTIME_BULK_QUOTES' })).toBe(1);
    // The cycle with the refusal still got both quotes.
    expect(finishes[0]).toMatchObject({ cycle: 1, quotes: 2, stored: 2 });
    // (The last cycle may be cut short by stop().)
    expect(finishes.filter((f) => !f.aborted).every((f) => f.quotes === 2)).toBe(true);

    // Remembered with the key's entitlements: a new service asks for bulk quotes no more.
    const again = rig.service({ mode: 'auto', symbols: ['IBM', 'MSFT'] });
    const switchesAgain: unknown[] = [];
    again.on('mode:switch', (e) => switchesAgain.push(e));
    await runDay(again, rig.clock.now() + 2 * 60_000);
    expect(switchesAgain).toEqual([]); // known from the start
    expect(rig.fake.requestCount({ function: 'REALTIME_BULK_QUOTES' })).toBe(1);
    expect(again.mode).toBe('quote');
  });

  it('for await yields every stored quote and ends on stop(); abort ends an iterator; no timer left', async () => {
    const stream = rig.service({ strategy: 'fixed', mode: 'quote', symbols: ['IBM', 'MSFT'] });
    const got: StreamQuote[] = [];
    const events: StreamQuote[] = [];
    stream.on('quote', (q) => events.push(q));
    const controller = new AbortController();
    const aborted: StreamQuote[] = [];
    const early = (async () => {
      for await (const q of stream.quotes({ signal: controller.signal })) aborted.push(q);
    })();
    // A slow consumer with a tiny buffer: polling waits for it; nothing is lost.
    const consumer = (async () => {
      for await (const q of stream.quotes({ highWaterMark: 1 })) {
        got.push(q);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await stream.start();
    await rig.clock.runUntil(Date.parse('2024-03-12T08:05:30Z'));
    controller.abort();
    await early;
    await rig.clock.runUntil(Date.parse('2024-03-12T08:10:30Z'));
    await stream.stop();
    await consumer;
    expect(rig.clock.pending).toBe(0);
    expect(got.length).toBeGreaterThan(4);
    expect(got).toEqual(events);
    expect(aborted.length).toBeLessThan(got.length);
    const { rows } = await ctx.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${ctx.q}.stock_quotes`,
    );
    expect(Number(rows[0]?.n)).toBe(got.filter((q) => q.stored).length);
  });
});
