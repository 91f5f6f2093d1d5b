/**
 * Issue 10, item 9: the same work is never done twice. A batch normalises and de-duplicates its
 * pairs; identical jobs in flight (this process or another) wait for each other, and the waiter
 * finds the work done with no request.
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { AlphaVantageExtractor } from '../../src/alpha-vantage/extractor';
import { systemClock } from '../../src/clock';
import type { DbHandle } from '../../src/db/types';
import { type BackfillResult, Pipeline, type PipelineExtractor } from '../../src/pipeline';
import { type FakeAlphaVantage, startFakeAlphaVantage } from '../../src/testing';
import { describeEachDb } from '../helpers/db';
import { gated } from '../helpers/jobs';
import { extractorFor, fakeServerFor, TestClock } from '../helpers/pipeline';

const clock = new TestClock(Date.parse('2024-03-15T21:00:00Z'));
let server: FakeAlphaVantage;
/** A second fake whose market "now" is the real time, for backfills on the system clock. */
let live: FakeAlphaVantage;
beforeAll(async () => {
  server = await fakeServerFor(clock);
  live = await startFakeAlphaVantage();
});
afterAll(async () => {
  await server.close();
  await live.close();
});
beforeEach(() => {
  clock.set('2024-03-15T21:00:00Z');
  server.reset();
  live.reset();
});

describeEachDb('duplicate work', (ctx) => {
  const pipelineWith = (extractor: PipelineExtractor = extractorFor(server)) =>
    new Pipeline({ db: ctx.handle, schema: ctx.schema, extractor, clock });
  const count = async (table: string) =>
    (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ctx.q}.${table}`)).rows[0]
      ?.n;

  it('runs a batch pair once however often it is given, and says so for every input', async () => {
    const batch = await pipelineWith().runBatch(['IBM', 'ibm', ' IBM '], ['quote', 'quote']);
    expect(batch.jobs).toHaveLength(1);
    expect(batch.jobs[0]).toMatchObject({ symbol: 'IBM', dataset: 'quote', status: 'success' });
    expect(batch).toMatchObject({ succeeded: 1, failed: 0, totals: { apiCalls: 1, inserted: 1 } });
    expect(batch.inputs.map((i) => [i.symbol, i.dataset, i.job, i.duplicate])).toEqual([
      ['IBM', 'quote', 0, false],
      ['IBM', 'quote', 0, true],
      ['ibm', 'quote', 0, true],
      ['ibm', 'quote', 0, true],
      [' IBM ', 'quote', 0, true],
      [' IBM ', 'quote', 0, true],
    ]);
    expect(server.requestCount({ function: 'GLOBAL_QUOTE' })).toBe(1);
    expect(await count('stock_quotes')).toBe(1);
    expect(await count('etl_job_logs')).toBe(1);
  });

  it('keeps one failed job per distinct bad input, next to the good ones', async () => {
    const batch = await pipelineWith().runBatch(['b@d', 'MSFT', 'b@d', 'msft'], ['daily']);
    expect(batch.jobs.map((j) => [j.symbol, j.status, j.error?.code])).toEqual([
      ['b@d', 'failed', 'VALIDATION'],
      ['MSFT', 'success', undefined],
    ]);
    expect(batch.inputs.map((i) => [i.job, i.duplicate])).toEqual([
      [0, false],
      [1, false],
      [0, true],
      [1, true],
    ]);
    expect(server.requestCount({ function: 'TIME_SERIES_DAILY' })).toBe(1);
  });

  it('lets identical jobs in flight wait, and serves the last one from the fetch it waited for', async () => {
    const gate = gated(extractorFor(server), 'daily');
    const first = pipelineWith(gate.extractor).run('IBM', 'daily');
    await gate.reached;
    // Two more callers ask for the same job while the first is fetching: its data may predate
    // them, so one of them fetches again — and that fetch, started after both asked, serves both.
    const waits: string[] = [];
    const second = pipelineWith();
    const third = pipelineWith();
    for (const [name, p] of [
      ['second', second],
      ['third', third],
    ] as const) {
      p.on('job:wait', () => waits.push(name));
    }
    const later = [second.run('IBM', 'daily'), third.run('IBM', 'daily')];
    const waiting = async () => {
      while (waits.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await waiting();
    gate.open();
    const [a, b, c] = await Promise.all([first, ...later]);
    expect(a).toMatchObject({ status: 'success', apiCalls: 1 });
    expect(b).toMatchObject({ status: 'success', apiCalls: 1 });
    expect(b?.coveredBy).toBeUndefined();
    expect(c).toMatchObject({ status: 'success', apiCalls: 0, inserted: 0, coveredBy: b?.jobId });
    expect(server.requestCount({ function: 'TIME_SERIES_DAILY' })).toBe(2);
    const { rows } = await ctx.db.query<{ details: { coveredBy?: number } | null }>(
      `SELECT details FROM ${ctx.q}.etl_job_logs WHERE id = $1`,
      [c?.jobId],
    );
    expect(rows[0]?.details?.coveredBy).toBe(b?.jobId);
  });

  it('does not let an identical job that fetched before the request serve it', async () => {
    await pipelineWith().run('IBM', 'daily');
    const again = await pipelineWith().run('IBM', 'daily');
    expect(again).toMatchObject({ status: 'success', apiCalls: 1 });
    expect(again.coveredBy).toBeUndefined();
  });

  it('fetches each month once when the same backfill runs twice at once', async () => {
    // On PostgreSQL the two pipelines use pools of their own (two sessions, as two processes
    // would); PGlite is single-process, so two pipelines on the one instance.
    const pools =
      ctx.target === 'pg'
        ? [1, 2].map(() => new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 3 }))
        : [];
    const handles: DbHandle[] = pools.length ? pools : [ctx.handle, ctx.handle];
    try {
      const backfill = (db: DbHandle) =>
        new Pipeline({
          db,
          schema: ctx.schema,
          clock: systemClock,
          extractor: new AlphaVantageExtractor({
            apiKey: 'TESTKEY-0123456789',
            baseUrl: live.url,
            plan: 'premium-1200',
            rateLimit: { perSecond: null, perMinute: null, perDay: null },
          }),
        }).backfillIntraday('AAPL', { interval: '5min', from: '2024-01', to: '2024-12' });
      const results: BackfillResult[] = await Promise.all(handles.map(backfill));
      expect(results.map((r) => r.status)).toEqual(['success', 'success']);
      expect(live.requestCount({ function: 'TIME_SERIES_INTRADAY' })).toBe(12);
      expect(results.reduce((n, r) => n + r.apiCalls, 0)).toBe(12);
      // Every month loaded by exactly one of them, skipped by the other; rows stored once.
      const loadedBy = (month: string) =>
        results.filter((r) => r.months.find((m) => m.month === month)?.status === 'loaded').length;
      const months = results[0]?.months.map((m) => m.month) ?? [];
      expect(months).toHaveLength(12);
      expect(months.map(loadedBy)).toEqual(months.map(() => 1));
      const inserted = results.reduce((n, r) => n + r.inserted, 0);
      const extracted = results.reduce((n, r) => n + r.extracted, 0);
      expect(inserted).toBe(extracted);
      expect(inserted).toBeGreaterThan(12 * 3000);
      expect(await count('stock_prices_intraday')).toBe(inserted);
      expect(await count('etl_backfill_ledger')).toBe(12);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});
