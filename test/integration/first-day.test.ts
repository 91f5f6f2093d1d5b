/**
 * A new user's first day with a free key (issue 9): empty database, the fake server answering as
 * the free tier does today, `run` of three symbols × daily and 5-minute intraday — through the
 * Pipeline and through the CLI in a child process. Every job must succeed, no request may be
 * spent on something the key was already refused, and a second run adds no refusal at all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlphaVantageExtractor } from '../../src/alpha-vantage/extractor';
import type { AlphaVantagePlan } from '../../src/alpha-vantage/options';
import { PostgresBudgetStore } from '../../src/load/postgres-budget-store';
import { type BatchResult, Pipeline } from '../../src/pipeline';
import {
  type FakeAlphaVantage,
  type FakeAlphaVantageOptions,
  startFakeAlphaVantage,
} from '../../src/testing';
import { jsonLines, runCli as runCliProcess } from '../helpers/cli';
import { type DbContext, describeEachDb, targets, uniqueSchema } from '../helpers/db';
import { FakeClock } from '../unit/alpha-vantage/fake-clock';

const SYMBOLS = ['IBM', 'MSFT', 'AAPL'];
const DATASETS = ['daily', 'intraday:5min'] as const;
const KEY = 'FREEKEY0123456789';
/** Friday 2026-05-15, 17:00 New York: after the close. */
const START = Date.parse('2026-05-15T21:00:00Z');

/** Requests the server refused for any reason (premium, rate, quota, invalid). */
function refusals(fake: FakeAlphaVantage): number {
  const s = fake.stats();
  return s.total - s.served;
}

/** apiCalls per `SYMBOL dataset`. */
function callsOf(batch: BatchResult): Record<string, number> {
  return Object.fromEntries(batch.jobs.map((j) => [`${j.symbol} ${j.dataset}`, j.apiCalls]));
}

