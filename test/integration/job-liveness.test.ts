/**
 * Issue 10, item 5: a dead job never stays `running`, a live job is never marked dead. Jobs carry
 * their pipeline's lease (a session advisory lock); the moment no session holds it, the job is
 * dead — and only then.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toDb } from '../../src/db/adapters';
import { installSchema } from '../../src/db/install';
import { getStatus, healthCheck, Pipeline, type PipelineExtractor } from '../../src/pipeline';
import type { FakeAlphaVantage } from '../../src/testing';
import { describeEachDb, uniqueSchema } from '../helpers/db';
import { gated, jobRow, waitFor } from '../helpers/jobs';
import { extractorFor, fakeServerFor, TestClock } from '../helpers/pipeline';

const clock = new TestClock(Date.parse('2024-03-15T21:00:00Z'));
let server: FakeAlphaVantage;
beforeAll(async () => {
  server = await fakeServerFor(clock);
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  clock.set('2024-03-15T21:00:00Z');
  server.reset();
});

describeEachDb('job liveness', (ctx) => {
  const pipelineWith = (extractor: PipelineExtractor = extractorFor(server), extra = {}) =>
    new Pipeline({ db: ctx.handle, schema: ctx.schema, extractor, clock, ...extra });

  it('never marks a live job stale, however long it waits, and records its success', async () => {
    const gate = gated(extractorFor(server), 'daily');
    const slow = pipelineWith(gate.extractor, { staleJobAfterMs: 60_000 });
    const job = slow.run('IBM', 'daily');
    await gate.reached;
    const [{ id }] = await ctx.db
      .query<{ id: number }>(`SELECT id::int AS id FROM ${ctx.q}.etl_job_logs WHERE symbol = 'IBM'`)
      .then((r) => r.rows as [{ id: number }]);
    // Two hours later, by every clock, another pipeline starts: it sweeps dead jobs first.
    clock.set('2024-03-15T23:00:00Z');
    let swept = 0;
    const other = pipelineWith(extractorFor(server), { staleJobAfterMs: 60_000 });
    other.on('jobs:stale', (e) => {
      swept += e.count;
    });
    expect(await other.run('MSFT', 'daily')).toMatchObject({ status: 'success' });
    expect(swept).toBe(0);
    expect(await jobRow(ctx, id)).toMatchObject({ status: 'running', error_code: null });
    const status = await getStatus(ctx.handle, { schema: ctx.schema, clock });
    expect(status.jobs24h).toMatchObject({ running: 1, failed: 0 });
    expect(status.deadJobs).toBe(0);
    const health = await healthCheck(ctx.handle, { schema: ctx.schema, clock });
    expect(health.checks.find((c) => c.name === 'jobs')).toMatchObject({ ok: true });
    gate.open();
    expect(await job).toMatchObject({ status: 'success', warnings: [] });
    expect(await jobRow(ctx, id)).toMatchObject({ status: 'success', error_code: null });
  });

  it('keeps a job without a lease alive by heartbeats while it waits', async () => {
    // A wrapped Db gives no session to hold a lease on: heartbeats are the proof of life.
    const gate = gated(extractorFor(server), 'daily');
    const slow = new Pipeline({
      db: ctx.db,
      schema: ctx.schema,
      extractor: gate.extractor,
      clock,
      staleJobAfterMs: 300,
    });
    const job = slow.run('IBM', 'daily');
    await gate.reached;
    const row = await ctx.db.query<{ id: number; lease_key: unknown; stale_after_ms: number }>(
      `SELECT id::int AS id, lease_key, stale_after_ms FROM ${ctx.q}.etl_job_logs`,
    );
    expect(row.rows).toEqual([{ id: expect.any(Number), lease_key: null, stale_after_ms: 300 }]);
    const id = row.rows[0]?.id as number;
    clock.set('2024-03-15T23:00:00Z');
    // The job heartbeats every 100 ms (a third of its limit): it catches up with the new time.
    await waitFor(async () => {
      const r = await jobRow(ctx, id);
      return new Date(r.heartbeat_at as string).getTime() === clock.now();
    });
    // A pipeline with a 30-minute limit of its own sweeps: the job's row says 300 ms, and it is fresh.
    expect(await pipelineWith().run('MSFT', 'quote')).toMatchObject({ status: 'success' });
    expect(await jobRow(ctx, id)).toMatchObject({ status: 'running' });
    gate.open();
    expect(await job).toMatchObject({ status: 'success' });
    expect(await jobRow(ctx, id)).toMatchObject({ status: 'success' });
  });

  it('takes a job for dead the moment its lease is free: status and health report, a run marks', async () => {
    // Another "process" holds a lease: for PostgreSQL a connection of its own, for PGlite (one
    // process, one session) the instance's session itself.
    const holder =
      ctx.target === 'pg'
        ? new pg.Client({ connectionString: process.env.DATABASE_URL })
        : undefined;
    await holder?.connect();
    const onHolder = (sql: string, params: unknown[] = []) =>
      holder ? holder.query(sql, params) : ctx.db.query(sql, params);
    try {
      const live = '4503599627370001';
      await onHolder('SELECT pg_advisory_lock($1::bigint)', [live]);
      const at = (ms: number) => new Date(clock.now() - ms).toISOString();
      await ctx.db.query(
        `INSERT INTO ${ctx.q}.etl_job_logs (dataset, symbol, status, started_at, heartbeat_at, lease_key, owner, stale_after_ms)
         VALUES ('daily', 'GONE', 'running', $1, $2, 4503599627370002, 'host-a pid 1', NULL),
                ('daily', 'LIVE', 'running', $1, $2, $3::bigint, 'host-b pid 2', NULL),
                ('daily', 'QUIET', 'running', $1, $4, NULL, 'host-c pid 3', 1000),
                ('daily', 'OLDROW', 'running', $1, $5, NULL, NULL, NULL),
                ('daily', 'BEATING', 'running', $1, $6, NULL, 'host-d pid 4', 60000)`,
        [at(3_600_000), at(0), live, at(5_000), at(600_000), at(10_000)],
      );
      const before = await getStatus(ctx.handle, { schema: ctx.schema, clock });
      expect(before.deadJobs).toBe(2);
      expect(before.jobs24h).toEqual({ running: 3, success: 0, failed: 2 });
      expect(before.recentFailures.map((f) => [f.symbol, f.errorCode, f.recorded]).sort()).toEqual([
        ['GONE', 'STALE', false],
        ['QUIET', 'STALE', false],
      ]);
      expect(before.recentFailures.find((f) => f.symbol === 'GONE')?.errorMessage).toMatch(
        /host-a pid 1\) is gone \(its lease was released\)/,
      );
      const health = await healthCheck(ctx.handle, { schema: ctx.schema, clock });
      const jobs = health.checks.find((c) => c.name === 'jobs');
      expect(jobs).toMatchObject({ ok: false });
      expect(jobs?.detail).toMatch(/^2 job\(s\) left running by a process that is gone/);
      // Reports only: nothing was written.
      const running = await ctx.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${ctx.q}.etl_job_logs WHERE status = 'running'`,
      );
      expect(running.rows[0]?.n).toBe(5);

      let swept = 0;
      const pipeline = pipelineWith();
      pipeline.on('jobs:stale', (e) => {
        swept += e.count;
      });
      await pipeline.run('IBM', 'quote');
      expect(swept).toBe(2);
      const { rows } = await ctx.db.query<{ symbol: string; status: string; error_code: string }>(
        `SELECT symbol, status, error_code FROM ${ctx.q}.etl_job_logs WHERE symbol <> 'IBM' ORDER BY symbol`,
      );
      expect(rows).toEqual([
        { symbol: 'BEATING', status: 'running', error_code: null },
        { symbol: 'GONE', status: 'failed', error_code: 'STALE' },
        { symbol: 'LIVE', status: 'running', error_code: null },
        { symbol: 'OLDROW', status: 'running', error_code: null },
        { symbol: 'QUIET', status: 'failed', error_code: 'STALE' },
      ]);
      const after = await getStatus(ctx.handle, { schema: ctx.schema, clock });
      expect(after.deadJobs).toBe(0);
      expect(after.recentFailures.every((f) => f.recorded)).toBe(true);
      const healthy = await healthCheck(ctx.handle, { schema: ctx.schema, clock });
      expect(healthy.checks.find((c) => c.name === 'jobs')).toMatchObject({ ok: true });
      // The old row without a limit of its own dies after the 30-minute default, not before.
      clock.set(new Date(clock.now() + 20 * 60_000 + 1).toISOString());
      await pipelineWith().run('IBM', 'quote');
      expect(await symbolStatus('OLDROW')).toBe('failed');
      expect(await symbolStatus('LIVE')).toBe('running');
    } finally {
      await onHolder('SELECT pg_advisory_unlock_all()');
      await holder?.end();
    }
  });

  it('never flips a row marked STALE back to success when the job ends', async () => {
    const gate = gated(extractorFor(server), 'daily');
    const job = pipelineWith(gate.extractor).run('IBM', 'daily');
    await gate.reached;
    // What a sweep does if it runs in the moment a lease connection is being replaced.
    await ctx.db.query(
      `UPDATE ${ctx.q}.etl_job_logs SET status = 'failed', error_code = 'STALE', finished_at = now()`,
    );
    gate.open();
    const result = await job;
    expect(result.status).toBe('success');
    expect(result.inserted).toBeGreaterThan(1000);
    expect(result.warnings.join()).toMatch(/already been marked failed \(STALE\)/);
    const row = await jobRow(ctx, result.jobId as number);
    expect(row).toMatchObject({
      status: 'failed',
      error_code: 'STALE',
      rows_inserted: result.inserted,
    });
    expect((row.details as { lateFinish: unknown }).lateFinish).toMatchObject({
      status: 'success',
      errorCode: null,
    });
  });

  it('reports jobs on a schema not yet upgraded to leases, judging them by heartbeats', async () => {
    // A database still at the shipped 0.1 schema (the package was upgraded, installSchema not run).
    await ctx.db.exec(
      `ALTER TABLE ${ctx.q}.etl_job_logs DROP COLUMN lease_key, DROP COLUMN owner,
         DROP COLUMN stale_after_ms, DROP COLUMN covers_through_id;
       DELETE FROM ${ctx.q}.schema_migrations WHERE id > 1;`,
    );
    const at = (ms: number) => new Date(clock.now() - ms).toISOString();
    await ctx.db.query(
      `INSERT INTO ${ctx.q}.etl_job_logs (dataset, symbol, status, started_at, heartbeat_at)
       VALUES ('daily', 'SILENT', 'running', $1, $1), ('daily', 'BEATING', 'running', $1, $2)`,
      [at(3_600_000), at(60_000)],
    );
    const status = await getStatus(ctx.handle, { schema: ctx.schema, clock });
    expect(status).toMatchObject({ schemaVersion: 1, deadJobs: 1, jobs24h: { running: 1 } });
    const health = await healthCheck(ctx.handle, { schema: ctx.schema, clock });
    expect(health.checks.find((c) => c.name === 'schema')).toMatchObject({ ok: false });
    expect(health.checks.find((c) => c.name === 'jobs')?.detail).toMatch(
      /^1 job\(s\) left running by a process that is gone \(#\d+ SILENT daily\): The job's process stopped heartbeating/,
    );
  });

  const symbolStatus = async (symbol: string) =>
    (
      await ctx.db.query<{ status: string }>(
        `SELECT status FROM ${ctx.q}.etl_job_logs WHERE symbol = $1`,
        [symbol],
      )
    ).rows[0]?.status;
});

describe.runIf(process.env.DATABASE_URL)('job liveness: pools [pg]', () => {
  it('falls back to heartbeats on a pool of one connection instead of starving its jobs', async () => {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    const schema = uniqueSchema('pool_of_one');
    try {
      await installSchema(pool, { schema });
      const pipeline = new Pipeline({ db: pool, schema, extractor: extractorFor(server), clock });
      const batch = await pipeline.runBatch(['IBM', 'MSFT'], ['daily', 'quote']);
      expect(batch.failed).toBe(0);
      const { rows } = await pool.query(
        `SELECT DISTINCT lease_key, stale_after_ms FROM "${schema}".etl_job_logs`,
      );
      expect(rows).toEqual([{ lease_key: null, stale_after_ms: 1_800_000 }]);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    }
  });

  it('gives a pooled connection back after the jobs, however many pipelines share the pool', async () => {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
    const schema = uniqueSchema('shared_lease');
    try {
      await installSchema(pool, { schema });
      // Three pipelines at once on a pool of two: one lease for the process, one connection left.
      const results = await Promise.all(
        ['IBM', 'MSFT', 'AAPL'].map((symbol) =>
          new Pipeline({ db: pool, schema, extractor: extractorFor(server), clock }).run(
            symbol,
            'daily',
          ),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(['success', 'success', 'success']);
      const keys = await pool.query(
        `SELECT count(DISTINCT lease_key)::int AS n FROM "${schema}".etl_job_logs`,
      );
      expect(keys.rows[0].n).toBe(1);
      expect(pool.idleCount).toBe(pool.totalCount); // nothing still checked out
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    }
  });
});

describe.runIf(process.env.DATABASE_URL)('job liveness: a lost lease connection [pg]', () => {
  it('takes a new lease at once, moves the running job to it, and the host survives', async () => {
    const app = `stock_etl_lease_${randomBytes(4).toString('hex')}`;
    const pool = new pg.Pool({
      connectionString: process.env.DATABASE_URL,
      application_name: app,
      max: 4,
    });
    const schema = uniqueSchema('lease_lost');
    const ctx = { db: toDb(pool), q: `"${schema}"` };
    try {
      await installSchema(pool, { schema });
      const gate = gated(extractorFor(server), 'daily');
      const pipeline = new Pipeline({ db: pool, schema, extractor: gate.extractor, clock });
      const job = pipeline.run('IBM', 'daily');
      await gate.reached;
      const before = await ctx.db.query<{ id: number; lease_key: string }>(
        `SELECT id::int AS id, lease_key::text FROM ${ctx.q}.etl_job_logs`,
      );
      const { id, lease_key: first } = before.rows[0] as { id: number; lease_key: string };
      // An administrator (or a failover) ends the lease's connection: our own backend, by pid.
      const terminated = await ctx.db.query<{ ok: boolean }>(
        `SELECT pg_terminate_backend(l.pid) AS ok FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE a.application_name = $1 AND l.locktype = 'advisory' AND l.objsubid = 1
            AND ((l.classid::int8 << 32) | l.objid::int8) = $2::bigint`,
        [app, first],
      );
      expect(terminated.rows).toEqual([{ ok: true }]);
      await waitFor(async () => {
        const r = await jobRow(ctx, id);
        return String(r.lease_key) !== first;
      });
      // Re-labelled to a lease that is held: a sweep leaves it alone.
      const status = await getStatus(pool, { schema, clock });
      expect(status).toMatchObject({ deadJobs: 0, jobs24h: { running: 1 } });
      gate.open();
      expect(await job).toMatchObject({ status: 'success', warnings: [] });
      expect(await jobRow(ctx, id)).toMatchObject({ status: 'success' });
      // The pool still serves the next job.
      const next = await pipeline.run('MSFT', 'quote');
      expect(next).toMatchObject({ status: 'success' });
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    }
  });
});
