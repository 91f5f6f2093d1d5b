/**
 * Scale-out: N worker processes (1, 2, 4) share one premium key whose per-second limit lives in
 * PostgreSQL (`PostgresRateLimit`); the fake server enforces exactly that limit per sliding second
 * on the key. A perfect shared limiter lets all N together send N-independent `limit × seconds`
 * requests and is never refused. Each process keeps `callers` calls in flight (INDEX_CATALOG,
 * which costs the fake next to nothing; see the limiter section). The queue (pg-boss) is not in
 * the loop: its correctness is tested (test/integration/queue-workers.test.ts), this measures the
 * budget all workers share.
 *
 * The shared limiter's own cost is measured apart: take + release of a slot of a per-second ring
 * of 30 and a per-minute ring of 1200 (premium-1200's windows, shortened so they never block), one
 * after another from one connection — the statements every request adds.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { hashApiKey } from '../../src/alpha-vantage/budget-store';
import { PostgresRateLimit } from '../../src/load/postgres-rate-limit';
import { DATABASE_URL, freshSchema } from '../lib/db';
import { startRemoteFake } from '../lib/fake';
import { type Figure, figure } from '../lib/stats';

const CHILD = fileURLToPath(new URL('../scaleout-child.ts', import.meta.url));

/** Settings of the scaleout section. */
export interface ScaleoutSizes {
  /** Requests per second allowed by the server for the key, and configured in every process. */
  perSecond: number;
  /** Measured window, seconds. */
  seconds: number;
  /** Concurrent calls per process. */
  callers: number;
  /** Runs per process count. */
  runs: number;
  /** Take + release pairs timed for the limiter's cost. */
  costRequests: number;
}

/** Process counts measured. */
const PROCESSES = [1, 2, 4] as const;

/** Runs the section. */
export async function benchScaleout(
  pool: pg.Pool,
  sizes: ScaleoutSizes,
  log: (line: string) => void,
): Promise<Record<string, Figure>> {
  const schema = await freshSchema(pool);
  const fake = await startRemoteFake({
    rateLimit: { perSecond: sizes.perSecond },
    rateLimitLeewayMs: 0,
  });
  const figures: Record<string, Figure> = {};
  const rejections: number[] = [];
  try {
    for (const n of PROCESSES) {
      const utilization: number[] = [];
      const throughput: number[] = [];
      for (let run = 0; run < sizes.runs; run++) {
        const before = (await fake.stats()).rateLimited;
        const apiKey = `bench-scaleout-${n}-${run}`;
        await seedRings(pool, schema.name, fake.url, apiKey, sizes.perSecond);
        const o = await scaleoutRun(fake.url, schema.name, apiKey, n, sizes);
        const refusedByServer = (await fake.stats()).rateLimited - before;
        if (refusedByServer !== o.refused) {
          throw new Error(
            `the server refused ${refusedByServer} requests but the workers saw ${o.refused}`,
          );
        }
        const allowed = sizes.perSecond * sizes.seconds;
        utilization.push(o.completed / allowed);
        throughput.push(o.completed / sizes.seconds);
        rejections.push(o.refused);
        log(
          `  ${n} process(es), run ${run + 1}/${sizes.runs}: ${o.completed}/${allowed} requests ` +
            `(${((o.completed / allowed) * 100).toFixed(1)} %), ${o.refused} refused by the server`,
        );
      }
      const setup = `${n} process(es) × ${sizes.callers} callers, one key, N = ${sizes.perSecond}/s on server and PostgresRateLimit, ${sizes.seconds} s`;
      figures[`scaleout_utilization_${n}`] = figure(
        'ratio',
        utilization,
        `completed ÷ (N × seconds); ${setup}`,
      );
      figures[`scaleout_requests_s_${n}`] = figure(
        'requests/s',
        throughput,
        `completed per second; ${setup}`,
      );
    }
    figures.scaleout_server_rejections = figure(
      'requests',
      rejections,
      'requests the server refused as over its limit, every run of every process count',
    );
    figures.shared_limiter_ms_per_request = await limiterCost(pool, schema.name, sizes, log);
  } finally {
    await fake.close();
    await schema.drop();
  }
  return figures;
}

