import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { version } from '../../../package.json';
import { parseInvocation } from '../../../src/cli/args';
import { readEnv, withDotEnv } from '../../../src/cli/env';
import { main } from '../../../src/cli/index';
import { runCli } from '../../helpers/cli';

const tmp = mkdtempSync(join(tmpdir(), 'stock-etl-cli-usage-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the CLI in-process (fast: no child, no database) and captures what it prints. */
async function cli(argv: string[], env: NodeJS.ProcessEnv = {}, cwd = tmp) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  try {
    const code = await main(argv, { STOCK_ETL_DATA_DIR: join(tmp, 'never'), ...env }, { cwd });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('CLI usage: help, --version, exit codes', () => {
  it('prints help with exit 0, and exit 2 without a command', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: stock-etl/);
    expect(help.stdout).toMatch(/--single SYMBOL {12}= run SYMBOL/);
    const none = await cli([]);
    expect(none.code).toBe(2);
  });

  it('--version and -V print the package version', async () => {
    expect((await cli(['--version'])).stdout).toBe(version);
    expect((await cli(['-V'])).stdout).toBe(version);
  });

  it('exits 2 with one line, naming the flag or variable, before anything is opened', async () => {
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['frobnicate'], {}, /unknown command "frobnicate"/],
      [['run'], { ALPHA_VANTAGE_API_KEY: 'k' }, /run needs at least one SYMBOL/],
      [['run', 'IBM', '--bogus'], {}, /Unknown option '--bogus'/],
      [['status', '--dataset', 'daily'], {}, /--dataset does not apply to status/],
      [['run', 'IBM'], {}, /ALPHA_VANTAGE_API_KEY is not set/],
      [
        ['run', 'IBM'],
        { ALPHA_VANTAGE_API_KEY: 'a key' },
        /ALPHA_VANTAGE_API_KEY must be the key alone/,
      ],
      [
        ['run', 'IBM', '--dataset', 'dayly'],
        { ALPHA_VANTAGE_API_KEY: 'k' },
        /^stock-etl: --dataset: Unknown dataset "dayly"/,
      ],
      [['backfill', 'IBM', '--interval', '1min'], { ALPHA_VANTAGE_API_KEY: 'k' }, /--from YYYY-MM/],
      [['backfill', 'IBM', '--interval', '2min', '--from', '2024-01'], {}, /--interval 1min\|5min/],
      [
        ['backfill', 'IBM', '--interval', '1min', '--from', '2024-13'],
        {},
        /--from must be a month YYYY-MM/,
      ],
      [
        ['backfill', 'IBM', '--interval', '1min', '--from', '2024-05', '--to', '2024-02'],
        {},
        /--from 2024-05 is after --to 2024-02/,
      ],
      [
        ['backfill', 'IBM', '--interval', '1min', '--from', '2024-01', '--to', '2999-01'],
        {},
        /--to 2999-01 is in the future/,
      ],
      [
        ['backfill', 'IBM', 'MSFT', '--interval', '1min', '--from', '2024-01'],
        {},
        /backfill needs exactly one SYMBOL/,
      ],
      [
        ['stream', 'IBM', '--interval', '0.5'],
        { ALPHA_VANTAGE_API_KEY: 'k' },
        /--interval must be a number of seconds ≥ 1/,
      ],
      [
        ['stream', 'IBM', '--strategy', 'fastest'],
        { ALPHA_VANTAGE_API_KEY: 'k' },
        /--strategy must be one of fixed, budget, adaptive, got "fastest"/,
      ],
      [
        ['run', 'IBM'],
        { ALPHA_VANTAGE_API_KEY: 'k', ALPHA_VANTAGE_BASE_URL: 'ftp://x' },
        /ALPHA_VANTAGE_BASE_URL must be an http\(s\) URL/,
      ],
      [
        ['run', 'IBM'],
        { ALPHA_VANTAGE_API_KEY: 'k', ALPHA_VANTAGE_BASE_URL: 'not a url' },
        /ALPHA_VANTAGE_BASE_URL must be an http\(s\) URL/,
      ],
      [
        ['status'],
        { ALPHA_VANTAGE_PLAN: 'gold' },
        /ALPHA_VANTAGE_PLAN must be one of free, premium-75/,
      ],
      [
        ['status'],
        { DATABASE_URL: 'notaurl' },
        /DATABASE_URL must be a postgres:\/\/user:password@host:port\/database URL/,
      ],
      [['status'], { DATABASE_URL: 'user:hunter2@host/db' }, /DATABASE_URL must be a postgres:/],
      [['status'], { STOCK_ETL_SCHEMA: 'bad name' }, /Invalid STOCK_ETL_SCHEMA "bad name"/],
      [
        ['schedule', 'IBM', '--cron', 'hourly=0 * * * *'],
        { ALPHA_VANTAGE_API_KEY: 'k' },
        /--cron takes NAME=EXPRESSION with NAME one of daily, intraday, weekly, health/,
      ],
      [
        ['schedule', 'IBM', '--cron', 'daily=0 25 * * *'],
        { ALPHA_VANTAGE_API_KEY: 'k' },
        /job "daily": invalid cron expression "0 25 \* \* \*"/,
      ],
      [
        ['schedule', 'IBM', '--jobs', 'daily,nope'],
        {},
        /--jobs takes names from daily, intraday, weekly, health/,
      ],
      [['schedule'], { ALPHA_VANTAGE_API_KEY: 'k' }, /schedule needs at least one SYMBOL/],
      [['schedule', 'IBM', '--config', 'missing.json'], {}, /--config .*missing\.json: ENOENT/],
      [
        ['--single', 'IBM', 'MSFT'],
        {},
        /--single takes one SYMBOL \(got 2\); use --batch for several/,
      ],
      [
        ['--single', 'IBM', '--status'],
        {},
        /use one of --init-db, --single, --batch, --status, --stream at a time/,
      ],
      [
        ['run', '--single', 'IBM'],
        {},
        /--single is the old spelling of "run": use one or the other/,
      ],
      [['run', 'IBM', '--stream-interval', '5'], {}, /--stream-interval goes with --stream/],
      [['--status', '--pipeline'], {}, /--pipeline goes with --batch/],
      [['--init-db', '--stream-interval', '3'], {}, /--stream-interval goes with --stream/],
    ];
    for (const [argv, env, reason] of cases) {
      const r = await cli(argv, env);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toMatch(reason);
      expect(r.stderr.split('\n')).toHaveLength(1);
      expect(r.stderr).not.toContain('hunter2');
    }
    expect(existsSync(join(tmp, 'never'))).toBe(false);
  });

  it('an unreachable server is named as the database, without its password (exit 1)', async () => {
    const r = await cli(['status'], { DATABASE_URL: 'postgres://me:hunter2@127.0.0.1:1/stocks' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^stock-etl: cannot connect to the database at DATABASE_URL=postgres:\/\/me:\*\*\*@127\.0\.0\.1:1\/stocks: .*ECONNREFUSED/,
    );
    expect(r.stderr).not.toContain('hunter2');
  });

  it('a schedule config file sets symbols and jobs; a bad one names the field', async () => {
    const file = join(tmp, 'schedule.json');
    writeFileSync(file, JSON.stringify({ jobs: { daily: { cron: 5 } } }));
    const bad = await cli(['schedule', 'IBM', '--config', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/schedule config: jobs\.daily\.cron: Invalid type: Expected string/);
    writeFileSync(
      file,
      JSON.stringify({
        jobs: { quotes: { cron: '*/5 9-16 * * 1-5', datasets: ['quote', 'nope'] } },
      }),
    );
    const dataset = await cli(['schedule', '--config', file], { ALPHA_VANTAGE_API_KEY: 'k' });
    expect(dataset.stderr).toMatch(/schedule needs at least one SYMBOL/);
    writeFileSync(
      file,
      JSON.stringify({
        symbols: ['IBM'],
        jobs: { quotes: { cron: '*/5 9-16 * * 1-5', datasets: ['quote', 'nope'] } },
      }),
    );
    const unknown = await cli(['schedule', '--config', file], { ALPHA_VANTAGE_API_KEY: 'k' });
    expect(unknown.stderr).toMatch(/Unknown dataset "nope"/);
  });
});

describe('CLI arguments: the original system’s spellings map onto the subcommands', () => {
  const map = (argv: string[]) => {
    const { command, args, flags } = parseInvocation(argv);
    return {
      command,
      args,
      flags: Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)),
    };
  };
  it.each([
    [['--init-db'], { command: 'init-db', args: [], flags: {} }],
    [
      ['--single', 'IBM', '--dataset', 'quote'],
      { command: 'run', args: ['IBM'], flags: { dataset: ['quote'] } },
    ],
    [
      ['--batch', 'IBM', 'MSFT', '--pipeline'],
      { command: 'run', args: ['IBM', 'MSFT'], flags: { table: true } },
    ],
    [['--status', '--json'], { command: 'status', args: [], flags: { json: true } }],
    [
      ['--stream', 'IBM', '--stream-interval', '5'],
      { command: 'stream', args: ['IBM'], flags: { interval: '5' } },
    ],
    [
      ['--stream', 'IBM', '--stream-interval=5'],
      { command: 'stream', args: ['IBM'], flags: { interval: '5' } },
    ],
  ])('%j', (argv, expected) => {
    expect(map(argv)).toEqual(expected);
  });
});

