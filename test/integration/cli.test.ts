import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli';
import { SCHEMA_VERSION } from '../../src/db/install';
import { MIGRATIONS } from '../../src/db/migrations.generated';
import type { FakeAlphaVantage } from '../../src/testing';
import { startFakeAlphaVantage } from '../../src/testing';
import { targets, uniqueSchema } from '../helpers/db';

let server: FakeAlphaVantage;
beforeAll(async () => {
  server = await startFakeAlphaVantage();
});
afterAll(async () => {
  await server.close();
});

/** Runs the CLI in-process and captures what it prints (`onOut` sees each stdout line as it comes). */
async function cli(argv: string[], env: NodeJS.ProcessEnv, onOut?: (line: string) => void) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => {
    out.push(a.join(' '));
    onOut?.(a.join(' '));
  });
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => {
    err.push(a.join(' '));
  });
  try {
    const code = await main(argv, env);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('stock-etl CLI: usage', () => {
  const env = { ALPHA_VANTAGE_API_KEY: 'k' };
  it('prints help with exit 0, and exit 2 without a command', async () => {
    expect((await cli(['--help'], env)).code).toBe(0);
    const none = await cli([], env);
    expect(none.code).toBe(2);
    expect(none.stdout).toMatch(/Usage: stock-etl/);
  });

  it('refuses bad usage with exit 2 and a one-line reason, before opening a database', async () => {
    for (const [argv, reason] of [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['run'], /run needs at least one SYMBOL/],
      [['backfill', 'IBM', '--interval', '1min'], /--from YYYY-MM/],
      [['backfill', 'IBM', '--interval', '2min', '--from', '2024-01'], /--interval 1min\|5min/],
      [['run', 'IBM', '--bogus'], /Unknown option '--bogus'/],
    ] as const) {
      const r = await cli([...argv], env);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(reason);
      expect(r.stderr.split('\n')).toHaveLength(1);
    }
  });

  it('says which variable is missing when there is no API key', async () => {
    const r = await cli(['run', 'IBM'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ALPHA_VANTAGE_API_KEY is not set/);
  });

  it('exits non-zero with one line when run as a process', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'nope'], {
      encoding: 'utf8',
      env: { ...process.env, ALPHA_VANTAGE_API_KEY: 'k' },
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('stock-etl: unknown command "nope" (see stock-etl --help)');
  });
});

for (const target of targets) {
  describe(`stock-etl CLI: commands [${target}]`, () => {
    const schema = uniqueSchema(`cli_${target}`);
    const dataDir = mkdtempSync(join(tmpdir(), 'stock-etl-cli-'));
    const env = (): NodeJS.ProcessEnv => ({
      ALPHA_VANTAGE_API_KEY: 'CLI-SECRET-KEY',
      ALPHA_VANTAGE_BASE_URL: server.url,
      ALPHA_VANTAGE_PLAN: 'premium-1200',
      STOCK_ETL_SCHEMA: schema,
      // The budget schema is shared (stock_etl) by default: keep this test's own.
      STOCK_ETL_BUDGET_SCHEMA: schema,
      ...(target === 'pg'
        ? { DATABASE_URL: process.env.DATABASE_URL }
        : { STOCK_ETL_DATA_DIR: dataDir }),
    });
    afterAll(async () => {
      rmSync(dataDir, { recursive: true, force: true });
      if (target === 'pg') {
        const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await pool.end();
      }
    });

    it('init-db installs, then reports the schema current', async () => {
      const first = await cli(['init-db'], env());
      expect(first).toMatchObject({ code: 0 });
      expect(first.stdout).toMatch(
        new RegExp(
          `schema ${schema}: applied migration\\(s\\) ${MIGRATIONS.map((m) => m.id).join(', ')}`,
        ),
      );
      const second = await cli(['init-db', '--json'], env());
      expect(JSON.parse(second.stdout)).toEqual({ schema, applied: [], current: SCHEMA_VERSION });
    });

    it('run loads datasets and exits 1 when a job failed', async () => {
      const ok = await cli(
        ['run', 'IBM', 'MSFT', '--dataset', 'daily', '--dataset', 'quote'],
        env(),
      );
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/ok {3}IBM {6}daily/);
      expect(ok.stdout).toMatch(/4 succeeded, 0 failed/);
      const bad = await cli(['run', 'INVALIDX', '--json'], env());
      expect(bad.code).toBe(1);
      const batch = JSON.parse(bad.stdout);
      expect(batch.jobs[0].error.code).toBe('INVALID_REQUEST');
      expect(bad.stdout + bad.stderr).not.toContain('CLI-SECRET-KEY');
    });

    it('backfill walks the months and prints a summary', async () => {
      const r = await cli(
        ['backfill', 'IBM', '--interval', '60min', '--from', '2024-01', '--to', '2024-02'],
        env(),
      );
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/ok {3}backfill IBM 60min: 2 month\(s\) loaded, 0 skipped/);
      expect(r.stderr).toMatch(/2024-01 loaded \(1\/2\)/);
    });

    it('status reports jobs and freshness, as text and JSON', async () => {
      const text = await cli(['status'], env());
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/jobs in the last 24 h: \d+ success, 1 failed/);
      const json = JSON.parse((await cli(['status', '--json'], env())).stdout);
      expect(json.schema).toBe(schema);
      expect(
        json.freshness.map((f: { symbol: string; dataset: string }) => `${f.symbol}:${f.dataset}`),
      ).toEqual(expect.arrayContaining(['IBM:daily', 'MSFT:daily', 'IBM:intraday:60min']));
    });

    it('stream polls quotes into stock_quotes until interrupted', async () => {
      // Interrupted once both symbols have been polled, however long a loaded machine takes.
      const seen = new Set<string>();
      let polled: () => void = () => undefined;
      const bothPolled = new Promise<void>((resolve) => {
        polled = resolve;
      });
      const running = cli(['stream', 'IBM', 'MSFT', '--interval', '1', '--always'], env(), (l) => {
        const symbol = / (IBM|MSFT) \d+\.\d+/.exec(l)?.[1];
        if (symbol) seen.add(symbol);
        if (seen.size === 2) polled();
      });
      await Promise.race([bothPolled, running]);
      process.emit('SIGINT');
      const r = await running;
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/ IBM \d+\.\d+/);
      expect(r.stdout).toMatch(/ MSFT \d+\.\d+/);
      const status = JSON.parse((await cli(['status', '--json'], env())).stdout);
      const quotes = status.tables.find((t: { table: string }) => t.table === 'stock_quotes');
      expect(quotes.rows).toBeGreaterThanOrEqual(2);
    });

    it('health checks the database and exits 0 when healthy', async () => {
      const r = await cli(['health', '--json'], env());
      const report = JSON.parse(r.stdout);
      expect(report.checks.map((c: { name: string }) => c.name)).toEqual([
        'database',
        'schema',
        'jobs',
        'freshness',
        'api-budget',
        'api-refusals',
      ]);
      expect(r.code).toBe(report.ok ? 0 : 1);
      expect(report.checks.find((c: { name: string }) => c.name === 'schema').ok).toBe(true);
      // The budget is kept in the database, so this new process sees the requests of the earlier
      // `run`, `backfill` and `stream` invocations.
      const budget = report.checks.find((c: { name: string }) => c.name === 'api-budget');
      expect(budget.detail).toMatch(/no daily limit \((\d+) used today\)/);
      expect(Number(/\((\d+) used/.exec(budget.detail)?.[1])).toBeGreaterThanOrEqual(7);
    });
  });
}
