/**
 * Issue 10 §8, as reported: `stock-etl init-db`, then two `stock-etl run` processes at once on the
 * embedded database (its default). Both printed "2 succeeded", yet status showed 2 jobs instead of
 * 4, IBM's watermarks were gone and its rows were found by a full scan but not through the index.
 * With the data-folder lock the second process waits for the first, and the data is exact.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedDb } from '../../src/db/embedded';
import type { EmbeddedDb } from '../../src/db/embedded-db';
import { type FakeAlphaVantage, startFakeAlphaVantage } from '../../src/testing';
import { jsonLines } from '../helpers/cli';

let server: FakeAlphaVantage;
const dataDir = mkdtempSync(join(tmpdir(), 'stock-etl-two-cli-'));
beforeAll(async () => {
  // A fixed market "now" after a close, so a rerun sees the very same bars.
  server = await startFakeAlphaVantage({ now: () => new Date('2024-03-15T21:00:00Z') });
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a separate process, on the embedded database in `dataDir` (no DATABASE_URL). */
function cli(args: string[], onStderr?: (text: string) => void): Promise<Run> {
  const { DATABASE_URL: _, ...rest } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
      env: {
        ...rest,
        STOCK_ETL_DATA_DIR: dataDir,
        ALPHA_VANTAGE_API_KEY: 'TWO-PROCESS-KEY',
        ALPHA_VANTAGE_BASE_URL: server.url,
        ALPHA_VANTAGE_PLAN: 'premium-1200',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function withDb<T>(fn: (db: EmbeddedDb) => Promise<T>): Promise<T> {
  const db = await createEmbeddedDb({ dataDir });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

describe('two stock-etl processes on one embedded database', () => {
  it('both succeed and the data is exact: 4 jobs, 4 watermarks, index and table agree', async () => {
    expect((await cli(['init-db'])).code).toBe(0);
    const [ibm, msft] = await Promise.all([
      cli(['run', 'IBM', '--dataset', 'daily', '--dataset', 'intraday:1min']),
      cli(['run', 'MSFT', '--dataset', 'daily', '--dataset', 'intraday:1min']),
    ]);
    for (const r of [ibm, msft]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/2 succeeded, 0 failed/);
    }
    await withDb(async (db) => {
      const jobs = await db.query<{ symbol: string; dataset: string; status: string }>(
        'SELECT symbol, dataset, status FROM stock_etl.etl_job_logs ORDER BY symbol, dataset',
      );
      expect(jobs.rows).toEqual([
        { symbol: 'IBM', dataset: 'daily', status: 'success' },
        { symbol: 'IBM', dataset: 'intraday:1min', status: 'success' },
        { symbol: 'MSFT', dataset: 'daily', status: 'success' },
        { symbol: 'MSFT', dataset: 'intraday:1min', status: 'success' },
      ]);
      const marks = await db.query<{ symbol: string; dataset: string }>(
        'SELECT symbol, dataset FROM stock_etl.etl_watermarks ORDER BY symbol, dataset',
      );
      expect(marks.rows.map((m) => `${m.symbol}:${m.dataset}`)).toEqual([
        'IBM:daily',
        'IBM:intraday:1min',
        'MSFT:daily',
        'MSFT:intraday:1min',
      ]);
      // The same count through a full scan and through the primary key's index.
      const count = async (table: string, symbol: string, via: 'seq' | 'index') => {
        await db.exec(
          via === 'seq'
            ? 'SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off; SET enable_seqscan = on'
            : 'SET enable_seqscan = off; SET enable_indexscan = on; SET enable_bitmapscan = on; SET enable_indexonlyscan = on',
        );
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM stock_etl.${table} WHERE symbol = $1`,
          [symbol],
        );
        return rows[0]?.n;
      };
      for (const symbol of ['IBM', 'MSFT']) {
        for (const table of ['stock_prices', 'stock_prices_intraday']) {
          const seq = await count(table, symbol, 'seq');
          expect(seq, `${symbol} ${table}`).toBeGreaterThan(0);
          expect(await count(table, symbol, 'index'), `${symbol} ${table}`).toBe(seq);
        }
      }
      await db.exec('RESET ALL');
    });
    // A rerun finds everything in place: nothing inserted twice.
    const again = await cli(['run', 'IBM', '--dataset', 'daily', '--json']);
    expect(again.code, again.stderr).toBe(0);
    // `--json` prints one object per event; the batch's totals are on its `batch:finish` line.
    const finish = jsonLines(again.stdout).find((line) => line.event === 'batch:finish');
    expect(finish?.totals).toMatchObject({ inserted: 0, updated: 0 });
  });

  it('a process that finds the folder busy says so, waits, then runs', async () => {
    const holder = await createEmbeddedDb({ dataDir });
    let closing: Promise<void> | undefined;
    // The holder lets go once the CLI has said that it waits (its first progress line).
    const r = await cli(['status'], (stderr) => {
      if (/waiting/.test(stderr)) closing ??= holder.close();
    });
    await closing;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(`data folder ${dataDir} in use by PID ${process.pid}; waiting`);
    expect(r.stdout).toMatch(/jobs in the last 24 h/);
  });
});
