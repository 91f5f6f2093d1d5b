/**
 * Shared parts of the reliability suite (issue 12): the run size, the per-scenario figures that
 * scripts/reliability.mjs adds up into results.json, a PostgreSQL pool, and the ground truth every
 * scenario ends with — a fault-free run of the same work against a fault-free fake server frozen
 * at the same instant, compared table by table with what the faulted run stored.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import { AlphaVantageExtractor } from '../../src/alpha-vantage/extractor';
import type { AlphaVantageExtractorOptions } from '../../src/alpha-vantage/options';
import type { Clock } from '../../src/clock';
import { installSchema } from '../../src/db/install';
import type { Logger } from '../../src/logger';
import { type Dataset, Pipeline, type PipelineOptions } from '../../src/pipeline';
import { type FakeAlphaVantage, startFakeAlphaVantage } from '../../src/testing';
import { uniqueSchema } from '../helpers/db';

/** `quick` inside `npm test`, `full` for `npm run reliability`. */
export const SIZE: 'quick' | 'full' = process.env.RELIABILITY_SIZE === 'full' ? 'full' : 'quick';

/** `quick` at the npm-test size, `full` at the full size. */
export function sized<T>(quick: T, full: T): T {
  return SIZE === 'full' ? full : quick;
}

/** The frozen market instant of every scenario: a Monday evening after the close. */
export const MARKET_NOW = new Date('2024-07-15T21:00:00Z');

/** The API key every scenario uses; the key-leak scan searches everything for it. */
export const API_KEY = 'RELIAB1LITYKEY7Q2Z';

/**
 * Every `StockEtlErrorCode`, the library's own list: a failure with another code (or `INTERNAL`)
 * is untyped.
 */
export { ERROR_CODES as KNOWN_CODES } from '../../src/errors/stock-etl-error';

/** Figures a scenario reports; scripts/reliability.mjs sums them into results.json. */
export interface ScenarioFigures {
  fuzz_cases?: number;
  fuzz_crashes?: number;
  fuzz_wrong_rows?: number;
  key_occurrences?: number;
  ghost_running_jobs?: number;
  kills?: number;
  /** One short line for the summary. */
  summary?: string;
}

/** Records `figures` for the scenario (the current test) in the metrics folder. */
export function report(figures: ScenarioFigures): void {
  const dir = process.env.RELIABILITY_METRICS_DIR ?? join('.tmp', 'reliability-metrics');
  mkdirSync(dir, { recursive: true });
  const scenario = expect.getState().currentTestName ?? 'unknown';
  appendFileSync(
    join(dir, `${process.pid}.jsonl`),
    `${JSON.stringify({ scenario, ...figures })}\n`,
  );
}

/** True when a PostgreSQL server is configured (every database scenario needs one). */
export const HAS_PG = Boolean(process.env.DATABASE_URL);

/** A pool on DATABASE_URL, optionally with an application_name to find its backends by. */
export function pgPool(applicationName?: string, max = 4): pg.Pool {
  const url = new URL(process.env.DATABASE_URL as string);
  if (applicationName) url.searchParams.set('application_name', applicationName);
  return new pg.Pool({ connectionString: url.toString(), max });
}

/** A fake Alpha Vantage frozen at {@link MARKET_NOW} (faults added by the scenario). */
export function fakeServer(
  options: Parameters<typeof startFakeAlphaVantage>[0] = {},
): Promise<FakeAlphaVantage> {
  return startFakeAlphaVantage({ now: () => MARKET_NOW, ...options });
}

/**
 * A clock whose waits pass at once in virtual time (`now` jumps by the time slept): the
 * extractor's back-off after a rate-limit notice costs nothing and still sees the time pass.
 */
export function instantClock(): Clock {
  let skipped = 0;
  return {
    now: () => Date.now() + skipped,
    sleep: async (ms) => {
      skipped += Math.max(0, ms);
    },
  };
}

/** An extractor on `server` without client-side pacing and with fast retries. */
export function extractorOn(
  server: FakeAlphaVantage,
  options: Partial<AlphaVantageExtractorOptions> = {},
): AlphaVantageExtractor {
  return new AlphaVantageExtractor({
    apiKey: API_KEY,
    baseUrl: server.url,
    plan: 'premium-1200',
    rateLimit: { perSecond: null, perMinute: null, perDay: null },
    retry: { retries: 3, minDelayMs: 1, maxDelayMs: 5 },
    clock: instantClock(),
    ...options,
  });
}