describe('CLI environment: .env under the real environment', () => {
  it('reads .env from the working directory; the real environment wins, even when empty', () => {
    const cwd = mkdtempSync(join(tmp, 'env-'));
    writeFileSync(
      join(cwd, '.env'),
      '# comment\nALPHA_VANTAGE_API_KEY=FROM_FILE\nSTOCK_ETL_SCHEMA="file_schema"\nSTOCK_ETL_DATA_DIR=data\nALPHA_VANTAGE_PLAN=premium-75\n',
    );
    const merged = withDotEnv({ ALPHA_VANTAGE_API_KEY: 'FROM_ENV', ALPHA_VANTAGE_PLAN: '' }, cwd);
    const settings = readEnv(merged, cwd);
    expect(settings.apiKey).toBe('FROM_ENV');
    expect(settings.schema).toBe('file_schema');
    expect(settings.dataDir).toBe(join(cwd, 'data'));
    expect(settings.plan).toBe('free'); // set (empty) in the real environment: the file does not apply
    expect(readEnv(merged, cwd, 'flag_schema').schema).toBe('flag_schema'); // --schema wins over both
    expect(withDotEnv({ A: '1' }, tmp)).toEqual({ A: '1' }); // no .env: nothing added
  });
});

describe('CLI as a process without a database', () => {
  it('--version from any directory, and a one-line usage error', async () => {
    const [v, bad] = await Promise.all([
      runCli(['--version'], { env: {}, cwd: tmp }),
      runCli(['nope', '--json'], { env: {}, cwd: tmp }),
    ]);
    expect(v).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('stock-etl: unknown command "nope" (see stock-etl --help)\n');
  });
});