describeEachDb('first day with a free key, through the Pipeline', (ctx: DbContext) => {
  let fake: FakeAlphaVantage;
  let clock: FakeClock;
  const open = async (options: FakeAlphaVantageOptions) => {
    clock = new FakeClock(START);
    // The server's windows run on the same virtual clock, so 1 request a second costs no real time.
    fake = await startFakeAlphaVantage({
      now: () => new Date(clock.now()),
      clock: () => clock.now(),
      ...options,
    });
  };
  afterEach(async () => {
    await fake?.close();
  });
  /** A "process": its own extractor and pipeline, sharing only the database. */
  const processWith = (plan: AlphaVantagePlan) => {
    const extractor = new AlphaVantageExtractor({
      apiKey: KEY,
      baseUrl: fake.url,
      plan,
      clock,
      budgetStore: new PostgresBudgetStore(ctx.handle, { schema: ctx.schema }),
      malformedRows: 'report',
    });
    return new Pipeline({ db: ctx.handle, schema: ctx.schema, extractor, clock });
  };

  it("plan 'free': every job succeeds with one request each, never a refusal, twice", async () => {
    await open({ plan: 'free' });
    const first = await processWith('free').runBatch(SYMBOLS, [...DATASETS]);
    expect(first.jobs.map((j) => [j.symbol, j.dataset, j.status, j.error?.code])).toEqual(
      SYMBOLS.flatMap((s) => DATASETS.map((d) => [s, d, 'success', undefined])),
    );
    expect(Object.values(callsOf(first))).toEqual([1, 1, 1, 1, 1, 1]);
    for (const job of first.jobs.filter((j) => j.dataset === 'daily')) {
      expect(job).toMatchObject({ outputsize: 'compact', inserted: 100 });
      expect(job.warnings.join(' ')).toMatch(/premium on a free key.*weekly and monthly/);
    }
    expect(refusals(fake)).toBe(0);
    expect(fake.requestCount({ function: 'TIME_SERIES_DAILY' })).toBe(3);

    clock.nowMs += 3_600_000;
    const second = await processWith('free').runBatch(SYMBOLS, [...DATASETS]);
    expect(second.failed).toBe(0);
    expect(Object.values(callsOf(second))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(refusals(fake)).toBe(0);
    expect(fake.stats().total).toBe(12);
  });

  it('a wrong plan (premium) on a free key: the first symbol pays one refusal, nobody pays it again', async () => {
    // Free-tier premium gating without its pace, so only refusals for premium show up.
    await open({ plan: 'free', rateLimit: {} });
    const first = await processWith('premium-75').runBatch(SYMBOLS, [...DATASETS]);
    expect(first.failed).toBe(0);
    expect(callsOf(first)).toEqual({
      'IBM daily': 2,
      'IBM intraday:5min': 1,
      'MSFT daily': 1,
      'MSFT intraday:5min': 1,
      'AAPL daily': 1,
      'AAPL intraday:5min': 1,
    });
    const ibm = first.jobs[0];
    expect(ibm?.warnings.join(' ')).toMatch(/Alpha Vantage refused it/);
    expect(first.jobs[2]?.warnings.join(' ')).toMatch(/remembered from an earlier refusal/);
    expect(refusals(fake)).toBe(1);

    // A second run, and a new symbol, in another process: the refusal comes from the database.
    const second = await processWith('premium-75').runBatch([...SYMBOLS, 'NVDA'], [...DATASETS]);
    expect(second.failed).toBe(0);
    expect(second.jobs.find((j) => j.symbol === 'NVDA' && j.dataset === 'daily')).toMatchObject({
      apiCalls: 1,
      outputsize: 'compact',
    });
    expect(refusals(fake)).toBe(1);
    const { rows } = await ctx.db.query<{ endpoint: string; parameter: string; plan: string }>(
      `SELECT endpoint, parameter, value, plan FROM ${ctx.q}.api_refusals`,
    );
    expect(rows).toEqual([
      { endpoint: 'TIME_SERIES_DAILY', parameter: 'outputsize', value: 'full', plan: 'premium-75' },
    ]);
  });

  it('daily_adjusted on a free key: one request for the whole batch, naming the free dataset', async () => {
    await open({ plan: 'free' });
    const batch = await processWith('free').runBatch(SYMBOLS, 'daily_adjusted');
    // Jobs run two at a time: whichever asks first pays the one request, the others none.
    expect(batch.jobs.map((j) => j.apiCalls).sort()).toEqual([0, 0, 1]);
    for (const job of batch.jobs) {
      expect(job.error?.code).toBe('PREMIUM_ENDPOINT');
      expect(job.error?.message).toMatch(/free alternative is TIME_SERIES_DAILY/);
    }
    expect(refusals(fake)).toBe(1);
  });
});

for (const target of targets) {
  describe(`first day with a free key, through the CLI [${target}]`, () => {
    const schema = uniqueSchema(`first_day_cli_${target}`);
    const dataDir = mkdtempSync(join(tmpdir(), 'stock-etl-first-day-'));
    let fake: FakeAlphaVantage;
    beforeEach(async () => {
      fake ??= await startFakeAlphaVantage({ plan: 'free' });
    });
    afterAll(async () => {
      await fake?.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (target === 'pg') {
        const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await pool.end();
      }
    });
    const env = (): NodeJS.ProcessEnv => ({
      ALPHA_VANTAGE_API_KEY: KEY,
      ALPHA_VANTAGE_BASE_URL: fake.url,
      ALPHA_VANTAGE_PLAN: '', // not set: a new user's default
      STOCK_ETL_SCHEMA: schema,
      STOCK_ETL_BUDGET_SCHEMA: schema,
      ...(target === 'pg'
        ? { DATABASE_URL: process.env.DATABASE_URL }
        : { DATABASE_URL: '', STOCK_ETL_DATA_DIR: dataDir }),
    });
    const args = ['run', ...SYMBOLS, ...DATASETS.flatMap((d) => ['--dataset', d]), '--json'];

    it('run succeeds for every job, one request each, and again without a refusal', async () => {
      const first = await runCli(args, env());
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      const batch = batchOf(first.stdout);
      expect(batch.failed).toBe(0);
      expect(Object.values(callsOf(batch))).toEqual([1, 1, 1, 1, 1, 1]);
      expect(refusals(fake)).toBe(0);
      expect(first.stdout).not.toContain(KEY);

      // TODO(shared limiter): the per-second pace is kept per process, so a second process that
      // starts within a second of the first's last request can meet the free key's burst limit.
      // Until every limit is shared through the database, the test leaves that second.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const second = await runCli(args, env());
      expect(second.code).toBe(0);
      expect(batchOf(second.stdout).failed).toBe(0);
      expect(refusals(fake)).toBe(0);
      expect(fake.stats().total).toBe(12);

      // The budget command sees both runs (12 of 25 spent) from yet another process.
      const budget = await runCli(['budget', '--json'], env());
      expect(budget.code).toBe(0);
      expect(JSON.parse(budget.stdout).budget).toMatchObject({
        perDay: 25,
        usedToday: 12,
        remainingToday: 13,
        exhausted: false,
      });
    });
  });
}

/** The batch result of `run --json`: its `batch:finish` line (one JSON object per event). */
function batchOf(stdout: string): BatchResult {
  const finish = jsonLines(stdout).find((line) => line.event === 'batch:finish');
  expect(finish).toBeDefined();
  return finish as unknown as BatchResult;
}

/** Runs the CLI as a child process with the test's environment (and the caller's PATH). */
function runCli(args: string[], env: NodeJS.ProcessEnv) {
  return runCliProcess(args, { env, timeoutMs: 110_000 });
}
