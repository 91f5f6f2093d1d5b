/**
 * Your own polling strategy: a `StreamStrategy` is one method, `next(ctx)`, that says how long to
 * wait and which symbols the next cycle asks for. This one polls the index leader every minute and
 * the rest of the watch list every five, and never faster than the key's budget allows (via
 * `budgetGap`, the spacing the built-in `budget` strategy uses).
 *
 * The quotes are read with `for await`, and a simulated clock runs a trading morning in moments.
 *
 *   npx tsx examples/custom-strategy.ts
 */
import assert from 'node:assert/strict';
import {
  AlphaVantageExtractor,
  budgetGap,
  type Clock,
  createEmbeddedDb,
  installSchema,
  StreamingService,
  type StreamStrategy,
} from 'stock-etl';
import { startFakeAlphaVantage } from 'stock-etl/testing';

const leaderFirst: StreamStrategy = {
  name: 'leader-first',
  next(ctx) {
    const every = (symbol: string) => (symbol === ctx.symbols[0] ? 60_000 : 300_000);
    const due = ctx.symbols.filter(
      (s) => (ctx.history.get(s)?.polledAt ?? Number.NEGATIVE_INFINITY) + every(s) <= ctx.now,
    );
    if (due.length === 0) return { delayMs: 10_000, symbols: [] }; // look again in 10 s
    const gap = budgetGap(ctx, ctx.cost(due));
    if (gap === null) return { delayMs: 600_000, symbols: [] }; // budget spent
    const wait = ctx.lastCycleAt === null ? 0 : ctx.lastCycleAt + gap - ctx.now;
    return { delayMs: wait, symbols: due };
  },
};

// A simulated clock: every sleep returns at once with the time moved on. 10:00 New York.
let now = Date.parse('2024-03-12T14:00:00Z');
const clock: Clock = {
  now: () => now,
  sleep: async (ms) => {
    now += ms;
  },
};

const fake = await startFakeAlphaVantage({ now: () => new Date(now), clock: () => now });
const db = await createEmbeddedDb();
try {
  await installSchema(db);
  const extractor = new AlphaVantageExtractor({
    apiKey: 'demo-key',
    baseUrl: fake.url,
    plan: 'premium-75',
    clock,
  });
  const stream = new StreamingService({
    db,
    extractor,
    symbols: ['SPY', 'IBM', 'MSFT'],
    strategy: leaderFirst,
    mode: 'quote',
    clock,
  });
  await stream.start();
  const polled = new Map<string, number>();
  for await (const quote of stream) {
    polled.set(quote.symbol, (polled.get(quote.symbol) ?? 0) + 1);
    if (now >= Date.parse('2024-03-12T14:30:00Z')) break; // half an hour of quotes
  }
  await stream.stop();
  console.log(`half an hour with ${stream.strategy}:`, Object.fromEntries(polled));
  // About 30 polls of the leader, about 6 of each other symbol.
  assert.ok((polled.get('SPY') ?? 0) >= 25);
  assert.ok((polled.get('IBM') ?? 0) <= 8);
  assert.equal(stream.running, false);
  console.log('custom-strategy: ok');
} finally {
  await db.close();
  await fake.close();
}
