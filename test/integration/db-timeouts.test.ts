/**
 * Issue 10 §6: the library's statements run under `lock_timeout` and `statement_timeout`, and an
 * abort cancels the statement in flight, so nothing commits after it. The server scenarios hold
 * a lock from another session; the library's backend is found by an application_name unique to
 * the test (the server is shared), never by guessing.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toDb } from '../../src/db/adapters';
import { installSchema } from '../../src/db/install';
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS } from '../../src/db/scoped-db';
import { AbortedError } from '../../src/errors/aborted-error';
import { DatabaseError } from '../../src/errors/database-error';
import { Pipeline } from '../../src/pipeline';
import type { FakeAlphaVantage } from '../../src/testing';
import { describeEachDb, uniqueSchema } from '../helpers/db';
import { extractorFor, fakeServerFor, TestClock } from '../helpers/pipeline';

const clock = new TestClock(Date.parse('2024-03-15T21:00:00Z'));
let server: FakeAlphaVantage;
beforeAll(async () => {
  server = await fakeServerFor(clock);
});
afterAll(async () => {
  await server.close();
});

/** Resolves with `promise`, or fails the test if it has not settled within `ms` (no hang). */
function settlesWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

describeEachDb('database timeouts: options', (ctx) => {
  it('exports sane defaults and validates the options', () => {
    expect(DEFAULT_STATEMENT_TIMEOUT_MS).toBe(120_000);
    expect(DEFAULT_LOCK_TIMEOUT_MS).toBe(30_000);
    const extractor = extractorFor(server);
    for (const [option, value] of [
      ['statementTimeoutMs', -1],
      ['statementTimeoutMs', 1.5],
      ['lockTimeoutMs', '10'],
      ['lockTimeoutMs', 2 ** 31],
    ] as const) {
      expect(
        () => new Pipeline({ db: ctx.handle, schema: ctx.schema, extractor, [option]: value }),
      ).toThrow(expect.objectContaining({ code: 'VALIDATION', field: `options.${option}` }));
    }
    // 0 is PostgreSQL's "no limit".
    expect(
      () =>
        new Pipeline({
          db: ctx.handle,
          schema: ctx.schema,
          extractor,
          statementTimeoutMs: 0,
          lockTimeoutMs: 0,
        }),
    ).not.toThrow();
  });

  it('a transaction never commits once its signal fired', async () => {
    const db = toDb(ctx.handle);
    const controller = new AbortController();
    const attempt = db.transaction(
      async (tx) => {
        await tx.query(`INSERT INTO ${ctx.q}.stocks (symbol) VALUES ('LATE')`);
        controller.abort(new Error('stop'));
        await tx.query(`INSERT INTO ${ctx.q}.stocks (symbol) VALUES ('LATER')`);
      },
      { signal: controller.signal },
    );
    await expect(attempt).rejects.toBeInstanceOf(AbortedError);
    const { rows } = await db.query(`SELECT symbol FROM ${ctx.q}.stocks`);
    expect(rows).toEqual([]);
  });

  it('sets the timeouts inside its own transactions only', async () => {
    const db = toDb(ctx.handle);
    const seen = await db.transaction(
      async (tx) =>
        (
          await tx.query<{ s: string; l: string }>(
            `SELECT current_setting('statement_timeout') AS s, current_setting('lock_timeout') AS l`,
          )
        ).rows[0],
      { statementTimeoutMs: 1234, lockTimeoutMs: 567 },
    );
    expect(seen).toEqual({ s: '1234ms', l: '567ms' });
  });
});