/** A logger that keeps every line (the key-leak scan reads them). */
export function memoryLogger(lines: string[]): Logger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${safeJson(fields)}`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** JSON that does not throw on cycles or bigints. */
export function safeJson(value: unknown): string {
  const seen = new WeakSet();
  try {
    return JSON.stringify(value, (_k, v) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Error) {
        return { ...v, name: v.name, message: v.message, stack: v.stack, cause: v.cause };
      }
      if (v && typeof v === 'object') {
        if (seen.has(v)) return '[cycle]';
        seen.add(v);
      }
      return v;
    });
  } catch (error) {
    return String(error);
  }
}

/** Work a scenario runs: a batch and/or a backfill. */
export interface Work {
  symbols: string[];
  datasets: Dataset[];
  backfill?: { symbol: string; from: string; to: string };
}

/** The default work of the upstream and database scenarios. */
export const WORK: Work = {
  symbols: ['IBM', 'MSFT', 'AAPL'],
  datasets: ['daily', 'intraday:5min'],
};

/** Runs `work` with a pipeline on `db`/`schema`; returns the batch and backfill results. */
export async function runWork(
  options: Omit<PipelineOptions, 'schema'> & { schema: string },
  work: Work,
) {
  const pipeline = new Pipeline(options);
  const batch =
    work.symbols.length > 0
      ? await pipeline.runBatch(work.symbols, work.datasets)
      : { jobs: [], failed: 0, succeeded: 0, totals: { apiCalls: 0 } };
  const backfill = work.backfill
    ? await pipeline.backfillIntraday(work.backfill.symbol, {
        interval: '5min',
        from: work.backfill.from,
        to: work.backfill.to,
      })
    : undefined;
  return { batch, backfill, pipeline };
}

/** What a run stored, comparable with the ground truth. */
export interface Snapshot {
  daily: string;
  dailyRows: number;
  intraday: string;
  intradayRows: number;
  watermarks: string;
  ledger: string;
  duplicates: number;
}

/** The stored rows of `schema`, fingerprinted (values included), plus a duplicate count. */
export async function snapshot(db: pg.Pool, schema: string): Promise<Snapshot> {
  const q = `"${schema}"`;
  const { rows } = await db.query(
    `SELECT
       (SELECT coalesce(md5(string_agg(concat_ws(',', symbol, trade_date, open, high, low, close, volume), ';' ORDER BY symbol, trade_date)), '') FROM ${q}.stock_prices) AS daily,
       (SELECT count(*)::int FROM ${q}.stock_prices) AS "dailyRows",
       (SELECT coalesce(md5(string_agg(concat_ws(',', symbol, interval, ts, open, high, low, close, volume), ';' ORDER BY symbol, interval, ts)), '') FROM ${q}.stock_prices_intraday) AS intraday,
       (SELECT count(*)::int FROM ${q}.stock_prices_intraday) AS "intradayRows",
       (SELECT coalesce(string_agg(concat_ws(',', symbol, dataset, last_point), ';' ORDER BY symbol, dataset), '') FROM ${q}.etl_watermarks) AS watermarks,
       (SELECT coalesce(string_agg(concat_ws(',', symbol, dataset, month, rows_loaded), ';' ORDER BY symbol, dataset, month), '') FROM ${q}.etl_backfill_ledger) AS ledger,
       (SELECT (SELECT count(*) FROM ${q}.stock_prices) - (SELECT count(DISTINCT (symbol, trade_date)) FROM ${q}.stock_prices)
             + (SELECT count(*) FROM ${q}.stock_prices_intraday) - (SELECT count(DISTINCT (symbol, interval, ts)) FROM ${q}.stock_prices_intraday))::int AS duplicates`,
  );
  return rows[0] as Snapshot;
}

const truths = new Map<string, Promise<Snapshot>>();

/**
 * The ground truth for `work`: what a fault-free pipeline stores from a fault-free fake server
 * frozen at the same instant (the fake's data is a pure function of symbol and instant). Computed
 * once per work per test file, in a schema of its own (dropped by {@link dropSchemas}).
 */
export function groundTruth(pool: pg.Pool, work: Work, schemas: string[]): Promise<Snapshot> {
  const key = JSON.stringify(work);
  let truth = truths.get(key);
  if (!truth) {
    truth = (async () => {
      const server = await fakeServer();
      try {
        const schema = uniqueSchema('truth');
        schemas.push(schema);
        await installSchema(pool, { schema });
        const { batch, backfill } = await runWork(
          { db: pool, schema, extractor: extractorOn(server) },
          work,
        );
        expect(batch.failed).toBe(0);
        if (backfill) expect(backfill.status).toBe('success');
        const snap = await snapshot(pool, schema);
        expect(snap.dailyRows + snap.intradayRows).toBeGreaterThan(0);
        return snap;
      } finally {
        await server.close();
      }
    })();
    truths.set(key, truth);
  }
  return truth;
}

/** Job-log truth: how many rows are still `running` and how many say STALE. */
export async function jobLogTruth(
  pool: pg.Pool,
  schema: string,
): Promise<{ running: number; stale: number; byStatus: Record<string, number> }> {
  const { rows } = await pool.query<{ status: string; error_code: string | null; n: number }>(
    `SELECT status, error_code, count(*)::int AS n FROM "${schema}".etl_job_logs GROUP BY 1, 2`,
  );
  const byStatus: Record<string, number> = {};
  let running = 0;
  let stale = 0;
  for (const r of rows) {
    byStatus[`${r.status}${r.error_code ? `:${r.error_code}` : ''}`] = r.n;
    if (r.status === 'running') running += r.n;
    if (r.error_code === 'STALE') stale += r.n;
  }
  return { running, stale, byStatus };
}

/**
 * The end of every scenario: the tables equal the ground truth (same rows and values, nothing
 * twice, nothing missing), no job is left `running`, and STALE appears only when a process was
 * really killed (`killed` = how many jobs could have been orphaned; 0 = none may say STALE).
 */
export async function expectGroundTruth(
  pool: pg.Pool,
  schema: string,
  truth: Snapshot,
  options: { killed?: boolean } = {},
): Promise<void> {
  const got = await snapshot(pool, schema);
  expect(got.duplicates).toBe(0);
  expect(got).toEqual(truth);
  const jobs = await jobLogTruth(pool, schema);
  expect(jobs.running, JSON.stringify(jobs.byStatus)).toBe(0);
  if (!options.killed) expect(jobs.stale, JSON.stringify(jobs.byStatus)).toBe(0);
}

/** A fresh installed schema, remembered in `schemas` for {@link dropSchemas}. */
export async function freshSchema(pool: pg.Pool, label: string, schemas: string[]) {
  const schema = uniqueSchema(`rel_${label}`);
  schemas.push(schema);
  await installSchema(pool, { schema });
  return schema;
}

/** Drops every schema in `schemas`. */
export async function dropSchemas(pool: pg.Pool, schemas: string[]): Promise<void> {
  for (const s of schemas.splice(0)) await pool.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
}