/**
 * Creates the key's slots before the clock starts, as a long-running deployment has them: the
 * first worker ever to use a key creates them (and analyzes the table) once.
 */
async function seedRings(
  pool: pg.Pool,
  schema: string,
  url: string,
  apiKey: string,
  perSecond: number,
): Promise<void> {
  const limit = new PostgresRateLimit(pool, { schema });
  const scope = { keyHash: hashApiKey(apiKey), origin: new URL(url).origin };
  const r = await limit.tryAcquire(scope, [{ windowMs: 1_000, limit: perSecond }]);
  if (r.acquired) await limit.release(scope, r.ticket, false);
}

interface RunOutcome {
  completed: number;
  refused: number;
}

async function scaleoutRun(
  url: string,
  schema: string,
  apiKey: string,
  processes: number,
  sizes: ScaleoutSizes,
): Promise<RunOutcome> {
  const children: ChildProcess[] = [];
  try {
    // Start together: every child connects first, then all begin at one instant.
    const ready: Promise<unknown>[] = [];
    const results: Promise<RunOutcome>[] = [];
    for (let i = 0; i < processes; i++) {
      const args = {
        url,
        databaseUrl: DATABASE_URL,
        schema,
        apiKey,
        perSecond: sizes.perSecond,
        seconds: sizes.seconds,
        callers: sizes.callers,
      };
      const child = fork(CHILD, [JSON.stringify(args)], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      ready.push(message(child, 'ready'));
      const result = message(child, 'completed') as unknown as Promise<RunOutcome>;
      result.catch(() => {}); // reported by the Promise.all below
      results.push(result);
    }
    await Promise.all(ready);
    const startAt = Date.now() + 300;
    for (const child of children) child.send({ startAt });
    const outcomes = await Promise.all(results);
    return outcomes.reduce(
      (sum, o) => ({ completed: sum.completed + o.completed, refused: sum.refused + o.refused }),
      { completed: 0, refused: 0 },
    );
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
  }
}

/** The first IPC message of `child` that has `key`. */
function message(child: ChildProcess, key: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`worker process exited (${code}) before "${key}"`)),
    );
    const onMessage = (m: unknown) => {
      if (m && typeof m === 'object' && key in m) {
        child.off('message', onMessage);
        resolve(m as Record<string, unknown>);
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) =>
      reject(new Error(`worker process exited (${code}) before "${key}"`)),
    );
  });
}

async function limiterCost(
  pool: pg.Pool,
  schema: string,
  sizes: ScaleoutSizes,
  log: (line: string) => void,
): Promise<Figure> {
  const limit = new PostgresRateLimit(pool, { schema });
  const scope = { keyHash: hashApiKey('bench-scaleout-cost'), origin: 'http://bench' };
  const windows = [
    { windowMs: 1, limit: 30 },
    { windowMs: 2, limit: 1200 },
  ];
  await limit.tryAcquire(scope, windows); // seeds the rings
  const runs: number[] = [];
  for (let run = 0; run < 3; run++) {
    let done = 0;
    const start = performance.now();
    while (done < sizes.costRequests) {
      const r = await limit.tryAcquire(scope, windows);
      if (!r.acquired) continue;
      await limit.release(scope, r.ticket, true);
      done++;
    }
    runs.push((performance.now() - start) / sizes.costRequests);
  }
  log(
    `  shared limiter: ${runs.map((r) => r.toFixed(3)).join(', ')} ms per request (take + release)`,
  );
  return figure(
    'ms',
    runs,
    `PostgresRateLimit take + release per request, one connection, rings of 30 and 1200 slots, ${sizes.costRequests} requests per run`,
  );
}
