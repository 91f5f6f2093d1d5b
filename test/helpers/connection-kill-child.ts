/**
 * A child process for the connection-kill tests: it opens the handle the test names (a pg.Pool or
 * a single pg.Client), terminates the library's own backend at one point of its work, and prints
 * one JSON line with what happened. If the library lets pg's 'error' event escape, this process
 * dies with "Unhandled 'error' event" and a non-zero exit code — which is what the test watches.
 *
 * Env: DATABASE_URL, KILL_SCENARIO (idle | copy | merge | pipeline), KILL_HANDLE (pool | client),
 * KILL_SCHEMA (installed by the test), KILL_APP (an application_name unique to this test: only
 * backends with it are ever terminated).
 */
import pg from 'pg';
import { toDb } from '../../src/db/adapters';
import type { Db } from '../../src/db/types';
import { Loader } from '../../src/load/loader';
import { Pipeline } from '../../src/pipeline';
import { startFakeAlphaVantage } from '../../src/testing';
import type { DailyPriceRow } from '../../src/transform/rows';
import { extractorFor } from './pipeline';

const url = process.env.DATABASE_URL as string;
const scenario = process.env.KILL_SCENARIO as 'idle' | 'copy' | 'merge' | 'pipeline';
const handleKind = process.env.KILL_HANDLE as 'pool' | 'client';
const schema = process.env.KILL_SCHEMA as string;
const app = process.env.KILL_APP as string;
const q = `"${schema}"`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Connections of the test itself: one inspects and terminates, one holds table locks. (Not one:
 * inside a transaction, pg_stat_activity answers from a snapshot taken at its first read.) */
const admin = new pg.Client({ connectionString: url, application_name: `${app}_admin` });
const locker = new pg.Client({ connectionString: url, application_name: `${app}_locker` });

async function terminate(pid: number): Promise<void> {
  // Never anyone else's backend on the shared server: the pid must carry our application_name.
  const { rows } = await admin.query(
    'SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE pid = $1 AND application_name = $2',
    [pid, app],
  );
  if (rows[0]?.done !== true) throw new Error(`backend ${pid} is not ours`);
  for (let i = 0; i < 500; i++) {
    const gone = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
    if (gone.rowCount === 0) return;
    await sleep(20);
  }
  throw new Error(`backend ${pid} did not go away`);
}

/**
 * Waits until one of our backends waits to write into `table`: an ungranted ROW EXCLUSIVE lock
 * (an UPDATE, INSERT or COPY; a read would ask for ACCESS SHARE, which the test's EXCLUSIVE lock
 * lets through). Returns its pid. (pg_stat_activity's query text is no help here: a statement
 * waiting for a lock while being parsed still shows the previous one.)
 */
