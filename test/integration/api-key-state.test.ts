/**
 * What PostgresBudgetStore keeps about a key — budget per service origin, daily-limit mark,
 * premium refusals — shared by processes and by data schemas (one key, one budget).
 */
import { createServer } from 'node:net';
import { expect, it } from 'vitest';
import { hashApiKey, type KnownRefusal } from '../../src/alpha-vantage/budget-store';
import { AlphaVantageExtractor } from '../../src/alpha-vantage/extractor';
import { installSchema } from '../../src/db/install';
import { PostgresBudgetStore } from '../../src/load/postgres-budget-store';
import { healthCheck, Pipeline } from '../../src/pipeline';
import { startFakeAlphaVantage } from '../../src/testing';
import { describeEachDb, uniqueSchema } from '../helpers/db';

const KEY = 'STATEKEY12345678';
const SCOPE = { keyHash: hashApiKey(KEY), origin: 'https://www.alphavantage.co' };
const DAY = '2025-06-02';

describeEachDb('PostgresBudgetStore: the key state', (ctx) => {
  it('refunds, clears the daily-limit mark, and keeps origins apart', async () => {
    const store = new PostgresBudgetStore(ctx.handle, { schema: ctx.schema });
    await store.refund(SCOPE, DAY); // nothing to refund: no row, no error
    expect(await store.take(SCOPE, DAY, 25)).toBe(1);
    expect(await store.take(SCOPE, DAY, 25)).toBe(2);
    await store.refund(SCOPE, DAY);
    expect(await store.usage(SCOPE, DAY)).toEqual({ used: 1, exhausted: false });
    await store.refund(SCOPE, DAY);
    await store.refund(SCOPE, DAY);
    expect(await store.usage(SCOPE, DAY)).toEqual({ used: 0, exhausted: false });
    expect(await store.clearExhausted(SCOPE, DAY)).toBe(false);
    await store.markExhausted(SCOPE, DAY);
    const test = { ...SCOPE, origin: 'http://127.0.0.1:8080' };
    expect(await store.take(test, DAY, 25)).toBe(1); // another service: not stopped
    expect(await store.take(SCOPE, DAY, null)).toBeNull();
    expect(await store.clearExhausted(SCOPE, DAY)).toBe(true);
    expect(await store.take(SCOPE, DAY, 25)).toBe(1);
    const { rows } = await ctx.db.query<{ origin: string; used: number }>(
      `SELECT origin, used FROM ${ctx.q}.api_usage ORDER BY origin`,
    );
    expect(rows).toEqual([
      { origin: 'http://127.0.0.1:8080', used: 1 },
      { origin: 'https://www.alphavantage.co', used: 1 },
    ]);
  });

  it('records refusals once per (plan, endpoint, parameter), newest wins, and forgets them', async () => {
    const store = new PostgresBudgetStore(ctx.handle, { schema: ctx.schema });
    const full: KnownRefusal = {
      endpoint: 'TIME_SERIES_DAILY',
      parameter: { name: 'outputsize', value: 'full' },
      plan: 'free',
      refusedAt: new Date('2025-06-01T10:00:00Z'),
      notice: 'The outputsize=full parameter value is a premium feature',
    };
    await store.recordRefusal(SCOPE, full);
    await store.recordRefusal(SCOPE, { ...full, refusedAt: new Date('2025-06-02T10:00:00Z') });
    await store.recordRefusal(SCOPE, { ...full, plan: 'premium-75' });
    await store.recordRefusal(SCOPE, {
      endpoint: 'TIME_SERIES_DAILY_ADJUSTED',
      parameter: null,
      plan: 'free',
      refusedAt: new Date('2025-05-01T00:00:00Z'),
      notice: null,
    });
    const since = new Date('2025-05-15T00:00:00Z');
    expect(await store.refusals(SCOPE, since)).toEqual([
      { ...full, plan: 'premium-75' },
      { ...full, refusedAt: new Date('2025-06-02T10:00:00Z') },
    ]);
    expect(await store.refusals({ ...SCOPE, origin: 'http://x' }, since)).toEqual([]);
    expect(await store.forgetRefusals(SCOPE)).toBe(3);
    expect(await store.refusals(SCOPE, new Date(0))).toEqual([]);
  });

  it('one key, one budget: two data schemas share the budget schema', async () => {
    const fake = await startFakeAlphaVantage({ plan: 'free', rateLimit: {} });
    const other = uniqueSchema('second_data_schema');
    try {
      await installSchema(ctx.handle, { schema: other });
      // Both pipelines write to their own data schema; the budget lives in ctx.schema.
      const pipelineFor = (schema: string) =>
        new Pipeline({
          db: ctx.handle,
          schema,
          extractor: new AlphaVantageExtractor({
            apiKey: KEY,
            baseUrl: fake.url,
            plan: 'premium-75',
            budgetStore: new PostgresBudgetStore(ctx.handle, { schema: ctx.schema }),
          }),
        });
      const a = await pipelineFor(ctx.schema).run('IBM', 'daily');
      const b = await pipelineFor(other).run('IBM', 'daily');
      expect(a).toMatchObject({ status: 'success', apiCalls: 2 }); // full refused, then compact
      expect(b).toMatchObject({ status: 'success', apiCalls: 1 }); // refusal known
      const { rows } = await ctx.db.query<{ used: number }>(
        `SELECT sum(used)::int AS used FROM ${ctx.q}.api_usage`,
      );
      expect(rows[0]?.used).toBe(3);
      const none = await ctx.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${other}".api_usage`,
      );
      expect(none.rows[0]?.n).toBe(0);
    } finally {
      await ctx.db.exec(`DROP SCHEMA IF EXISTS "${other}" CASCADE`);
      await fake.close();
    }
  });

  it('install: true installs a budget schema on first use', async () => {
    const budgetSchema = uniqueSchema('budget_only');
    try {
      const store = new PostgresBudgetStore(ctx.handle, { schema: budgetSchema, install: true });
      expect(await store.take(SCOPE, DAY, 25)).toBe(1);
      expect(await store.refusals(SCOPE, new Date(0))).toEqual([]);
    } finally {
      await ctx.db.exec(`DROP SCHEMA IF EXISTS "${budgetSchema}" CASCADE`);
    }
  });

  it('ECONNREFUSED is not charged to the shared budget either', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((r) => s.close(() => r()));
    const extractor = new AlphaVantageExtractor({
      apiKey: KEY,
      baseUrl: `http://127.0.0.1:${port}`,
      retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 },
      budgetStore: new PostgresBudgetStore(ctx.handle, { schema: ctx.schema }),
    });
    await expect(extractor.quote('IBM')).rejects.toMatchObject({ code: 'UPSTREAM', attempts: 3 });
    expect(await extractor.budget()).toMatchObject({ usedToday: 0, remainingToday: 25 });
  });

  it('healthCheck lists what the key was refused', async () => {
    const fake = await startFakeAlphaVantage({ plan: 'free', rateLimit: {} });
    try {
      const extractor = new AlphaVantageExtractor({
        apiKey: KEY,
        baseUrl: fake.url,
        budgetStore: new PostgresBudgetStore(ctx.handle, { schema: ctx.schema }),
      });
      const before = await healthCheck(ctx.handle, { schema: ctx.schema, extractor });
      expect(before.checks.find((c) => c.name === 'api-refusals')).toMatchObject({
        ok: true,
        detail: 'no premium refusals remembered',
      });
      await extractor.dailyAdjusted('IBM').catch(() => undefined);
      await extractor.daily('IBM', { outputsize: 'full' }).catch(() => undefined);
      // A new extractor (another process) reads them from the database.
      const later = new AlphaVantageExtractor({
        apiKey: KEY,
        baseUrl: fake.url,
        budgetStore: new PostgresBudgetStore(ctx.handle, { schema: ctx.schema }),
      });
      const after = await healthCheck(ctx.handle, { schema: ctx.schema, extractor: later });
      const check = after.checks.find((c) => c.name === 'api-refusals');
      expect(check?.ok).toBe(true);
      expect(check?.detail).toMatch(
        /refused as premium: TIME_SERIES_DAILY_ADJUSTED \(since .*\), TIME_SERIES_DAILY outputsize=full/,
      );
      expect(after.ok).toBe(true);
    } finally {
      await fake.close();
    }
  });
});
