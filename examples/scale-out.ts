/**
 * Scaling out: a queue of jobs in PostgreSQL (pg-boss) and workers that share one API key's limits
 * through the same database. Here the two workers run in one process for brevity; in production
 * each is its own process or machine (`stock-etl worker`, or this `startWorker` call), all on one
 * DATABASE_URL:
 *
 *   enqueue ──► pg-boss queue (PostgreSQL) ──► worker 1 ─┐   PostgresRateLimit + PostgresBudgetStore
 *                                          └─► worker 2 ─┼─► (per second, minute, day: one key, one budget)
 *                                                        └─► Pipeline ──► stock_prices …, job log, ledger
 *
 * Needs PostgreSQL and pg-boss@10 (an optional peer dependency):
 *   DATABASE_URL=postgres://… npx tsx examples/scale-out.ts
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';
import {
  AlphaVantageExtractor,
  installSchema,
  PostgresBudgetStore,
  PostgresRateLimit,
} from 'stock-etl';
import { DEFAULT_QUEUES, enqueueBatch, startWorker } from 'stock-etl/queue';
import { startFakeAlphaVantage } from 'stock-etl/testing';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('examples/scale-out.ts needs DATABASE_URL (PostgreSQL)');
const suffix = randomBytes(4).toString('hex');
const schema = `example_scale_${suffix}`;
const fake = await startFakeAlphaVantage({ rateLimit: { perSecond: 5 } });
const pool = new pg.Pool({ connectionString: url });
const boss = new PgBoss({ connectionString: url, schema: `${schema}_queue` });
try {
  await installSchema(pool, { schema });
  await boss.start();
  const symbols = ['IBM', 'MSFT', 'AAPL', 'NVDA'];
  const queued = await enqueueBatch(boss, symbols, ['daily', 'weekly']);
  assert.equal(queued.queued, 8);

  // Every worker's extractor: the same key, with its limits and budget in the database.
  const extractor = () =>
    new AlphaVantageExtractor({
      apiKey: 'demo-key',
      baseUrl: fake.url,
      plan: 'premium-75',
      rateLimit: { perSecond: 5 },
      budgetStore: new PostgresBudgetStore(pool, { schema }),
      sharedRateLimit: new PostgresRateLimit(pool, { schema }),
    });
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    const onJobEnd = () => {
      if (++done === 8) resolve();
    };
    for (let i = 0; i < 2; i++) {
      void startWorker({
        boss,
        db: pool,
        extractor: extractor(),
        schema,
        concurrency: 2,
        pollingIntervalSeconds: 0.5,
        onJobEnd,
      });
    }
  });
  await finished;
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(DISTINCT symbol)::int AS n FROM ${schema}.stock_prices`,
  );
  assert.equal(rows[0]?.n, symbols.length);
  assert.equal(fake.stats().rateLimited, 0); // two workers, one key, never over its limit
  console.log(`${done} jobs on ${DEFAULT_QUEUES.jobs} done by 2 workers; 0 requests refused`);
  console.log('scale-out: ok');
} finally {
  await boss.stop({ graceful: true, wait: true });
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pool.query(`DROP SCHEMA IF EXISTS ${schema}_queue CASCADE`);
  await pool.end();
  await fake.close();
}
