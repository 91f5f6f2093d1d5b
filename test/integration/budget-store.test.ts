import { expect, it } from 'vitest';
import { hashApiKey } from '../../src/alpha-vantage/budget-store';
import { AlphaVantageExtractor } from '../../src/alpha-vantage/extractor';
import { ValidationError } from '../../src/errors';
import { PostgresBudgetStore } from '../../src/load/postgres-budget-store';
import { describeEachDb } from '../helpers/db';
import { startScriptServer } from '../helpers/http-script-server';

const KEY = 'INTEGRATIONKEY42';
const HASH = { keyHash: hashApiKey(KEY), origin: 'https://www.alphavantage.co' };

describeEachDb('PostgresBudgetStore', (ctx) => {
  it('takes atomically up to the limit, even when many takers race', async () => {
    const store = new PostgresBudgetStore(ctx.db, { schema: ctx.schema });
    const results = await Promise.all(
      Array.from({ length: 40 }, () => store.take(HASH, '2025-06-02', 25)),
    );
    const granted = results.filter((r) => r !== null);
    expect(granted).toHaveLength(25);
    expect([...granted].sort((a, b) => (a as number) - (b as number))).toEqual(
      Array.from({ length: 25 }, (_, i) => i + 1),
    );
    expect(await store.usage(HASH, '2025-06-02')).toEqual({ used: 25, exhausted: false });
    // Another day and another key have their own budgets.
    expect(await store.take(HASH, '2025-06-03', 25)).toBe(1);
    expect(await store.take({ ...HASH, keyHash: hashApiKey('OTHER') }, '2025-06-02', 25)).toBe(1);
    // …and so does the same key at another service origin.
    expect(await store.take({ ...HASH, origin: 'http://127.0.0.1:1' }, '2025-06-02', 25)).toBe(1);
  });

  it('no limit still counts; markExhausted stops takes for that day only', async () => {
    const store = new PostgresBudgetStore(ctx.db, { schema: ctx.schema });
    expect(await store.take(HASH, '2025-06-02', null)).toBe(1);
    expect(await store.take(HASH, '2025-06-02', null)).toBe(2);
    await store.markExhausted(HASH, '2025-06-02');
    expect(await store.take(HASH, '2025-06-02', null)).toBeNull();
    expect(await store.usage(HASH, '2025-06-02')).toEqual({ used: 2, exhausted: true });
    await store.markExhausted(HASH, '2025-06-04'); // no row yet: created exhausted
    expect(await store.take(HASH, '2025-06-04', 25)).toBeNull();
    expect(await store.usage(HASH, '2025-06-05')).toEqual({ used: 0, exhausted: false });
  });

  it('stores only the SHA-256 of the key', async () => {
    const store = new PostgresBudgetStore(ctx.db, { schema: ctx.schema });
    await store.take(HASH, '2025-06-02', 25);
    const { rows } = await ctx.db.query<{ key_hash: string }>(
      `SELECT key_hash FROM ${ctx.q}.api_usage`,
    );
    expect(rows).toEqual([{ key_hash: HASH.keyHash }]);
    expect(JSON.stringify(rows)).not.toContain(KEY);
  });

  it('two extractors (as two processes would) share one daily budget through the table', async () => {
    const server = await startScriptServer();
    server.setFallback({
      body: JSON.stringify({
        'Global Quote': {
          '01. symbol': 'IBM',
          '02. open': '1.0',
          '03. high': '1.0',
          '04. low': '1.0',
          '05. price': '1.0',
          '06. volume': '1',
          '07. latest trading day': '2025-06-02',
          '08. previous close': '1.0',
          '09. change': '0.0',
          '10. change percent': '0.0%',
        },
      }),
    });
    const make = () =>
      new AlphaVantageExtractor({
        apiKey: KEY,
        baseUrl: server.url,
        rateLimit: { perSecond: null, perDay: 5 },
        budgetStore: new PostgresBudgetStore(ctx.db, { schema: ctx.schema }),
      });
    const a = make();
    const b = make();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).quote('IBM')),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
    expect(
      outcomes
        .filter((o) => o.status === 'rejected')
        .map((o) => (o as PromiseRejectedResult).reason.code),
    ).toEqual(['DAILY_LIMIT', 'DAILY_LIMIT', 'DAILY_LIMIT']);
    expect(server.requests).toHaveLength(5);
    expect(await a.budget()).toMatchObject({ perDay: 5, usedToday: 5, remainingToday: 0 });
    await server.close();
  });

  it('rejects an unsafe schema name', () => {
    expect(() => new PostgresBudgetStore(ctx.db, { schema: 'x; DROP TABLE y' })).toThrow(
      ValidationError,
    );
  });
});
