/**
 * Reliability §2, database faults on the real PostgreSQL server: the library's backend terminated
 * mid-load (just as its COPY starts) and mid-merge (caught waiting inside the staging merge), a
 * statement_timeout, a table lock held by another session, a trigger that raises on some rows.
 * The faulted run never throws and fails only with typed errors; once the fault is gone a rerun
 * stores exactly the ground truth and no job is left `running` or called STALE. Only backends with
 * an application_name unique to the scenario are ever terminated (the server is shared).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeAlphaVantage } from '../../src/testing';
import { waitFor } from '../helpers/jobs';
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
  WORK,
} from './harness';

describe.runIf(HAS_PG)('database faults', () => {
  let admin: pg.Pool;
  let server: FakeAlphaVantage;
  const schemas: string[] = [];
  beforeAll(async () => {
    admin = pgPool(undefined, 3);
    server = await fakeServer();
  });
  afterAll(async () => {
    await dropSchemas(admin, schemas);
    await server.close();
    await admin.end();
  });

  const appName = () => `stock_etl_rel_${randomBytes(5).toString('hex')}`;

  async function terminate(pid: number, app: string): Promise<void> {
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = $1 AND application_name = $2',
      [pid, app],
    );
  }

  /** The pid of our backend waiting to write into `table` (an ungranted ROW EXCLUSIVE lock). */
  async function blockedWriter(app: string, table: string): Promise<number> {
    let pid: number | undefined;
    await waitFor(async () => {
      const { rows } = await admin.query<{ pid: number }>(
        `SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE a.application_name = $1 AND NOT l.granted AND l.mode = 'RowExclusiveLock'
            AND l.relation = $2::regclass`,
        [app, table],
      );
      pid = rows[0]?.pid;
      return pid !== undefined;
    }, 60_000);
    return pid as number;
  }

  /** Every failed job of a faulted run carries a typed code. */
  function typedFailures(batch: Awaited<ReturnType<typeof runWork>>['batch']): number {
    const failed = batch.jobs.filter((j) => j.status === 'failed');
    for (const j of failed) expect(KNOWN_CODES.has(j.error?.code ?? ''), j.error?.code).toBe(true);
    return failed.length;
  }

  /** The rerun after the fault, compared with the ground truth. */
  async function rerunConverges(pool: pg.Pool, schema: string) {
    server.reset();
    const rerun = await runWork({ db: pool, schema, extractor: extractorOn(server) }, WORK);
    expect(rerun.batch.failed).toBe(0);
    await expectGroundTruth(admin, schema, await groundTruth(admin, WORK, schemas));
  }

  it('backend terminated mid-load (as its COPY starts)', async () => {
    const schema = await freshSchema(admin, 'kill_load', schemas);
    const app = appName();
    const pool = pgPool(app);
    let armed = true;
    let killed = 0;
    // Wrap each client's query: the first COPY of the run terminates its own backend first.
    pool.on('connect', (client) => {
      const original = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (
        ...args: unknown[]
      ) => {
        const text =
          typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | null)?.text;
        if (armed && typeof text === 'string' && /^\s*COPY\b/i.test(text)) {
          armed = false;
          const pid = (client as unknown as { processID: number }).processID;
          // The COPY stream must be returned at once; the kill races it from another session.
          void terminate(pid, app).then(() => {
            killed++;
          });
          return original(...args);
        }
        return original(...args);
      };
    });
    try {
      server.reset();
      const first = await runWork({ db: pool, schema, extractor: extractorOn(server) }, WORK);
      expect(killed, 'a COPY was caught').toBe(1);
      const failed = typedFailures(first.batch);
      await rerunConverges(pool, schema);
      report({
        ghost_running_jobs: 0,
        summary: `1 backend killed at COPY; ${failed} job(s) failed typed, the rest retried; rerun converged`,
      });
    } finally {
      await pool.end();
    }
  });

  it('backend terminated mid-merge (waiting inside the staging merge)', async () => {
    const schema = await freshSchema(admin, 'kill_merge', schemas);
    const app = appName();
    const pool = pgPool(app);
    const locker = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await locker.connect();
    try {
      server.reset();
      await locker.query('BEGIN');
      // EXCLUSIVE lets reads and the COPY into the stage through and stops the merge's writes.
      await locker.query(`LOCK TABLE "${schema}".stock_prices IN EXCLUSIVE MODE`);
      const run = runWork({ db: pool, schema, extractor: extractorOn(server) }, WORK);
      const pid = await blockedWriter(app, `"${schema}".stock_prices`);
      await terminate(pid, app);
      await locker.query('ROLLBACK');
      const first = await run;
      const failed = typedFailures(first.batch);
      expect((await jobLogTruth(admin, schema)).running).toBe(0);
      await rerunConverges(pool, schema);
      report({
        ghost_running_jobs: 0,
        summary: `backend ${pid} killed mid-merge; ${failed} job(s) failed typed; rerun converged`,
      });
    } finally {
      await locker.end();
      await pool.end();
    }
  });

  it('a statement_timeout cancels a slow statement; the job fails typed, nothing half-written', async () => {
    const schema = await freshSchema(admin, 'stmt_timeout', schemas);
    const q = `"${schema}"`;
    // Writing IBM's daily rows takes 2 s: longer than the 500 ms statement_timeout.
    await admin.query(`
      CREATE FUNCTION ${q}.slow() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(2); RETURN NULL; END $$;
      CREATE TRIGGER slow AFTER INSERT OR UPDATE ON ${q}.stock_prices
        FOR EACH STATEMENT EXECUTE FUNCTION ${q}.slow();`);
    const pool = pgPool(appName());
    try {
      server.reset();
      const first = await runWork(
        { db: pool, schema, extractor: extractorOn(server), statementTimeoutMs: 500 },
        WORK,
      );
      const daily = first.batch.jobs.filter((j) => j.dataset === 'daily');
      for (const j of daily) expect(j.error?.code).toBe('DATABASE');
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${q}.stock_prices`);
      expect(rows[0].n).toBe(0);
      await admin.query(`DROP TRIGGER slow ON ${q}.stock_prices`);
      await rerunConverges(pool, schema);
      report({
        ghost_running_jobs: 0,
        summary: `${daily.length} daily jobs cancelled by statement_timeout, 0 rows half-written; rerun converged`,
      });
    } finally {
      await pool.end();
    }
  });

  it('a table lock held by another session: lock_timeout fails typed, a short hold is waited out', async () => {
    const schema = await freshSchema(admin, 'table_lock', schemas);
    const q = `"${schema}"`;
    const pool = pgPool(appName());
    const locker = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await locker.connect();
    try {
      server.reset();
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${q}.stock_prices IN ACCESS EXCLUSIVE MODE`);
      const first = await runWork(
        { db: pool, schema, extractor: extractorOn(server), lockTimeoutMs: 300 },
        WORK,
      );
      const daily = first.batch.jobs.filter((j) => j.dataset === 'daily');
      for (const j of daily) expect(j.error?.code).toBe('DATABASE');
      await locker.query('ROLLBACK');
      // A lock held for 1 s under the default lock_timeout: the run waits and succeeds.
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${q}.stock_prices IN ACCESS EXCLUSIVE MODE`);
      const release = new Promise((resolve) => setTimeout(resolve, 1000)).then(() =>
        locker.query('ROLLBACK'),
      );
      await rerunConverges(pool, schema);
      await release;
      report({
        ghost_running_jobs: 0,
        summary: `${daily.length} daily jobs failed on lock_timeout; a 1 s hold waited out; converged`,
      });
    } finally {
      await locker.end();
      await pool.end();
    }
  });

  it('a trigger that raises on some rows fails only those jobs, atomically', async () => {
    const schema = await freshSchema(admin, 'raising_trigger', schemas);
    const q = `"${schema}"`;
    await admin.query(`
      CREATE FUNCTION ${q}.refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.symbol = 'MSFT' AND NEW.close > 0 THEN RAISE EXCEPTION 'refused row %', NEW.symbol; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON ${q}.stock_prices
        FOR EACH ROW EXECUTE FUNCTION ${q}.refuse();
      CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON ${q}.stock_prices_intraday
        FOR EACH ROW EXECUTE FUNCTION ${q}.refuse();`);
    const pool = pgPool(appName());
    try {
      server.reset();
      const first = await runWork({ db: pool, schema, extractor: extractorOn(server) }, WORK);
      for (const j of first.batch.jobs) {
        if (j.symbol === 'MSFT') expect(j.error?.code, j.dataset).toBe('DATABASE');
        else expect(j.status, `${j.symbol} ${j.dataset}`).toBe('success');
      }
      const { rows } = await admin.query(
        `SELECT (SELECT count(*) FROM ${q}.stock_prices WHERE symbol = 'MSFT')
              + (SELECT count(*) FROM ${q}.stock_prices_intraday WHERE symbol = 'MSFT') AS n`,
      );
      expect(Number(rows[0].n)).toBe(0);
      await admin.query(
        `DROP TRIGGER refuse ON ${q}.stock_prices; DROP TRIGGER refuse ON ${q}.stock_prices_intraday`,
      );
      await rerunConverges(pool, schema);
      report({
        ghost_running_jobs: 0,
        summary: '2 MSFT jobs failed DATABASE with nothing written, others loaded; converged',
      });
    } finally {
      await pool.end();
    }
  });
});
