import { expect, it } from 'vitest';
import { hashApiKey } from '../../src/alpha-vantage/budget-store';
import { AlphaVantageExtractor } from '../../src/alpha-vantage/extractor';
import type { RateTicket } from '../../src/alpha-vantage/shared-rate-limit';
import { PostgresRateLimit } from '../../src/load/postgres-rate-limit';
import { startFakeAlphaVantage } from '../../src/testing';
import { describeEachDb } from '../helpers/db';

const SCOPE = { keyHash: hashApiKey('SHAREDKEY42'), origin: 'http://127.0.0.1:1' };
const SECOND = { windowMs: 1_000, limit: 3 };
const MINUTE = { windowMs: 60_000, limit: 4 };

describeEachDb('PostgresRateLimit', (ctx) => {
  it('grants at most `limit` slots per window to every taker together, all windows or none', async () => {
    const a = new PostgresRateLimit(ctx.db, { schema: ctx.schema });
    const b = new PostgresRateLimit(ctx.db, { schema: ctx.schema });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).tryAcquire(SCOPE, [SECOND, MINUTE])),
    );
    const granted = results.filter((r) => r.acquired);
    expect(granted).toHaveLength(3);
    // Every per-second slot is in flight: the next one frees a window after an answer at the earliest.
    const refused = await a.tryAcquire(SCOPE, [SECOND, MINUTE]);
    expect(!refused.acquired && refused.waitMs).toBeGreaterThan(900);
    // Released: free one window after the answer, so a moment later the window is still full.
    for (const r of granted) if (r.acquired) await a.release(SCOPE, r.ticket, true);
    const again = await b.tryAcquire(SCOPE, [SECOND, MINUTE]);
    expect(again.acquired).toBe(false);
    if (!again.acquired) expect(again.waitMs).toBeLessThanOrEqual(1_000);
    // The minute window had 4, 3 are used: after the second passes one more, then the minute is full.
    await new Promise((r) => setTimeout(r, 1_050));
    expect((await a.tryAcquire(SCOPE, [SECOND, MINUTE])).acquired).toBe(true);
    const full = await a.tryAcquire(SCOPE, [SECOND, MINUTE]);
    expect(full.acquired).toBe(false);
    // None of the per-second slots was taken by the refused all-or-none attempt.
    const { rows } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${ctx.q}.api_rate_slots WHERE window_ms = 1000 AND NOT released`,
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('creates the slots again when the table was emptied (an unlogged table after a crash)', async () => {
    const limit = new PostgresRateLimit(ctx.db, { schema: ctx.schema });
    expect((await limit.tryAcquire(SCOPE, [SECOND])).acquired).toBe(true);
    await ctx.db.query(`TRUNCATE ${ctx.q}.api_rate_slots`);
    const first = await limit.tryAcquire(SCOPE, [SECOND]);
    expect(first).toEqual({ acquired: false, waitMs: 1 });
    expect((await limit.tryAcquire(SCOPE, [SECOND])).acquired).toBe(true);
  });

  it('a request that never reached the service gives its slots back at once', async () => {
    const limit = new PostgresRateLimit(ctx.db, { schema: ctx.schema });
    const first = await limit.tryAcquire(SCOPE, [{ windowMs: 1_000, limit: 1 }]);
    expect(first.acquired).toBe(true);
    if (first.acquired) await limit.release(SCOPE, first.ticket, false);
    expect((await limit.tryAcquire(SCOPE, [{ windowMs: 1_000, limit: 1 }])).acquired).toBe(true);
  });

  it('a late release by a holder whose slot expired does not free the new holder’s slot', async () => {
    const limit = new PostgresRateLimit(ctx.db, { schema: ctx.schema, inFlightTimeoutMs: 1 });
    const w = [{ windowMs: 1, limit: 1 }];
    const first = await limit.tryAcquire(SCOPE, w);
    await new Promise((r) => setTimeout(r, 20));
    const second = await limit.tryAcquire(SCOPE, w);
    expect(first.acquired && second.acquired).toBe(true);
    await limit.release(SCOPE, (first as { ticket: RateTicket }).ticket, false);
    const { rows } = await ctx.db.query<{ released: boolean }>(
      `SELECT released FROM ${ctx.q}.api_rate_slots`,
    );
    expect(rows).toEqual([{ released: false }]);
  });

  it('two extractors (as two processes) keep one key under the server’s limit together', async () => {
    const fake = await startFakeAlphaVantage({ rateLimit: { perSecond: 4 } });
    try {
      const extractors = [0, 1].map(
        () =>
          new AlphaVantageExtractor({
            apiKey: 'SHAREDKEY42',
            baseUrl: fake.url,
            plan: 'premium-1200',
            rateLimit: { perSecond: 4, perMinute: null, perDay: null },
            retry: { retries: 0 },
            sharedRateLimit: new PostgresRateLimit(ctx.db, { schema: ctx.schema }),
          }),
      );
      await Promise.all(Array.from({ length: 12 }, (_, i) => extractors[i % 2]?.indexCatalog()));
      expect((await fake.stats()).rateLimited).toBe(0);
    } finally {
      await fake.close();
    }
  });
});