describe.runIf(process.env.DATABASE_URL)('database timeouts and abort [pg]', () => {
  const app = `stock_etl_timeouts_${randomBytes(6).toString('hex')}`;
  let pool: pg.Pool; // the library's handle: every backend of it carries `app`
  let admin: pg.Pool; // the test's own connections (lock holder, inspector)
  let schema: string;
  let q: string;
  beforeAll(() => {
    pool = new pg.Pool({
      connectionString: process.env.DATABASE_URL,
      application_name: app,
      max: 2,
    });
    admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 3 });
  });
  afterAll(async () => {
    await pool.end();
    await admin.end();
  });
  beforeEach(async () => {
    clock.set('2024-03-15T21:00:00Z');
    schema = uniqueSchema(expect.getState().currentTestName ?? 'timeouts');
    q = `"${schema}"`;
    await installSchema(pool, { schema });
  });
  afterEach(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${q} CASCADE`);
  });

  /** Holds an ACCESS EXCLUSIVE lock on `table` from another session until `release()`. */
  async function holdLock(table: string) {
    const locker = await admin.connect();
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE ${q}.${table} IN ACCESS EXCLUSIVE MODE`);
    return {
      release: async () => {
        await locker.query('ROLLBACK');
        locker.release();
      },
    };
  }

  /** Waits until a backend of the library waits for a lock on `table`. */
  async function waitUntilBlocked(table: string): Promise<void> {
    for (let i = 0; i < 1500; i++) {
      const { rowCount } = await admin.query(
        `SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE a.application_name = $1 AND NOT l.granted AND l.relation = $2::regclass`,
        [app, `${q}.${table}`],
      );
      if (rowCount) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`the library never waited for a lock on ${table}`);
  }

  /** True when no backend of the library is running a statement. */
  async function libraryIdle(): Promise<boolean> {
    const { rowCount } = await admin.query(
      `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'`,
      [app],
    );
    return rowCount === 0;
  }

  const count = async (table: string) =>
    (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${q}.${table}`)).rows[0]?.n;

  it('run(): an abort while waiting on a lock ends the job ABORTED at once; nothing commits later', async () => {
    const pipeline = new Pipeline({ db: pool, schema, extractor: extractorFor(server), clock });
    const lock = await holdLock('stock_prices');
    const controller = new AbortController();
    const job = pipeline.run('IBM', 'daily', { signal: controller.signal });
    try {
      await waitUntilBlocked('stock_prices');
      controller.abort(new Error('shutting down'));
      // The lock is still held: the job must not wait for it (it would, for 30 s of lock_timeout).
      const result = await settlesWithin(job, 10_000, 'the aborted job');
      expect(result).toMatchObject({ status: 'failed', error: { code: 'ABORTED' } });
      expect(await libraryIdle()).toBe(true); // the statement was cancelled, not left waiting
    } finally {
      await lock.release();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await count('stock_prices')).toBe(0);
    expect(await count('etl_watermarks')).toBe(0);
    const { rows } = await admin.query(`SELECT status, error_code FROM ${q}.etl_job_logs`);
    expect(rows).toEqual([{ status: 'failed', error_code: 'ABORTED' }]);
    // The pool's connections are fine afterwards (a late cancel hits nothing).
    expect((await pipeline.run('IBM', 'daily')).status).toBe('success');
  });

  it('backfill: an abort during a month commits neither the month nor anything after it', async () => {
    const pipeline = new Pipeline({ db: pool, schema, extractor: extractorFor(server), clock });
    const lock = await holdLock('stock_prices_intraday');
    const controller = new AbortController();
    const backfill = pipeline.backfillIntraday('IBM', {
      interval: '60min',
      from: '2024-01',
      to: '2024-02',
      signal: controller.signal,
    });
    try {
      await waitUntilBlocked('stock_prices_intraday');
      controller.abort(new Error('shutting down'));
      const result = await settlesWithin(backfill, 10_000, 'the aborted backfill');
      expect(result).toMatchObject({ status: 'failed', error: { code: 'ABORTED' }, months: [] });
      expect(await libraryIdle()).toBe(true);
    } finally {
      await lock.release();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await count('stock_prices_intraday')).toBe(0);
    expect(await count('etl_backfill_ledger')).toBe(0);
    expect(await count('etl_watermarks')).toBe(0);
  });

  it('lock_timeout: a job waiting longer than lockTimeoutMs fails with DatabaseError 55P03', async () => {
    const pipeline = new Pipeline({
      db: pool,
      schema,
      extractor: extractorFor(server),
      clock,
      lockTimeoutMs: 300,
    });
    const lock = await holdLock('stock_prices');
    try {
      const result = await settlesWithin(pipeline.run('IBM', 'daily'), 20_000, 'the job');
      expect(result.status).toBe('failed');
      expect(result.error?.code).toBe('DATABASE');
      expect(result.error?.message).toMatch(/lock timeout.*SQLSTATE 55P03/);
      expect(result.warnings).toEqual([]); // not a transient error: not retried
    } finally {
      await lock.release();
    }
    expect(await count('stock_prices')).toBe(0);
  });

  it('statement_timeout: a statement running longer than statementTimeoutMs fails with 57014', async () => {
    // A slow trigger stands in for a statement that hangs.
    await admin.query(`CREATE FUNCTION ${q}.slow() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN PERFORM pg_sleep(2); RETURN NULL; END $$`);
    await admin.query(`CREATE TRIGGER slow AFTER INSERT ON ${q}.stock_prices
      FOR EACH STATEMENT EXECUTE FUNCTION ${q}.slow()`);
    const pipeline = new Pipeline({
      db: pool,
      schema,
      extractor: extractorFor(server),
      clock,
      statementTimeoutMs: 200,
    });
    const result = await pipeline.run('IBM', 'daily');
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('DATABASE');
    expect(result.error?.message).toMatch(/statement timeout.*SQLSTATE 57014/);
    expect(await count('stock_prices')).toBe(0);
    // The limit was the job's alone: the pool's sessions keep the server's setting.
    const { rows } = await pool.query(`SELECT current_setting('statement_timeout') AS s`);
    expect(rows[0].s).toBe('0');
  });

  it('installSchema: an abort cancels the wait for another install', async () => {
    const other = await admin.connect();
    const fresh = uniqueSchema('install_abort');
    // The install's own advisory lock, held by "another process".
    await other.query(
      `SELECT pg_advisory_lock(('x' || substr(md5(current_database() || '.' || $1::text), 1, 16))::bit(64)::bigint)`,
      [fresh],
    );
    try {
      const controller = new AbortController();
      const install = installSchema(pool, { schema: fresh, signal: controller.signal });
      for (let i = 0; i < 500; i++) {
        const { rowCount } = await admin.query(
          `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
          [app],
        );
        if (rowCount) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      controller.abort(new Error('stop'));
      const error = await settlesWithin(
        install.then(
          () => undefined,
          (e: unknown) => e,
        ),
        10_000,
        'the aborted install',
      );
      expect(error).toMatchObject({ code: 'ABORTED' });
    } finally {
      await other.query('SELECT pg_advisory_unlock_all()');
      other.release();
    }
    const { rowCount } = await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
      fresh,
    ]);
    expect(rowCount).toBe(0);
  });

  for (const handle of ['pool', 'client'] as const) {
    it(`an abort cancels the statement in flight on a ${handle}, and the handle stays usable`, async () => {
      const client = new pg.Client({
        connectionString: process.env.DATABASE_URL,
        application_name: app,
      });
      if (handle === 'client') await client.connect();
      try {
        const db = toDb(handle === 'pool' ? pool : client);
        const controller = new AbortController();
        const sleeping = db.transaction((tx) => tx.query('SELECT pg_sleep(60)'), {
          signal: controller.signal,
        });
        for (let i = 0; i < 500 && (await libraryIdle()); i++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        controller.abort(new Error('stop'));
        const error = await settlesWithin(
          sleeping.then(
            () => undefined,
            (e: unknown) => e,
          ),
          10_000,
          'the cancelled statement',
        );
        expect(error).toBeInstanceOf(AbortedError);
        expect((error as AbortedError).cause).toBeInstanceOf(DatabaseError);
        expect(((error as AbortedError).cause as DatabaseError).sqlstate).toBe('57014');
        const next = await db.query<{ one: number }>('SELECT 1 AS one');
        expect(next.rows).toEqual([{ one: 1 }]);
      } finally {
        if (handle === 'client') await client.end();
      }
    });
  }
});
