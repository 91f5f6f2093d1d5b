/**
 * Reliability §1, upstream faults: the fake Alpha Vantage server misbehaves (HTTP 500/503 bursts,
 * answers slower than the client's timeout, connection resets, truncated bodies, seeded random
 * rate-limit notices, a daily-limit notice mid-batch, free-key premium refusals). The faulted run
 * never throws and fails only with typed errors; once the fault clears a rerun stores exactly the
 * ground truth, and the job logs tell the truth.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlphaVantageExtractorOptions } from '../../src/alpha-vantage/options';
import type { FakeAlphaVantage, FaultSpec } from '../../src/testing';
import {
  dropSchemas,
  expectGroundTruth,
  extractorOn,
  fakeServer,
  freshSchema,
  groundTruth,
  HAS_PG,
  jobLogTruth,
  KNOWN_CODES,
  pgPool,
  report,
  runWork,
  sized,
  snapshot,
  WORK,
  type Work,
} from './harness';

describe.runIf(HAS_PG)('upstream faults', () => {
  let pool: pg.Pool;
  let server: FakeAlphaVantage;
  const schemas: string[] = [];
  beforeAll(async () => {
    pool = pgPool();
    server = await fakeServer();
  });
  afterAll(async () => {
    await dropSchemas(pool, schemas);
    await server.close();
    await pool.end();
  });

  /**
   * Runs `work` once with `faults` queued (or against `faulty`), checks it failed only with typed
   * errors, reruns it with the fault gone, and compares with the ground truth.
   */
  async function faultThenConverge(
    label: string,
    faults: FaultSpec[],
    options: {
      work?: Work;
      extractor?: Partial<AlphaVantageExtractorOptions>;
      faulty?: FakeAlphaVantage;
    } = {},
  ) {
    const work = options.work ?? WORK;
    const truth = await groundTruth(pool, work, schemas);
    const schema = await freshSchema(pool, label, schemas);
    server.reset();
    for (const f of faults) server.inject(f);
    const first = await runWork(
      {
        db: pool,
        schema,
        extractor: extractorOn(options.faulty ?? server, options.extractor),
      },
      work,
    );
    for (const job of first.batch.jobs) {
      if (job.status === 'failed') expect(KNOWN_CODES.has(job.error?.code ?? '')).toBe(true);
    }
    const fired = (options.faulty ?? server).stats().faults;
    expect(fired, 'the fault fired').toBeGreaterThan(0);
    const afterFault = await jobLogTruth(pool, schema);
    expect(afterFault.running).toBe(0);
    server.reset();
    const rerun = await runWork({ db: pool, schema, extractor: extractorOn(server) }, work);
    expect(rerun.batch.failed).toBe(0);
    await expectGroundTruth(pool, schema, truth);
    report({
      ghost_running_jobs: 0,
      summary: `${fired} faults served; first run ${first.batch.succeeded}/${first.batch.jobs.length} ok (${first.batch.totals.apiCalls} calls), rerun converged`,
    });
    return first;
  }

  it('HTTP 500/503 bursts', async () => {
    const burst = sized(5, 8);
    const first = await faultThenConverge('http5xx', [
      { kind: 'http-500', times: burst, match: { symbol: 'IBM' } },
      { kind: 'http-503', times: burst, match: { symbol: 'MSFT' } },
    ]);
    // A burst longer than the retries fails those jobs, typed, and only those.
    for (const job of first.batch.jobs.filter((j) => j.status === 'failed')) {
      expect(['IBM', 'MSFT']).toContain(job.symbol);
      expect(job.error?.code).toBe('UPSTREAM');
    }
  });

  it('answers slower than the client timeout', async () => {
    await faultThenConverge(
      'timeout',
      [{ kind: 'delay', delayMs: 3000, times: 4, match: { symbol: 'AAPL' } }],
      { extractor: { timeoutMs: 1000, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 } } },
    );
  });

  it('connection resets', async () => {
    await faultThenConverge('reset', [{ kind: 'reset', times: sized(4, 10) }]);
  });

  it('truncated bodies', async () => {
    await faultThenConverge('truncate', [{ kind: 'truncate', times: sized(4, 6) }]);
  });

  it('seeded random rate-limit notices', async () => {
    for (const seed of sized([2], [2, 3, 4, 5, 6])) {
      const faulty = await fakeServer({
        faults: {
          seed,
          probability: { 'rate-limit-note': 0.3, 'rate-limit-information': 0.2, burst: 0.1 },
        },
      });
      try {
        await faultThenConverge(`ratelimit_${seed}`, [], { faulty });
      } finally {
        await faulty.close();
      }
    }
  });

  it('a daily-limit notice mid-batch: the batch stops spending, a later run finishes', async () => {
    const work: Work = { symbols: ['IBM', 'MSFT', 'AAPL', 'GOOG'], datasets: ['daily'] };
    const truth = await groundTruth(pool, work, schemas);
    const schema = await freshSchema(pool, 'dailylimit', schemas);
    server.reset();
    server.inject({ kind: 'daily-limit', match: { symbol: 'MSFT' } });
    const extractor = extractorOn(server);
    // One job at a time, so the order is known: IBM, then MSFT (the notice), then the rest.
    const first = await runWork({ db: pool, schema, extractor, concurrency: 1 }, work);
    const bySymbol = Object.fromEntries(first.batch.jobs.map((j) => [j.symbol, j]));
    expect(
      bySymbol.IBM?.status,
      JSON.stringify(first.batch.jobs.map((j) => [j.symbol, j.status, j.error, j.apiCalls])),
    ).toBe('success');
    for (const s of ['MSFT', 'AAPL', 'GOOG']) {
      expect(bySymbol[s]?.error?.code, s).toBe('DAILY_LIMIT');
    }
    // Nothing was asked after the notice.
    expect(server.requestCount({ symbol: 'AAPL' }) + server.requestCount({ symbol: 'GOOG' })).toBe(
      0,
    );
    const logs = await jobLogTruth(pool, schema);
    expect(logs.byStatus['failed:DAILY_LIMIT']).toBe(3);
    // The next day (the mark cleared): a later run finishes the rest.
    await extractor.clearDailyLimit();
    server.reset();
    const later = await runWork({ db: pool, schema, extractor }, work);
    expect(later.batch.failed).toBe(0);
    await expectGroundTruth(pool, schema, truth);
    report({ ghost_running_jobs: 0, summary: '3 jobs DAILY_LIMIT, 0 requests after the notice' });
  });

  it('free-key premium refusals: falls back and converges to what a free key gets', async () => {
    const work: Work = { symbols: ['IBM', 'MSFT'], datasets: ['daily'] };
    const free = await fakeServer({ plan: 'free', rateLimit: {} });
    try {
      // Truth: a client that knows its key is free. Test: one that believes it is premium.
      const truthSchema = await freshSchema(pool, 'free_truth', schemas);
      const honest = await runWork(
        { db: pool, schema: truthSchema, extractor: extractorOn(free, { plan: 'free' }) },
        work,
      );
      expect(honest.batch.failed).toBe(0);
      const truth = await snapshot(pool, truthSchema);
      free.reset();
      const schema = await freshSchema(pool, 'free_premium', schemas);
      const first = await runWork({ db: pool, schema, extractor: extractorOn(free) }, work);
      const refused = free.stats().rejected;
      expect(refused, 'the premium refusal happened').toBeGreaterThan(0);
      for (const job of first.batch.jobs) {
        if (job.status === 'failed') expect(KNOWN_CODES.has(job.error?.code ?? '')).toBe(true);
      }
      const rerun = await runWork({ db: pool, schema, extractor: extractorOn(free) }, work);
      expect(rerun.batch.failed).toBe(0);
      await expectGroundTruth(pool, schema, truth);
      report({
        ghost_running_jobs: 0,
        summary: `${refused} premium refusals; premium-believing key: ${first.batch.succeeded}/2 first run, converged`,
      });
    } finally {
      await free.close();
    }
  });
});
