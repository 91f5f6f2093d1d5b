/**
 * Reliability §3, real processes (test/helpers/pipeline-child.ts) on the real server: SIGKILL at
 * seeded random points of a backfill and of a batch. After every kill no job shows as running
 * (status reports each orphan dead at once); the rerun marks the orphans STALE and converges.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getStatus } from '../../src/pipeline';
import type { FakeAlphaVantage } from '../../src/testing';
import { Prng } from '../../src/testing/prng';
import { waitFor } from '../helpers/jobs';
import {
  appName,
  BACKFILL,
  BATCH,
  type ChildWork,
  finishChild,
  startChild,
  toChild,
} from './children';
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
} from './harness';

describe.runIf(HAS_PG)('processes: SIGKILL at random points', () => {
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

  const start = (schema: string, work: ChildWork[], app?: string) =>
    startChild(server.url, schema, work, app);
  const finish = finishChild;

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
      const seeds = (process.env.RELIABILITY_KILL_SEEDS?.split(',').map(Number) ??
        sized([1], [1, 2, 3, 4, 5])) as number[];
      for (const seed of seeds) {
        try {
          const schema = await freshSchema(admin, `kill_${seed}`, schemas);
          const prng = new Prng(seed * 7919);
          server.reset();
          for (let k = 0; k < sized(1, 2); k++) {
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
        } catch (error) {
          // The seed replays the kill points: RELIABILITY_KILL_SEEDS=<seed>.
          (error as Error).message =
            `kill seed ${seed} (RELIABILITY_KILL_SEEDS=${seed}): ${(error as Error).message}`;
          report({ ghost_running_jobs: ghosts, summary: `failed at kill seed ${seed}` });
          throw error;
        }
      }
      report({
        kills,
        ghost_running_jobs: ghosts,
        summary: `${kills} SIGKILLs, ${orphans} orphaned jobs all reported dead, then STALE; converged`,
      });
    });
  }
});