async function blockedWriter(table: string): Promise<number> {
  for (let i = 0; i < 1500; i++) {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE a.application_name = $1 AND NOT l.granted AND l.mode = 'RowExclusiveLock'
          AND l.relation = $2::regclass`,
      [app, table],
    );
    if (rows[0]) return rows[0].pid;
    await sleep(20);
  }
  throw new Error(`no backend of ours waits to write into ${table}`);
}

function describe(error: unknown) {
  const e = error as {
    name?: string;
    code?: string;
    sqlstate?: string;
    retryable?: boolean;
    message?: string;
  };
  return {
    name: e?.name,
    code: e?.code,
    sqlstate: e?.sqlstate,
    retryable: e?.retryable,
    message: e?.message,
  };
}

function daily(i: number, close: string): DailyPriceRow {
  const day = new Date(Date.UTC(2000, 0, 3) + i * 86_400_000).toISOString().slice(0, 10);
  return {
    symbol: 'KILL',
    tradeDate: day,
    open: '10',
    high: '12',
    low: '9',
    close,
    volume: '1000',
    adjustedClose: null,
    dividendAmount: null,
    splitCoefficient: null,
  };
}

async function openHandle(): Promise<{ handle: pg.Pool | pg.Client; close: () => Promise<void> }> {
  if (handleKind === 'pool') {
    const pool = new pg.Pool({ connectionString: url, application_name: app, max: 2 });
    return { handle: pool, close: () => pool.end() };
  }
  const client = new pg.Client({ connectionString: url, application_name: app });
  await client.connect();
  // No 'error' listener of the host's own: the library must not need one.
  return { handle: client, close: () => client.end().catch(() => {}) };
}

async function scenarioIdle(db: Db) {
  try {
    await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await tx.query(`INSERT INTO ${q}.stocks (symbol) VALUES ('IDLE')`);
      await terminate(rows[0]?.pid as number); // idle inside our transaction
      await sleep(200); // let the socket close and pg report it
      await tx.query('SELECT 1');
    });
    return { error: null };
  } catch (error) {
    return { error: describe(error) };
  }
}

async function scenarioCopy(db: Db) {
  try {
    await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await tx.exec('CREATE TEMP TABLE kill_copy (a text)');
      async function* chunks() {
        yield 'a\n'.repeat(1000);
        await terminate(rows[0]?.pid as number); // mid-stream: the next writes hit a dead socket
        await sleep(200);
        for (let i = 0; i < 50; i++) yield 'b\n'.repeat(10_000);
      }
      await tx.copyFrom('COPY kill_copy FROM STDIN', chunks());
    });
    return { error: null };
  } catch (error) {
    return { error: describe(error) };
  }
}

async function scenarioMerge(handle: pg.Pool | pg.Client) {
  const loader = new Loader({ db: handle, schema, method: 'copy' });
  await loader.loadDaily(
    Array.from({ length: 100 }, (_, i) => daily(i, '10')),
    { adjusted: false },
  );
  // 100 changed rows and 100 new ones: the staging path (UPDATE, then INSERT from the stage).
  const second = Array.from({ length: 200 }, (_, i) => daily(i, '11'));
  await locker.query('BEGIN');
  // EXCLUSIVE lets the COPY into the stage and the read-only classification through, and stops
  // the merge's UPDATE: the library's backend is caught inside the staging merge.
  await locker.query(`LOCK TABLE ${q}.stock_prices IN EXCLUSIVE MODE`);
  const load = loader.loadDaily(second, { adjusted: false }).then(
    () => ({ error: null }),
    (error) => ({ error: describe(error) }),
  );
  const pid = await blockedWriter(`${q}.stock_prices`);
  await terminate(pid);
  await locker.query('ROLLBACK');
  const first = await load;
  await sleep(200);
  let rerun: unknown;
  let rows: unknown;
  if (handleKind === 'pool') {
    rerun = await loader.loadDaily(second, { adjusted: false }); // the pool serves the rerun
    rows = (
      await admin.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE close = 11)::int AS changed FROM ${q}.stock_prices`,
      )
    ).rows[0];
  }
  return { ...first, rerun, rows };
}

async function scenarioPipeline(handle: pg.Pool | pg.Client) {
  const now = Date.parse('2024-03-15T21:00:00Z');
  const server = await startFakeAlphaVantage({ now: () => new Date(now) });
  try {
    const clock = { now: () => now, sleep: async () => {} };
    const pipeline = new Pipeline({ db: handle, schema, extractor: extractorFor(server), clock });
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE ${q}.stock_prices IN EXCLUSIVE MODE`);
    const job = pipeline.run('IBM', 'daily', { outputsize: 'full' });
    const pid = await blockedWriter(`${q}.stock_prices`);
    await terminate(pid);
    await locker.query('ROLLBACK');
    const result = await job;
    await sleep(200);
    const out: Record<string, unknown> = {
      job: { status: result.status, error: result.error, warnings: result.warnings },
      inserted: result.inserted,
    };
    if (handleKind === 'pool') {
      const rerun = await pipeline.run('IBM', 'daily', { outputsize: 'full' });
      out.rerun = { status: rerun.status, inserted: rerun.inserted, updated: rerun.updated };
    } else {
      const again = await pipeline.run('IBM', 'daily', { outputsize: 'full' });
      out.afterLoss = { status: again.status, error: again.error };
    }
    const { rows } = await admin.query(
      `SELECT count(*)::int AS n, count(DISTINCT trade_date)::int AS dates FROM ${q}.stock_prices WHERE symbol = 'IBM'`,
    );
    out.rows = rows[0];
    return out;
  } finally {
    await server.close();
  }
}

async function main() {
  await admin.connect();
  await locker.connect();
  const { handle, close } = await openHandle();
  const db = toDb(handle);
  let result: Record<string, unknown>;
  if (scenario === 'idle') result = await scenarioIdle(db);
  else if (scenario === 'copy') result = await scenarioCopy(db);
  else if (scenario === 'merge') result = await scenarioMerge(handle);
  else result = await scenarioPipeline(handle);
  // The handle after the kill: a pool opens a new connection; a lost client says so.
  result.next = await db.query<{ one: number }>('SELECT 1 AS one').then(
    (r) => ({ ok: r.rows[0]?.one === 1 }),
    (error) => ({ error: describe(error) }),
  );
  await sleep(300); // late socket events would surface here
  await close();
  await admin.end();
  await locker.end();
  console.log(JSON.stringify(result));
}

await main();
