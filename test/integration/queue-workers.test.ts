/**
 * Scale-out: three `stock-etl worker` processes share one queue (pg-boss) and one premium key
 * (the shared rate limit in PostgreSQL) against the fake Alpha Vantage at the key's per-second
 * and per-minute limits. Every job runs once, the server never refuses a request, and the tables
 * equal a single-process reference run; a worker killed mid-job loses nothing.
 */

import pg from 'pg';
import PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlphaVantageExtractor } from '../../src/alpha-vantage/extractor';
import { installSchema } from '../../src/db/install';
import { Pipeline } from '../../src/pipeline/pipeline';
import { createQueues, DEFAULT_QUEUES } from '../../src/queue/queues';
import { type FakeAlphaVantage, PLAN_LIMITS, startFakeAlphaVantage } from '../../src/testing';
import { jsonLines, runCli } from '../helpers/cli';
import { uniqueSchema } from '../helpers/db';
import { spawnWorker, type WorkerChild, waitFor } from '../helpers/workers';

const url = process.env.DATABASE_URL;
const SYMBOLS = Array.from({ length: 30 }, (_, i) => `SC${String.fromCharCode(65 + (i % 26))}${i}`);
const DATASETS = ['daily', 'weekly'] as const;

describe.skipIf(!url)('scale-out: worker processes on one queue and one key', () => {
  const schema = uniqueSchema('scaleout');
  const ref = `${schema}_ref`;
  const bossSchema = `${schema}_boss`;
  let pool: pg.Pool;
  let fake: FakeAlphaVantage;
  let boss: PgBoss;
  let env: NodeJS.ProcessEnv;
  const workers: WorkerChild[] = [];

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: url, max: 4 });
    fake = await startFakeAlphaVantage({
      keys: {
        WORKERKEY: { plan: 'premium-75', ...PLAN_LIMITS['premium-75'] },
        REFERENCEKEY: { plan: 'premium-1200' },
      },
    });
    await installSchema(pool, { schema });
    await installSchema(pool, { schema: ref });
    // Short expiry and retry delay so a killed worker's job comes back within seconds (the expiry
    // must still exceed the slowest job on a loaded machine, or pg-boss retries a live one).
    boss = new PgBoss({ connectionString: url, schema: bossSchema, max: 2, supervise: false });
    boss.on('error', () => {});
    await boss.start();
    await createQueues(boss, DEFAULT_QUEUES, { expireInSeconds: 20, retryDelay: 1, retryLimit: 3 });
    env = {
      DATABASE_URL: url,
      ALPHA_VANTAGE_API_KEY: 'WORKERKEY',
      ALPHA_VANTAGE_BASE_URL: fake.url,
      ALPHA_VANTAGE_PLAN: 'premium-75',
      STOCK_ETL_SCHEMA: schema,
      STOCK_ETL_BUDGET_SCHEMA: schema,
      STOCK_ETL_QUEUE_SCHEMA: bossSchema,
      STOCK_ETL_QUEUE_MAINTENANCE_SECONDS: '1',
    };
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await boss?.stop({ graceful: false, wait: true });
    await fake?.close();
    for (const s of [schema, ref, bossSchema])
      await pool.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await pool.end();
  });

  const jobStates = async () =>
    (
      await pool.query<{ key: string; state: string; retries: number }>(
        `SELECT singleton_key AS key, state::text, retry_count AS retries FROM ${bossSchema}.job
          WHERE name = $1 ORDER BY singleton_key`,
        [DEFAULT_QUEUES.jobs],
      )
    ).rows;

  // The fake's bar of the current day (and week) moves with the clock: compare settled bars.
  const DATE = { stock_prices: 'trade_date', stock_prices_weekly: 'period_start' } as const;
  const table = async (s: string, name: keyof typeof DATE, symbols?: string[]) =>
    (
      await pool.query(
        `SELECT * FROM ${s}.${name} WHERE ${DATE[name]} < current_date - 7
            ${symbols ? 'AND symbol = ANY($1)' : ''} ORDER BY 1, 2`,
        symbols ? [symbols] : [],
      )
    ).rows.map((r) => JSON.stringify({ ...r, updated_at: undefined, created_at: undefined }));

  const reference = async (symbols: string[]) => {
    const extractor = new AlphaVantageExtractor({
      apiKey: 'REFERENCEKEY',
      baseUrl: fake.url,
      plan: 'premium-75',
    });
    await new Pipeline({ db: pool, extractor, schema: ref }).runBatch(symbols, [...DATASETS]);
  };

  it('enqueue queues each (symbol, dataset) once while it is pending', async () => {
    const args = ['enqueue', ...SYMBOLS, '--dataset', 'daily', '--dataset', 'weekly', '--json'];
    const first = await runCli(args, { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(jsonLines(first.stdout)[0]).toMatchObject({ queued: 60, alreadyQueued: 0 });
    const again = await runCli(args, { env });
    expect(jsonLines(again.stdout)[0]).toMatchObject({ queued: 0, alreadyQueued: 60 });
  }, 60_000);

  it('3 workers run every job exactly once, never refused by the server; tables exact', async () => {
    for (let i = 0; i < 3; i++) {
      workers.push(spawnWorker(['--concurrency', '2', '--poll-interval', '0.5'], env));
    }
    const referenceRun = reference(SYMBOLS);
    await waitFor(
      'the 60 jobs',
      async () => (await jobStates()).filter((j) => j.state === 'completed').length === 60,
      90_000,
    );
    await referenceRun;
    const states = await jobStates();
    expect(states).toHaveLength(60);
    expect(states.filter((j) => j.state !== 'completed' || j.retries !== 0)).toEqual([]);
    // Each job ran once: one job log per (symbol, dataset), all successful.
    const logs = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${schema}.etl_job_logs GROUP BY symbol, dataset, status`,
    );
    expect(logs.rows).toHaveLength(60);
    expect(logs.rows.every((r) => r.n === 1)).toBe(true);
    const ends = workers.flatMap((w) => w.events.filter((e) => e.event === 'job:end'));
    expect(ends).toHaveLength(60);
    expect(ends.every((e) => e.outcome === 'done')).toBe(true);
    // Every worker took part, and together they never went over the key's limits.
    expect(workers.every((w) => w.events.some((e) => e.event === 'job:end'))).toBe(true);
    expect(fake.stats().rateLimited).toBe(0);
    for (const t of ['stock_prices', 'stock_prices_weekly'] as const) {
      const got = await table(schema, t);
      expect(got.length).toBeGreaterThan(0);
      expect(got).toEqual(await table(ref, t));
    }
  }, 120_000);

  it('a worker killed mid-job: another one picks its job up and finishes it; nothing twice', async () => {
    fake.inject({ kind: 'delay', delayMs: 30_000, match: { symbol: 'SLOWX' } });
    const sent = await runCli(['enqueue', 'SLOWX', '--json'], { env });
    expect(sent.code).toBe(0);
    await waitFor('SLOWX to reach the server', () => fake.requestCount({ symbol: 'SLOWX' }) === 1);
    const victim = workers.find((w) =>
      w.events.some(
        (e) => e.event === 'job:start' && (e.data as { symbol: string }).symbol === 'SLOWX',
      ),
    ) as WorkerChild;
    victim.child.kill('SIGKILL');
    await victim.exited;
    const survivors = workers.filter((w) => w !== victim);
    await waitFor(
      'SLOWX done by another worker',
      async () => (await jobStates()).find((j) => j.key === 'SLOWX daily')?.state === 'completed',
      60_000,
    );
    const job = (await jobStates()).find((j) => j.key === 'SLOWX daily');
    expect(job).toMatchObject({ state: 'completed', retries: 1 });
    const done = survivors.flatMap((w) =>
      w.events.filter(
        (e) => e.event === 'job:end' && (e.data as { symbol: string }).symbol === 'SLOWX',
      ),
    );
    expect(done.map((e) => e.outcome)).toEqual(['done']);
    const success = await pool.query(
      `SELECT id FROM ${schema}.etl_job_logs WHERE symbol = 'SLOWX' AND status = 'success'`,
    );
    expect(success.rows).toHaveLength(1);
    await reference(['SLOWX']);
    for (const t of ['stock_prices'] as const) {
      expect(await table(schema, t, ['SLOWX'])).toEqual(await table(ref, t, ['SLOWX']));
    }
    expect(fake.stats().rateLimited).toBe(0);
    // SIGTERM: the survivors stop gracefully.
    for (const w of survivors) w.child.kill('SIGTERM');
    expect(await Promise.all(survivors.map((w) => w.exited))).toEqual([0, 0]);
  }, 120_000);
});
