/**
 * Issue 10, items 5 and 9, with real processes: a pipeline process SIGKILLed at seeded random
 * points leaves no ghost — the next `status` and `health` report its jobs as dead at once, the
 * next run marks them failed (STALE) and loads exactly what an uninterrupted run loads — and two
 * processes running the same backfill fetch each month once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlphaVantageExtractor } from '../../src/alpha-vantage/extractor';
import { toDb } from '../../src/db/adapters';
import { createEmbeddedDb } from '../../src/db/embedded';
import { installSchema } from '../../src/db/install';
import type { Db, DbHandle } from '../../src/db/types';
import { getStatus, healthCheck, Pipeline } from '../../src/pipeline';
import { type FakeAlphaVantage, startFakeAlphaVantage } from '../../src/testing';
import { Prng } from '../../src/testing/prng';
import { uniqueSchema } from '../helpers/db';
import { waitFor } from '../helpers/jobs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('../helpers/pipeline-child.ts', import.meta.url));
const WORK = [
  {
    batch: [
      ['IBM', 'MSFT', 'AAPL'],
      ['daily', 'intraday:5min'],
    ],
  },
  { backfill: ['IBM', '5min', '2024-01', '2024-06'] },
];
/** Less of the same, for the embedded database (slower to load into). */
const SMALL_WORK = [
  { batch: [['IBM', 'MSFT'], ['daily']] },
  { backfill: ['IBM', '5min', '2024-01', '2024-03'] },
];

// Market data frozen in time, so an interrupted run and the reference see the same bars.
let server: FakeAlphaVantage;
beforeAll(async () => {
  server = await startFakeAlphaVantage({ now: () => new Date('2024-07-15T21:00:00Z') });
});
afterAll(async () => {
  await server.close();
});

interface Child {
  events: Record<string, unknown>[];
  exited: Promise<number | null>;
  process: ChildProcess;
}

function startChild(env: Record<string, string>, work: unknown = WORK): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: { ...process.env, ...env, CHILD_AV_URL: server.url, CHILD_WORK: JSON.stringify(work) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: Record<string, unknown>[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { events, exited, process: child };
}

/** Runs a child to its end and returns its events; it must finish cleanly. */
async function runChild(env: Record<string, string>, work?: unknown) {
  const child = startChild(env, work);
  expect(await child.exited).toBe(0);
  expect(child.events.at(-1)).toEqual({ event: 'done' });
  return child.events;
}

/** Starts a child and SIGKILLs it after its `afterEvents`-th event and `delayMs` more. */
async function killChild(
  env: Record<string, string>,
  afterEvents: number,
  delayMs: number,
  work: unknown = WORK,
) {
  const child = startChild(env, work);
  let ended = false;
  void child.exited.then(() => {
    ended = true;
  });
  await waitFor(async () => ended || child.events.length >= afterEvents, 120_000);
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.process.kill('SIGKILL');
  await child.exited;
  for (const e of child.events) expect(e.event).not.toBe('crash');
}

/** What a run loaded, as fingerprints to compare with the uninterrupted reference. */
async function fingerprint(db: Db, q: string) {
  const { rows } = await db.query<Record<string, string>>(
    `SELECT
       (SELECT md5(string_agg(concat_ws(',', symbol, trade_date, open, high, low, close, volume), ';' ORDER BY symbol, trade_date)) FROM ${q}.stock_prices) AS daily,
       (SELECT md5(string_agg(concat_ws(',', symbol, interval, ts, open, high, low, close, volume), ';' ORDER BY symbol, interval, ts)) FROM ${q}.stock_prices_intraday) AS intraday,
       (SELECT count(*)::text FROM ${q}.stock_prices_intraday) AS intraday_rows,
       (SELECT string_agg(concat_ws(',', symbol, dataset, month, rows_loaded), ';' ORDER BY symbol, dataset, month) FROM ${q}.etl_backfill_ledger) AS ledger,
       (SELECT string_agg(concat_ws(',', symbol, dataset, last_point), ';' ORDER BY symbol, dataset) FROM ${q}.etl_watermarks) AS watermarks`,
  );
  return rows[0];
}

/** The uninterrupted run of `WORK` (or `SMALL_WORK`), in this process, into a schema of its own. */
async function reference(handle: DbHandle, schema: string, small = false) {
  await installSchema(handle, { schema });
  const pipeline = new Pipeline({
    db: handle,
    schema,
    extractor: new AlphaVantageExtractor({
      apiKey: 'REFERENCE-KEY-0123456789',
      baseUrl: server.url,
      plan: 'premium-1200',
      rateLimit: { perSecond: null, perMinute: null, perDay: null },
    }),
  });
  const batch = small
    ? await pipeline.runBatch(['IBM', 'MSFT'], ['daily'])
    : await pipeline.runBatch(['IBM', 'MSFT', 'AAPL'], ['daily', 'intraday:5min']);
  expect(batch.failed).toBe(0);
  const backfill = await pipeline.backfillIntraday('IBM', {
    interval: '5min',
    from: '2024-01',
    to: small ? '2024-03' : '2024-06',
  });
  expect(backfill.status).toBe('success');
  return fingerprint(toDb(handle), `"${schema}"`);
}

/** After a kill: nothing shows as running, every row still `running` is reported dead. */
async function expectNoGhost(handle: DbHandle, schema: string): Promise<number> {
  const running = await toDb(handle).query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "${schema}".etl_job_logs WHERE status = 'running'`,
  );
  const left = running.rows[0]?.n ?? 0;
  const status = await getStatus(handle, { schema });
  expect(status.jobs24h.running).toBe(0);
  expect(status.deadJobs).toBe(left);
  const health = await healthCheck(handle, { schema });
  expect(health.checks.find((c) => c.name === 'jobs')?.ok).toBe(left === 0);
  return left;
}

/** The run after the kills: it marks the dead jobs failed first, then loads everything. */
async function finishAndCompare(
  env: Record<string, string>,
  dead: number,
  open: () => Promise<{ handle: DbHandle; close: () => Promise<void> }>,
  schema: string,
  expected: Record<string, string> | undefined,
  work: unknown = WORK,
) {
  const events = await runChild(env, work);
  const swept = events
    .filter((e) => e.event === 'jobs:stale')
    .reduce((n, e) => n + Number(e.count), 0);
  expect(swept).toBe(dead);
  expect(events.filter((e) => e.event === 'job:error')).toEqual([]);
  const { handle, close } = await open();
  try {
    const db = toDb(handle);
    const { rows } = await db.query<{ status: string; error_code: string | null; n: number }>(
      `SELECT status, error_code, count(*)::int AS n FROM "${schema}".etl_job_logs
        GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    for (const r of rows) {
      expect(r.status === 'success' || (r.status === 'failed' && r.error_code === 'STALE')).toBe(
        true,
      );
    }
    expect(await fingerprint(db, `"${schema}"`)).toEqual(expected);
  } finally {
    await close();
  }
}

