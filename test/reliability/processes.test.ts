/**
 * Reliability §3 and §4, real processes (test/helpers/pipeline-child.ts) on the real server:
 * SIGKILL at seeded random points of a backfill and of a batch (no ghost `running` job after any
 * kill, the rerun marks the orphans STALE and converges), the same batch by 4 processes at once,
 * concurrent installSchema from 4 connections, a backfill and a daily run of one symbol at once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installSchema, SCHEMA_VERSION } from '../../src/db/install';
import { getStatus } from '../../src/pipeline';
import type { FakeAlphaVantage } from '../../src/testing';
import { Prng } from '../../src/testing/prng';
import { uniqueSchema } from '../helpers/db';
import { waitFor } from '../helpers/jobs';
import {
  dropSchemas,
  expectGroundTruth,
  fakeServer,
  freshSchema,
  groundTruth,
  HAS_PG,
  jobLogTruth,
  pgPool,
  report,
  sized,
  type Work,
} from './harness';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('../helpers/pipeline-child.ts', import.meta.url));

type ChildWork = { batch: [string[], string[]] } | { backfill: [string, string, string, string] };

const BATCH: Work = { symbols: ['IBM', 'MSFT', 'AAPL'], datasets: ['daily', 'intraday:5min'] };
const BACKFILL: Work = {
  symbols: [],
  datasets: [],
  backfill: { symbol: 'IBM', from: '2024-01', to: '2024-06' },
};
const toChild = (w: Work): ChildWork[] => [
  ...(w.symbols.length ? [{ batch: [w.symbols, w.datasets] as [string[], string[]] }] : []),
  ...(w.backfill
    ? [
        {
          backfill: ['IBM', '5min', w.backfill.from, w.backfill.to] as [
            string,
            string,
            string,
            string,
          ],
        },
      ]
    : []),
];

interface Child {
  events: Record<string, unknown>[];
  exited: Promise<number | null>;
  process: ChildProcess;
  stderr: () => string;
}

describe.runIf(HAS_PG)('processes: kills and concurrency', () => {
  let admin: pg.Pool;
  let server: FakeAlphaVantage;
  const schemas: string[] = [];
  beforeAll(async () => {
    admin = pgPool(undefined, 6);
    server = await fakeServer();
  });
  afterAll(async () => {
    await dropSchemas(admin, schemas);
    await server.close();
    await admin.end();
  });

  function start(schema: string, work: ChildWork[], app = appName()): Child {
    const url = new URL(process.env.DATABASE_URL as string);
    url.searchParams.set('application_name', app);
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: url.toString(),
        CHILD_DB: 'pg',
        CHILD_SCHEMA: schema,
        CHILD_AV_URL: server.url,
        CHILD_WORK: JSON.stringify(work),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const events: Record<string, unknown>[] = [];
    let buffered = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) events.push(JSON.parse(line));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    return { events, exited, process: child, stderr: () => err };
  }

  const appName = () => `stock_etl_relp_${randomBytes(5).toString('hex')}`;

  async function finish(child: Child) {
    const code = await child.exited;
    expect(code, child.stderr().slice(-2000)).toBe(0);
    expect(child.events.at(-1)).toEqual({ event: 'done' });
    for (const e of child.events) expect(e.event).not.toBe('crash');
    return child.events;
  }

  /** Kills a child after its `after`-th event and `delayMs` more; waits for its backends to go. */
  async function kill(schema: string, work: ChildWork[], after: number, delayMs: number) {
    const app = appName();
    const child = start(schema, work, app);
    let ended = false;
    void child.exited.then(() => {
      ended = true;
    });
    await waitFor(async () => ended || child.events.length >= after, 120_000);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    child.process.kill('SIGKILL');
    await child.exited;
    for (const e of child.events) expect(e.event).not.toBe('crash');
    await waitFor(async () => {
      const { rows } = await admin.query(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [app],
      );
      return rows[0].n === 0;
    });
    // No ghost: status shows nothing running; every row still `running` is reported dead.
    const status = await getStatus(admin, { schema });
    const left = (await jobLogTruth(admin, schema)).running;
    expect(status.deadJobs).toBe(left);
    return { ghosts: status.jobs24h.running, left, ended };
  }

  for (const [label, work] of [
    ['a backfill', BACKFILL],
    ['a batch', BATCH],
  ] as const) {
    it(`SIGKILL at random points of ${label}, several seeds: no ghost, the rerun converges`, async () => {
      const truth = await groundTruth(admin, work, schemas);
      let kills = 0;
      let ghosts = 0;
      let orphans = 0;
      for (const seed of sized([1], [1, 2, 3, 4, 5])) {
        const schema = await freshSchema(admin, `kill_${seed}`, schemas);
        const prng = new Prng(seed * 7919);
        server.reset();
        for (let k = 0; k < 2; k++) {
          const r = await kill(
            schema,
            toChild(work),
            1 + Math.floor(prng.next() * 10),
            Math.floor(prng.next() * 60),
          );
          kills++;
          ghosts = Math.max(ghosts, r.ghosts);
          orphans += r.left;
          expect(r.ghosts).toBe(0);
        }
        const events = await finish(start(schema, toChild(work)));
        expect(events.filter((e) => e.event === 'job:error')).toEqual([]);
        await expectGroundTruth(admin, schema, truth, { killed: true });
      }
      report({
        kills,
        ghost_running_jobs: ghosts,
        summary: `${kills} SIGKILLs, ${orphans} orphaned jobs all reported dead, then STALE; converged`,
      });
    });
  }

  it('the same batch by 4 processes at once', async () => {
    const truth = await groundTruth(admin, BATCH, schemas);
    const schema = await freshSchema(admin, 'four', schemas);
    server.reset();
    const children = Array.from({ length: 4 }, () => start(schema, toChild(BATCH)));
    const results = await Promise.all(children.map(finish));
    for (const events of results) {
      const batch = events.find((e) => e.event === 'batch');
      expect(batch?.failed).toBe(0);
    }
    const requests = server.requestCount();
    await expectGroundTruth(admin, schema, truth);
    report({
      ghost_running_jobs: 0,
      summary: `4 processes × 6 jobs: ${requests} requests in all, converged`,
    });
  });

  it('concurrent installSchema from 4 connections', async () => {
    const schema = uniqueSchema('rel_install');
    schemas.push(schema);
    const pools = Array.from({ length: 4 }, () => pgPool(undefined, 1));
    try {
      const results = await Promise.allSettled(pools.map((p) => installSchema(p, { schema })));
      for (const r of results)
        expect(r.status, String((r as PromiseRejectedResult).reason)).toBe('fulfilled');
      const { rows } = await admin.query(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1`,
        [schema],
      );
      expect(rows[0].n).toBeGreaterThan(5);
      await installSchema(admin, { schema }); // and once more: a no-op
      report({
        summary: `4 concurrent installs of schema version ${SCHEMA_VERSION}, ${rows[0].n} tables`,
      });
    } finally {
      for (const p of pools) await p.end();
    }
  });

  it('a backfill and a daily run of the same symbol at once', async () => {
    const work: Work = {
      symbols: ['IBM'],
      datasets: ['daily', 'intraday:5min'],
      backfill: { symbol: 'IBM', from: '2024-01', to: '2024-06' },
    };
    const truth = await groundTruth(admin, work, schemas);
    const schema = await freshSchema(admin, 'backfill_daily', schemas);
    server.reset();
    const [a, b] = await Promise.all([
      finish(start(schema, [{ backfill: ['IBM', '5min', '2024-01', '2024-06'] }])),
      finish(start(schema, [{ batch: [['IBM'], ['daily', 'intraday:5min']] }])),
    ]);
    expect(a.find((e) => e.event === 'backfill')?.status).toBe('success');
    expect(b.find((e) => e.event === 'batch')?.failed).toBe(0);
    await expectGroundTruth(admin, schema, truth);
    report({ ghost_running_jobs: 0, summary: 'both finished, tables equal the sequential run' });
  });
});
