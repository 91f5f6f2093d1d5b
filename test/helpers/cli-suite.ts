/**
 * Every command and old spelling of the CLI as a child process against one database target, with
 * the fake Alpha Vantage server behind ALPHA_VANTAGE_BASE_URL. Steps share one database (a
 * persisted embedded data dir, or one schema on the server) and run in order.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/db/install';
import { type FakeAlphaVantage, startFakeAlphaVantage } from '../../src/testing';
import { CLI, jsonLines, runCli, TSX, until } from './cli';
import { uniqueSchema } from './db';

const SECRET = 'CLI-SECRET-KEY';
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/**
 * Registers the suite for `target`. Output-only behaviour (.env, the terminal display) does not
 * depend on the database: it runs once, on PostgreSQL when there is one (its processes start
 * faster), else on the embedded database.
 */
export function cliSuite(target: 'pglite' | 'pg'): void {
  const primary = target === (process.env.DATABASE_URL ? 'pg' : 'pglite');
  describe(`stock-etl CLI as a process [${target}]`, () => {
    let server: FakeAlphaVantage;
    const schema = uniqueSchema(`cli_${target}`);
    const tmp = mkdtempSync(join(tmpdir(), 'stock-etl-cli-'));
    const dataDir = join(tmp, 'db'); // not created until a writing command runs
    const place =
      target === 'pg'
        ? { DATABASE_URL: process.env.DATABASE_URL }
        : { STOCK_ETL_DATA_DIR: dataDir };
    const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
      ALPHA_VANTAGE_API_KEY: SECRET,
      ALPHA_VANTAGE_BASE_URL: server.url,
      ALPHA_VANTAGE_PLAN: 'premium-1200',
      STOCK_ETL_SCHEMA: schema,
      // The key's budget in the test's own schema: tests never share one day's budget.
      STOCK_ETL_BUDGET_SCHEMA: schema,
      ...place,
      ...extra,
    });
    const schemaExists = async () => {
      if (target === 'pglite') return existsSync(dataDir);
      const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
      try {
        const { rows } = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
          schema,
        ]);
        return rows.length > 0;
      } finally {
        await pool.end();
      }
    };

    beforeAll(async () => {
      server = await startFakeAlphaVantage({
        rejectUnknownKeys: true,
        keys: {
          [SECRET]: { plan: 'premium-1200' },
          'FROMFILE-KEY': { plan: 'premium-1200' },
          FREEKEY: { plan: 'free' },
        },
      });
    });
    afterAll(async () => {
      await server.close();
      rmSync(tmp, { recursive: true, force: true });
      if (target === 'pg') {
        const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await pool.end();
      }
    });

    it('read-only commands create nothing where there is no schema, and say what to run', async () => {
      const [status, health] = await Promise.all([
        runCli(['status'], { env: env() }),
        runCli(['health', '--json'], { env: env() }),
      ]);
      for (const r of [status, health]) {
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/^stock-etl: no schema here — run `stock-etl init-db`/);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
      }
      expect(await schemaExists()).toBe(false);
    });

    it('checks arguments and settings before opening or creating a database', async () => {
      // The full list of messages is in test/unit/cli/usage.test.ts; here: as a process, nothing created.
      const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
        [['run', 'IBM', '--dataset', 'dayly'], {}, /--dataset: Unknown dataset "dayly"/],
        [
          ['schedule', 'IBM', '--cron', 'intraday=61 * * * *'],
          {},
          /job "intraday": invalid cron expression/,
        ],
      ];
      const runs = await Promise.all(
        cases.map(([argv, extra]) => runCli(argv, { env: env(extra) })),
      );
      runs.forEach((r, i) => {
        const [argv, , message] = cases[i] as (typeof cases)[number];
        expect(r.code, argv.join(' ')).toBe(2);
        expect(r.stderr).toMatch(message);
      });
      expect(await schemaExists()).toBe(false);
    });

    it('--init-db installs; init-db --json reports it current', async () => {
      const first = await runCli(['--init-db'], { env: env() });
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(new RegExp(`schema ${schema}: applied migration\\(s\\)`));
      const again = await runCli(['init-db', '--json'], { env: env() });
      expect(jsonLines(again.stdout)).toEqual([{ schema, applied: [], current: SCHEMA_VERSION }]);
    });

    it('run, --single and --batch … --pipeline: exit codes, lines, the statistics table, --json', async () => {
      const batch = await runCli(['--batch', 'IBM', 'INVALIDX', '--pipeline'], { env: env() });
      expect(batch.code).toBe(1);
      expect(batch.stdout).toMatch(/^ok {3}IBM {6}daily /m); // a line per job as it finishes
      expect(batch.stdout).toMatch(/^FAIL INVALIDX daily /m);
      expect(batch.stdout).toMatch(/^symbol +dataset +status +extracted +inserted +updated/m);
      expect(batch.stdout).toMatch(/^INVALIDX +daily +failed .*INVALID_REQUEST/m);
      expect(batch.stdout).toMatch(/^total +1 ok/m);
      const single = await runCli(['--single', 'msft', '--json'], { env: env() });
      expect(single.code).toBe(0);
      const lines = jsonLines(single.stdout);
      expect(lines.map((l) => l.event)).toEqual(['job:finish', 'batch:finish']);
      expect(lines[0]).toMatchObject({ symbol: 'MSFT', dataset: 'daily', status: 'success' });
      expect(lines[1]).toMatchObject({ succeeded: 1, failed: 0 });
      for (const r of [batch, single]) expect(r.stdout + r.stderr).not.toContain(SECRET);
    });

    it('backfill prints one line per month and a summary', async () => {
      const r = await runCli(
        ['backfill', 'IBM', '--interval', '60min', '--from', '2024-01', '--to', '2024-02'],
        { env: env() },
      );
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^ok {3}IBM 60min 2024-01 loaded: inserted \d+.*\(1\/2\)$/m);
      expect(r.stdout).toMatch(/^ok {3}backfill IBM 60min: 2 month\(s\) loaded, 0 skipped/m);
    });

    it('--status and health --json', async () => {
      const text = await runCli(['--status'], { env: env() });
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/jobs in the last 24 h: \d+ success, 1 failed/);
      const health = await runCli(['health', '--json'], { env: env() });
      const [report] = jsonLines(health.stdout) as [{ ok: boolean; checks: { name: string }[] }];
      expect(report.checks.map((c) => c.name)).toEqual([
        'database',
        'schema',
        'jobs',
        'freshness',
        'api-budget',
        'api-refusals',
      ]);
      expect(health.code).toBe(report.ok ? 0 : 1);
    });

    it('--stream says stored or unchanged per quote and exits 130 on Ctrl-C', async () => {
      let child: ChildProcess | undefined;
      let out = '';
      const running = runCli(['--stream', 'IBM', '--stream-interval', '1', '--always'], {
        env: env(),
        onSpawn: (c) => {
          child = c;
          c.stdout?.on('data', (d: Buffer) => {
            out += d.toString();
          });
        },
      });
      await until(() => (out.match(/ IBM /g) ?? []).length >= 2);
      child?.kill('SIGINT');
      const r = await running;
      expect(r.code).toBe(130);
      expect(r.stdout).toMatch(/^\S+ IBM \d+\.\d+ .*(stored|unchanged, not stored)$/m);
    });

    it('stream --strategy says at start how many requests a day it will spend', async () => {
      let child: ChildProcess | undefined;
      let out = '';
      const running = runCli(
        ['stream', 'IBM', '--strategy', 'budget', '--always', '--interval', '1', '--json'],
        {
          env: env({ ALPHA_VANTAGE_PLAN: 'free' }),
          onSpawn: (c) => {
            child = c;
            c.stdout?.on('data', (d: Buffer) => {
              out += d.toString();
            });
          },
        },
      );
      await until(() => out.includes('"event":"start"'));
      child?.kill('SIGINT');
      await running;
      const start = jsonLines(out).find((l) => (l as { event?: string }).event === 'start');
      // --always: spread over the budget day; the last planned request falls at its reset.
      expect(start).toMatchObject({ event: 'start', strategy: 'budget', perDay: 25 });
      expect((start as { requestsPerDay: number }).requestsPerDay).toBeGreaterThanOrEqual(24);
      expect((start as { requestsPerDay: number }).requestsPerDay).toBeLessThanOrEqual(25);
    });

    it('stream exits 1 by itself after a fatal stop (key refused, every symbol unknown)', async () => {
      const badKey = await runCli(['stream', 'IBM', '--always', '--interval', '1'], {
        env: env({ ALPHA_VANTAGE_API_KEY: 'NOT-A-KNOWN-KEY' }),
        timeoutMs: 60_000,
      });
      expect(badKey.code).toBe(1);
      expect(badKey.stderr).toMatch(/stream stopped: INVALID_API_KEY/);
      expect(badKey.stderr).not.toContain('NOT-A-KNOWN-KEY');
      const none = await runCli(['stream', 'INVALIDX', 'INVALIDY', '--always', '--interval', '1'], {
        env: env(),
        timeoutMs: 60_000,
      });
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/INVALIDX dropped/);
      expect(none.stderr).toMatch(
        /stream stopped: VALIDATION: Every symbol was dropped as unknown/,
      );
    });

    it('Ctrl-C ends the in-flight job as ABORTED in etl_job_logs and exits 130', async () => {
      server.inject({ kind: 'delay', delayMs: 60_000, match: { symbol: 'SLOWCO' } });
      let child: ChildProcess | undefined;
      const running = runCli(['run', 'SLOWCO'], { env: env(), onSpawn: (c) => (child = c) });
      await until(() => server.requestCount({ symbol: 'SLOWCO' }) >= 1, 60_000);
      child?.kill('SIGINT');
      const r = await running;
      expect(r.code).toBe(130);
      expect(r.stderr).toMatch(/interrupted: stopping the running job \(ABORTED\)/);
      const [status] = jsonLines((await runCli(['status', '--json'], { env: env() })).stdout) as [
        { recentFailures: { symbol: string; errorCode: string }[] },
      ];
      expect(status.recentFailures).toContainEqual(
        expect.objectContaining({ symbol: 'SLOWCO', errorCode: 'ABORTED' }),
      );
    });

    it('schedule --once runs every job once; a free key that cannot carry the schedule is refused with the numbers', async () => {
      const once = await runCli(['schedule', 'IBM', '--once', '--json'], { env: env() });
      expect(once.code).toBe(0);
      const lines = jsonLines(once.stdout);
      expect(lines[0]?.event).toBe('budget');
      expect(lines.slice(1).map((l) => `${l.event} ${l.job} ${l.status}`)).toEqual([
        'job:finish daily success',
        'job:finish intraday success',
        'job:finish weekly success',
        'job:finish health success',
      ]);
      // A free key's defaults fetch intraday once after the close: 8 symbols fit, 9 do not (the
      // Saturday refresh costs 3 requests a symbol).
      const nine = ['IBM', 'MSFT', 'AAPL', 'AMZN', 'GOOG', 'META', 'NVDA', 'TSLA', 'ORCL'];
      const free = await runCli(['schedule', ...nine], {
        env: env({ ALPHA_VANTAGE_API_KEY: 'FREEKEY', ALPHA_VANTAGE_PLAN: 'free' }),
      });
      expect(free.code).toBe(2);
      expect(free.stderr).toMatch(
        /needs 27 API requests on \d{4}-\d\d-\d\d \(weekly 1 run × 27\) but the key allows 25 a day.*--allow-over-budget/,
      );
    });

    it('schedule prints the next runs at start and finishes the running job on SIGTERM (exit 0)', async () => {
      let child: ChildProcess | undefined;
      let out = '';
      const running = runCli(['schedule', '--jobs', 'health', '--cron', 'health=* * * * * *'], {
        env: env(),
        onSpawn: (c) => {
          child = c;
          c.stdout?.on('data', (d: Buffer) => {
            out += d.toString();
          });
        },
      });
      await until(() => /ok {3}health: healthy/.test(out), 60_000);
      child?.kill('SIGTERM');
      const r = await running;
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^schedule started \(cron times in America\/New_York\)/m);
      expect(r.stdout).toMatch(
        /^ {2}health +\* \* \* \* \* \* +\d{4}-\d\d-\d\d \d\d:\d\d E[SD]T +health check$/m,
      );
      expect(r.stderr).toMatch(/SIGTERM: finishing the running job/);
    });

    it.runIf(primary)(
      'reads .env from the working directory; the real environment wins',
      async () => {
        const cwd = mkdtempSync(join(tmp, 'cwd-'));
        const lines = [
          'ALPHA_VANTAGE_API_KEY=FROMFILE-KEY',
          `ALPHA_VANTAGE_BASE_URL=${server.url}`,
          'ALPHA_VANTAGE_PLAN=premium-1200',
          `STOCK_ETL_SCHEMA=${schema}`,
          ...Object.entries(place).map(([k, v]) => `${k}=${v}`),
        ];
        writeFileSync(join(cwd, '.env'), `# like the original system\n${lines.join('\n')}\n`);
        const fromFile = server.requestCount({ apiKey: 'FROMFILE-KEY' });
        const fromEnv = server.requestCount({ apiKey: SECRET });
        const a = await runCli(['run', 'IBM', '--dataset', 'quote'], { env: {}, cwd });
        expect(a.code).toBe(0);
        expect(server.requestCount({ apiKey: 'FROMFILE-KEY' })).toBe(fromFile + 1);
        const b = await runCli(['run', 'IBM', '--dataset', 'quote'], {
          env: { ALPHA_VANTAGE_API_KEY: SECRET },
          cwd,
        });
        expect(b.code).toBe(0);
        expect(server.requestCount({ apiKey: 'FROMFILE-KEY' })).toBe(fromFile + 1);
        expect(server.requestCount({ apiKey: SECRET })).toBe(fromEnv + 1);
      },
    );

    it.runIf(primary && hasScript)(
      'shows a live progress display on a terminal, plain lines otherwise',
      async () => {
        const args = ['run', 'IBM', 'MSFT', '--dataset', 'weekly', '--dataset', 'monthly'];
        const command = [process.execPath, '--import', TSX, CLI, ...args]
          .map((a) => `'${a}'`)
          .join(' ');
        const tty = await new Promise<string>((resolve, reject) => {
          const child = spawn('script', ['-qfec', command, '/dev/null'], {
            env: { PATH: process.env.PATH, TERM: 'xterm', ...env() },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let text = '';
          child.stdout.on('data', (d: Buffer) => {
            text += d.toString();
          });
          child.on('error', reject);
          child.on('close', () => resolve(text));
        });
        expect(tty).toMatch(/\d\/4 jobs \| \d+ rows \| \d+ requests \| ETA /);
        expect(tty).toContain('\u001b['); // drawn with terminal control sequences
        expect(tty).toMatch(/4 succeeded, 0 failed/);
        const plain = await runCli(args, { env: env() });
        expect(plain.code).toBe(0);
        expect(plain.stdout + plain.stderr).not.toContain('\u001b[');
        expect(plain.stdout.trim().split('\n')).toHaveLength(5); // a line per job, then the totals
      },
    );
  });
}