describe.runIf(process.env.DATABASE_URL)('SIGKILLed pipeline processes [pg]', () => {
  let pool: pg.Pool;
  let expected: Record<string, string> | undefined;
  const schemas: string[] = [];
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
    const schema = uniqueSchema('kill_reference');
    schemas.push(schema);
    expected = await reference(pool, schema);
  });
  afterAll(async () => {
    for (const s of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await pool.end();
  });

  /** A child's environment: its own schema and an application_name to find its backends by. */
  const childEnv = (schema: string) => {
    const app = `stock_etl_kill_${randomBytes(4).toString('hex')}`;
    const url = new URL(process.env.DATABASE_URL as string);
    url.searchParams.set('application_name', app);
    return { app, env: { CHILD_DB: 'pg', CHILD_SCHEMA: schema, DATABASE_URL: url.toString() } };
  };
  /** The server notices a killed client's connections within moments; wait for that. */
  const backendsGone = (app: string) =>
    waitFor(async () => {
      const { rows } = await pool.query(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [app],
      );
      return rows[0].n === 0;
    });

  for (const seed of [1, 2, 3]) {
    it(`leaves no ghost after kills at random points (seed ${seed})`, async () => {
      const schema = uniqueSchema(`kill_${seed}`);
      schemas.push(schema);
      const prng = new Prng(seed);
      let dead = 0;
      for (let kill = 0; kill < 2; kill++) {
        const { app, env } = childEnv(schema);
        await killChild(env, 1 + Math.floor(prng.next() * 16), Math.floor(prng.next() * 40));
        await backendsGone(app);
        // Each run's first job marks what the previous kill left dead: what is left now is what
        // the last kill left (plus earlier leftovers if this child died before its first job).
        dead = await expectNoGhost(pool, schema);
      }
      await finishAndCompare(
        childEnv(schema).env,
        dead,
        async () => ({ handle: pool, close: async () => {} }),
        schema,
        expected,
      );
    });
  }

  it('two processes running the same backfill fetch each month once', async () => {
    const schema = uniqueSchema('two_processes');
    schemas.push(schema);
    await installSchema(pool, { schema });
    server.reset();
    const work = [{ backfill: ['AAPL', '5min', '2024-01', '2024-06'] }];
    const [a, b] = await Promise.all([
      runChild(childEnv(schema).env, work),
      runChild(childEnv(schema).env, work),
    ]);
    const calls = [a, b].map((events) =>
      Number(events.find((e) => e.event === 'backfill')?.apiCalls),
    );
    expect(calls.reduce((n, c) => n + c, 0)).toBe(6);
    expect(server.requestCount({ function: 'TIME_SERIES_INTRADAY', symbol: 'AAPL' })).toBe(6);
    const ledger = await pool.query(
      `SELECT count(*)::int AS n FROM "${schema}".etl_backfill_ledger`,
    );
    expect(ledger.rows[0].n).toBe(6);
  });
});

describe('a SIGKILLed pipeline process on the embedded database [pglite]', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stock-etl-kill-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('leaves no ghost: the next process finds every running job dead and finishes exactly', async () => {
    const schema = 'stock_etl';
    const open = async () => {
      const db = await createEmbeddedDb({ dataDir });
      return { handle: db, close: () => db.close() };
    };
    const memory = await createEmbeddedDb();
    let expected: Record<string, string> | undefined;
    try {
      expected = await reference(memory, schema, true);
    } finally {
      await memory.close();
    }
    const env = { CHILD_DB: dataDir, CHILD_SCHEMA: schema };
    const prng = new Prng(7);
    await killChild(env, 2 + Math.floor(prng.next() * 6), Math.floor(prng.next() * 40), SMALL_WORK);
    const { handle, close } = await open();
    let dead: number;
    try {
      dead = await expectNoGhost(handle, schema);
    } finally {
      await close();
    }
    await finishAndCompare(env, dead, open, schema, expected, SMALL_WORK);
  });
});
