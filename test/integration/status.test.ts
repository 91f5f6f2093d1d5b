import { expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/db/install';
import { getStatus, healthCheck } from '../../src/pipeline';
import { describeEachDb } from '../helpers/db';
import { TestClock } from '../helpers/pipeline';

// Thursday 2024-03-14 18:00 ET: the 14th's session has closed.
const clock = new TestClock(Date.parse('2024-03-14T22:00:00Z'));

describeEachDb('getStatus and healthCheck', (ctx) => {
  const seed = async () => {
    await ctx.db.exec(`
      INSERT INTO ${ctx.q}.etl_job_logs (dataset, symbol, status, started_at, heartbeat_at, finished_at, error_code, error_message)
      VALUES ('daily', 'IBM', 'success', '2024-03-14T21:00:00Z', '2024-03-14T21:00:01Z', '2024-03-14T21:00:01Z', NULL, NULL),
             ('daily', 'BAD', 'failed', '2024-03-14T21:01:00Z', '2024-03-14T21:01:00Z', '2024-03-14T21:01:00Z', 'INVALID_REQUEST', 'unknown symbol'),
             ('daily', 'OLD', 'success', '2024-03-10T21:00:00Z', '2024-03-10T21:00:00Z', '2024-03-10T21:00:00Z', NULL, NULL);
      INSERT INTO ${ctx.q}.etl_watermarks (symbol, dataset, last_point, last_success_at)
      VALUES ('IBM', 'daily', '2024-03-14', '2024-03-14T21:00:01Z'),
             ('IBM', 'intraday:5min', '2024-03-14T23:55:00.000Z', '2024-03-14T21:00:01Z');
      INSERT INTO ${ctx.q}.stock_prices (symbol, trade_date, open, high, low, close, volume)
      VALUES ('IBM', '2024-03-14', 1, 2, 1, 2, 10), ('IBM', '2024-03-13', 1, 2, 1, 2, 10);`);
  };

  it('reports jobs of the last 24 h, recent failures, freshness and table sizes', async () => {
    await seed();
    const s = await getStatus(ctx.handle, { schema: ctx.schema, clock });
    expect(s.schema).toBe(ctx.schema);
    expect(s.schemaVersion).toBe(SCHEMA_VERSION);
    expect(s.jobs24h).toEqual({ running: 0, success: 1, failed: 1 });
    expect(s.recentFailures).toEqual([
      expect.objectContaining({
        symbol: 'BAD',
        dataset: 'daily',
        errorCode: 'INVALID_REQUEST',
        errorMessage: 'unknown symbol',
      }),
    ]);
    expect(s.freshness.map((f) => `${f.symbol} ${f.dataset} ${f.lastPoint}`).sort()).toEqual([
      'IBM daily 2024-03-14',
      'IBM intraday:5min 2024-03-14T23:55:00.000Z',
    ]);
    expect(s.tables.find((t) => t.table === 'stock_prices')).toMatchObject({ rows: 2 });
    expect(s.tables.find((t) => t.table === 'stock_prices')?.bytes).toBeGreaterThan(0);
  });

  it('is healthy with fresh data and a budget left', async () => {
    await seed();
    const extractor = { budget: async () => ({ perDay: 25, usedToday: 3, remainingToday: 22 }) };
    const h = await healthCheck(ctx.handle, { schema: ctx.schema, clock, extractor });
    expect(h.checks.map((c) => `${c.name}:${c.ok}`)).toEqual([
      'database:true',
      'schema:true',
      'jobs:true',
      'freshness:true',
      'api-budget:true',
    ]);
    expect(h.ok).toBe(true);
  });

  it('flags stuck jobs, stale daily data and a spent budget', async () => {
    await seed();
    await ctx.db.exec(
      `INSERT INTO ${ctx.q}.etl_job_logs (dataset, symbol, status, started_at, heartbeat_at)
       VALUES ('intraday:1min', 'IBM', 'running', '2024-03-14T18:00:00Z', '2024-03-14T18:05:00Z')`,
    );
    // Three sessions later (Tuesday after the close) the stored 2024-03-14 bar is behind.
    const later = new TestClock(Date.parse('2024-03-19T21:30:00Z'));
    const extractor = { budget: async () => ({ perDay: 25, usedToday: 25, remainingToday: 0 }) };
    const h = await healthCheck(ctx.handle, { schema: ctx.schema, clock: later, extractor });
    expect(h.ok).toBe(false);
    const byName = Object.fromEntries(h.checks.map((c) => [c.name, c]));
    expect(byName.jobs).toMatchObject({ ok: false });
    expect(byName.jobs?.detail).toMatch(/1 job\(s\) running without a heartbeat/);
    expect(byName.freshness).toMatchObject({ ok: false });
    expect(byName.freshness?.detail).toMatch(/IBM daily at 2024-03-14/);
    expect(byName['api-budget']).toMatchObject({
      ok: false,
      detail: '0 of 25 requests left today',
    });
  });

  it('does not count a holiday weekend as staleness', async () => {
    await seed();
    // Saturday 2024-03-16: the latest closed session is Friday the 15th, one trading day after
    // the stored 14th — within the default lag of one trading day.
    const weekend = new TestClock(Date.parse('2024-03-16T15:00:00Z'));
    const h = await healthCheck(ctx.handle, { schema: ctx.schema, clock: weekend });
    expect(h.checks.find((c) => c.name === 'freshness')).toMatchObject({ ok: true });
  });

  it('reports a missing schema instead of throwing', async () => {
    const h = await healthCheck(ctx.handle, { schema: `${ctx.schema}_missing` });
    expect(h.ok).toBe(false);
    expect(h.checks).toEqual([
      { name: 'database', ok: true, detail: 'reachable' },
      expect.objectContaining({ name: 'schema', ok: false }),
    ]);
    expect(h.checks[1]?.detail).toMatch(/not installed: run installSchema/);
  });
});
