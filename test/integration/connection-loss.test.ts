/**
 * Issue 10 §1: a backend terminated under the library (pg_terminate_backend: failovers, idle
 * timeouts, admin kills) must never take the host process down. Each scenario runs in a child
 * process (test/helpers/connection-kill-child.ts), so a crash is seen as what it is: the child
 * dying with "Unhandled 'error' event". Only backends with an application_name unique to the test
 * are terminated — the server is shared.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installSchema } from '../../src/db/install';
import { uniqueSchema } from '../helpers/db';

interface ChildRun {
  code: number | null;
  stderr: string;
  result: Record<string, unknown> | undefined;
}

function runChild(scenario: string, handle: string, schema: string): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/helpers/connection-kill-child.ts'],
      {
        env: {
          ...process.env,
          KILL_SCENARIO: scenario,
          KILL_HANDLE: handle,
          KILL_SCHEMA: schema,
          KILL_APP: `stock_etl_kill_${randomBytes(6).toString('hex')}`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').at(-1);
      let result: Record<string, unknown> | undefined;
      try {
        result = line ? JSON.parse(line) : undefined;
      } catch {
        result = undefined;
      }
      resolve({ code, stderr, result });
    });
  });
}

/** The child lived, and said what it saw. */
function survived(run: ChildRun): Record<string, unknown> {
  expect(run.stderr).not.toMatch(/Unhandled 'error' event|uncaught|unhandled/i);
  expect(run.code, run.stderr.slice(-2000)).toBe(0);
  expect(run.result).toBeDefined();
  return run.result as Record<string, unknown>;
}

const lost = (retryable: boolean) =>
  expect.objectContaining({
    name: 'DatabaseError',
    code: 'DATABASE',
    sqlstate: expect.stringMatching(/^(57P01|08\d{3})$/),
    retryable,
  });

describe.runIf(process.env.DATABASE_URL)('a terminated backend never crashes the host [pg]', () => {
  let pool: pg.Pool;
  const schemas: string[] = [];
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  });
  afterAll(async () => {
    for (const s of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await pool.end();
  });
  async function freshSchema(label: string): Promise<string> {
    const schema = uniqueSchema(label);
    schemas.push(schema);
    await installSchema(pool, { schema });
    return schema;
  }

  for (const handle of ['pool', 'client'] as const) {
    // A pool replaces the lost connection (retry helps); a single client is gone for good.
    const canReconnect = handle === 'pool';

    it(`idle inside a transaction (${handle})`, async () => {
      const r = survived(await runChild('idle', handle, await freshSchema(`kill_idle_${handle}`)));
      expect(r.error).toEqual(lost(canReconnect));
      if (canReconnect) expect(r.next).toEqual({ ok: true });
      else expect(r.next).toEqual({ error: lost(false) });
    });

    it(`during COPY (${handle})`, async () => {
      const r = survived(await runChild('copy', handle, await freshSchema(`kill_copy_${handle}`)));
      expect(r.error).toEqual(lost(canReconnect));
      if (canReconnect) expect(r.next).toEqual({ ok: true });
      else expect(r.next).toEqual({ error: lost(false) });
    });

    it(`during the staging merge (${handle})`, async () => {
      const schema = await freshSchema(`kill_merge_${handle}`);
      const r = survived(await runChild('merge', handle, schema));
      expect(r.error).toEqual(lost(canReconnect));
      if (canReconnect) {
        // The pool served the rerun, and it is exact: 100 rows updated, 100 new, nothing twice.
        expect(r.rerun).toEqual({ inserted: 100, updated: 100, unchanged: 0 });
        expect(r.rows).toEqual({ n: 200, changed: 200 });
        expect(r.next).toEqual({ ok: true });
      } else {
        expect(r.next).toEqual({ error: lost(false) });
      }
    });

    it(`in a pipeline job (${handle})`, async () => {
      const schema = await freshSchema(`kill_job_${handle}`);
      const r = survived(await runChild('pipeline', handle, schema));
      const rows = r.rows as { n: number; dates: number };
      if (canReconnect) {
        // Retried once on a new connection (57P01 is transient), then a rerun changes nothing.
        const job = r.job as { status: string; warnings: string[] };
        expect(job.status).toBe('success');
        expect(job.warnings.join('\n')).toMatch(/retried once after a transient database error/);
        expect(r.inserted).toBeGreaterThan(5000);
        expect(r.rerun).toEqual({ status: 'success', inserted: 0, updated: 0 });
        expect(rows).toEqual({ n: r.inserted, dates: r.inserted });
      } else {
        expect(r.job).toMatchObject({ status: 'failed', error: { code: 'DATABASE' } });
        expect(r.afterLoss).toMatchObject({ status: 'failed', error: { code: 'DATABASE' } });
        expect(rows).toEqual({ n: 0, dates: 0 }); // nothing half-committed
      }
    });
  }
});
