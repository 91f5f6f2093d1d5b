import { MarketCalendar } from '../calendar';
import { type Clock, systemClock } from '../clock';
import { toDb } from '../db/adapters';
import { DEFAULT_SCHEMA, quoteSchema } from '../db/identifier';
import { SCHEMA_VERSION } from '../db/install';
import type { Db, DbHandle } from '../db/types';
import type { PremiumParameter } from '../errors/api-errors';
import { countJobsSince, listDeadJobs } from '../load/job-log';
import { deadJobsCheck, withDeadJobs } from './job-status';
import { DEFAULT_STALE_JOB_AFTER_MS } from './lease';
import { newYorkDate } from './planning';
import { type BackfillRejectsReport, backfillRejects } from './status-rejects';

/** Options of {@link getStatus}. */
export interface StatusOptions {
  /** Schema. @default 'stock_etl' */
  schema?: string;
  /** Time source for "the last 24 hours". @default systemClock */
  clock?: Clock;
  /**
   * A `running` job without a lease that recorded no heartbeat limit of its own (rows written
   * before 0.2) counts as dead after this long without a heartbeat.
   * @default 1800000 (30 minutes)
   */
  stuckAfterMs?: number;
}

/** Freshness of one (symbol, dataset). */
export interface FreshnessEntry {
  /** Symbol. */
  symbol: string;
  /** Dataset. */
  dataset: string;
  /** Newest stored point (date or ISO instant). */
  lastPoint: string;
  /** When a job last advanced it. */
  lastSuccessAt: Date;
}

/** What {@link getStatus} reports. */
export interface StatusReport {
  /** Schema. */
  schema: string;
  /** When the report was made. */
  generatedAt: Date;
  /** Installed schema version (highest applied migration). */
  schemaVersion: number;
  /**
   * Jobs started in the last 24 hours, by status. A job still marked `running` whose process is
   * gone (see {@link StatusReport.deadJobs}) counts as failed, never as running.
   */
  jobs24h: {
    /** Jobs running now (their process is alive). */
    running: number;
    /** Jobs that succeeded. */
    success: number;
    /** Jobs that failed, dead ones included. */
    failed: number;
  };
  /**
   * Jobs (of any age) still marked `running` although their process is gone: its lease was
   * released (crash, kill) or, for a job without a lease, it stopped heartbeating. `getStatus`
   * only reports them; the next pipeline run marks them failed with code `STALE`.
   */
  deadJobs: number;
  /**
   * The most recent failed jobs (at most 10) of the last 24 hours, dead ones included with code
   * `STALE` and `recorded: false`.
   */
  recentFailures: {
    /** The job's id in `etl_job_logs`. */
    id: number;
    /** The job's symbol, `null` for jobs without one. */
    symbol: string | null;
    /** The job's dataset, e.g. `daily`. */
    dataset: string;
    /** When the job started. */
    startedAt: Date;
    /** The error code the job failed with, if recorded. */
    errorCode: string | null;
    /** The error message the job failed with, if recorded. */
    errorMessage: string | null;
    /**
     * False for a dead job whose row still says `running` (the next pipeline run records the
     * failure); true otherwise.
     */
    recorded: boolean;
  }[];
  /** Per (symbol, dataset) freshness, newest first. */
  freshness: FreshnessEntry[];
  /**
   * Backfill months whose latest fetch rejected rows: holes a later backfill fetches again while
   * re-fetches are left (see `BackfillResult.rejectedMonths`).
   */
  backfillRejects: BackfillRejectsReport;
  /** Row count (planner estimate for large tables) and size per table. */
  tables: {
    /** The table name (without schema). */
    table: string;
    /** Row count: exact below 100 000 rows, else the planner's estimate. */
    rows: number;
    /** Total size on disk in bytes, including indexes and TOAST. */
    bytes: number;
  }[];
}

const TABLES = [
  'stocks',
  'stock_prices',
  'stock_prices_weekly',
  'stock_prices_monthly',
  'stock_prices_intraday',
  'stock_quotes',
  'market_indices',
  'market_index_prices',
  'etl_job_logs',
  'etl_rejected_rows',
  'etl_watermarks',
  'etl_backfill_ledger',
];

/**
 * A snapshot of the ETL: jobs by status in the last 24 hours, recent failures, freshness per
 * symbol and dataset, and table sizes.
 */
export async function getStatus(db: DbHandle, options: StatusOptions = {}): Promise<StatusReport> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const q = quoteSchema(schema);
  const d = toDb(db);
  const now = new Date((options.clock ?? systemClock).now());
  const since = new Date(now.getTime() - 86_400_000).toISOString();
  const stuckAfterMs = options.stuckAfterMs ?? DEFAULT_STALE_JOB_AFTER_MS;
  const [version, jobs24h, dead, failures, freshness, tables, rejects] = await Promise.all([
    schemaVersion(d, q),
    countJobsSince(d, q, new Date(since), now, stuckAfterMs),
    listDeadJobs(d, q, now, stuckAfterMs),
    d.query<Record<string, unknown>>(
      `SELECT id::int AS id, symbol, dataset, started_at, error_code, error_message
         FROM ${q}.etl_job_logs WHERE status = 'failed' AND started_at >= $1
        ORDER BY started_at DESC, id DESC LIMIT 10`,
      [since],
    ),
    d.query<{
      symbol: string;
      dataset: string;
      last_point: string;
      last_success_at: string | Date;
    }>(
      `SELECT symbol, dataset, last_point, last_success_at FROM ${q}.etl_watermarks
        ORDER BY last_success_at DESC, symbol, dataset`,
    ),
    tableSizes(d, schema, q),
    backfillRejects(d, q),
  ]);
  const recentFailures = withDeadJobs(
    failures.rows.map((r) => ({
      id: r.id as number,
      symbol: (r.symbol as string | null) ?? null,
      dataset: r.dataset as string,
      startedAt: new Date(r.started_at as string),
      errorCode: (r.error_code as string | null) ?? null,
      errorMessage: (r.error_message as string | null) ?? null,
      recorded: true,
    })),
    dead,
    since,
  );
  return {
    schema,
    generatedAt: now,
    schemaVersion: version,
    jobs24h,
    deadJobs: dead.length,
    recentFailures,
    freshness: freshness.rows.map((r) => ({
      symbol: r.symbol,
      dataset: r.dataset,
      lastPoint: r.last_point,
      lastSuccessAt: new Date(r.last_success_at),
    })),
    backfillRejects: rejects,
    tables,
  };
}

async function schemaVersion(db: Db, q: string): Promise<number> {
  const { rows } = await db.query<{ v: number | null }>(
    `SELECT max(id)::int AS v FROM ${q}.schema_migrations`,
  );
  return rows[0]?.v ?? 0;
}

async function tableSizes(
  db: Db,
  schema: string,
  q: string,
): Promise<{ table: string; rows: number; bytes: number }[]> {
  const { rows } = await db.query<{ table: string; estimate: number; bytes: string | number }>(
    `SELECT c.relname AS table, c.reltuples::float8 AS estimate, pg_total_relation_size(c.oid)::bigint AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname = ANY($2::text[])`,
    [schema, TABLES],
  );
  const out: { table: string; rows: number; bytes: number }[] = [];
  for (const table of TABLES) {
    const r = rows.find((x) => x.table === table);
    if (!r) continue;
    let count = Math.round(r.estimate);
    // Never analysed (-1) or small: an exact count is cheap and more useful.
    if (count < 100_000) {
      const exact = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${q}.${table}`);
      count = exact.rows[0]?.n ?? 0;
    }
    out.push({ table, rows: count, bytes: Number(r.bytes) });
  }
  return out;
}

/** Anything with a `budget()` method, like {@link AlphaVantageExtractor}. */
export interface BudgetSource {
  /** The API budget of the day. */
  budget(): Promise<{
    /** The daily limit, or `null` when there is none. */
    perDay: number | null;
    /** Requests spent in the current budget day. */
    usedToday: number;
    /** Requests left today, or `null` without a daily limit. */
    remainingToday: number | null;
  }>;
  /** What the key was refused as premium and is not asked again (listed by the `api-refusals` check). */
  refusals?(): Promise<
    {
      /** The refused endpoint. */
      endpoint: string;
      /** The refused parameter value, `null` for the whole endpoint. */
      parameter: PremiumParameter | null;
      /** When it was refused. */
      refusedAt: Date;
    }[]
  >;
}

/** Options of {@link healthCheck}. */
export interface HealthCheckOptions {
  /** Schema. @default 'stock_etl' */
  schema?: string;
  /** The extractor, to report the remaining API budget. */
  extractor?: BudgetSource;
  /** Calendar for freshness. @default new MarketCalendar() */
  calendar?: MarketCalendar;
  /** Time source. @default systemClock */
  clock?: Clock;
  /**
   * A `running` job without a lease that recorded no heartbeat limit of its own (rows written
   * before 0.2) counts as dead after this long without a heartbeat. Jobs with a lease are judged
   * by the lease alone, at once.
   * @default 1800000 (30 minutes)
   */
  stuckAfterMs?: number;
  /**
   * Daily data is stale when its newest trading day is more than this many trading days behind
   * the last completed session.
   * @default 1
   */
  maxLagTradingDays?: number;
}

/** One check of {@link healthCheck}. */
export interface HealthCheckItem {
  /** Check name: `database`, `schema`, `jobs`, `freshness`, `api-budget`, `api-refusals`. */
  name: string;
  /** Passed? */
  ok: boolean;
  /** What was found. */
  detail: string;
}

/** What {@link healthCheck} reports. */
export interface HealthReport {
  /** True when every check passed. */
  ok: boolean;
  /** The checks. */
  checks: HealthCheckItem[];
}

/**
 * Checks the ETL's health: database reachable, schema version current, no dead jobs, daily data
 * fresh against the market calendar, API budget left. Never throws for an unhealthy system; a
 * failing check is reported with `ok: false`.
 *
 * Read-only: the `jobs` check reports jobs still marked `running` whose process is gone (see
 * {@link StatusReport.deadJobs}) and fails while there are any; the next pipeline run marks them
 * failed (`STALE`).
 */
export async function healthCheck(
  db: DbHandle,
  options: HealthCheckOptions = {},
): Promise<HealthReport> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const q = quoteSchema(schema);
  const clock = options.clock ?? systemClock;
  const calendar = options.calendar ?? new MarketCalendar();
  const checks: HealthCheckItem[] = [];
  const d = toDb(db);
  try {
    await d.query('SELECT 1');
    checks.push({ name: 'database', ok: true, detail: 'reachable' });
  } catch (e) {
    checks.push({ name: 'database', ok: false, detail: `unreachable: ${(e as Error).message}` });
    return { ok: false, checks };
  }
  try {
    const version = await schemaVersion(d, q);
    checks.push({
      name: 'schema',
      ok: version >= SCHEMA_VERSION,
      detail:
        version >= SCHEMA_VERSION
          ? `version ${version}`
          : `version ${version}, package expects ${SCHEMA_VERSION}: run installSchema`,
    });
  } catch {
    checks.push({
      name: 'schema',
      ok: false,
      detail: `schema "${schema}" is not installed: run installSchema`,
    });
    return { ok: false, checks };
  }
  const now = clock.now();
  const dead = await listDeadJobs(
    d,
    q,
    new Date(now),
    options.stuckAfterMs ?? DEFAULT_STALE_JOB_AFTER_MS,
  );
  checks.push(deadJobsCheck(dead));
  checks.push(await freshnessCheck(d, q, calendar, now, options.maxLagTradingDays ?? 1));
  if (options.extractor) {
    try {
      const b = await options.extractor.budget();
      checks.push({
        name: 'api-budget',
        ok: b.remainingToday === null || b.remainingToday > 0,
        detail:
          b.remainingToday === null
            ? `no daily limit (${b.usedToday} used today)`
            : `${b.remainingToday} of ${b.perDay} requests left today`,
      });
    } catch (e) {
      checks.push({ name: 'api-budget', ok: false, detail: `unknown: ${(e as Error).message}` });
    }
    if (options.extractor.refusals) checks.push(await refusalsCheck(options.extractor));
  }
  return { ok: checks.every((c) => c.ok), checks };
}

/** Lists remembered premium refusals; informational (a refusal is the plan, not a fault). */
async function refusalsCheck(source: BudgetSource): Promise<HealthCheckItem> {
  try {
    const list = (await source.refusals?.()) ?? [];
    const shown = list.map(
      (r) =>
        `${r.endpoint}${r.parameter ? ` ${r.parameter.name}=${r.parameter.value}` : ''} (since ${r.refusedAt.toISOString()})`,
    );
    return {
      name: 'api-refusals',
      ok: true,
      detail:
        list.length === 0
          ? 'no premium refusals remembered'
          : `refused as premium: ${shown.join(', ')}`,
    };
  } catch (e) {
    return { name: 'api-refusals', ok: true, detail: `unknown: ${(e as Error).message}` };
  }
}

async function freshnessCheck(
  db: Db,
  q: string,
  calendar: MarketCalendar,
  now: number,
  maxLag: number,
): Promise<HealthCheckItem> {
  const { rows } = await db.query<{ symbol: string; dataset: string; last_point: string }>(
    `SELECT symbol, dataset, last_point FROM ${q}.etl_watermarks WHERE dataset IN ('daily', 'daily_adjusted')`,
  );
  if (rows.length === 0)
    return { name: 'freshness', ok: true, detail: 'no daily data tracked yet' };
  // The newest session that has closed by now: its bar is what "fresh" daily data ends with.
  const today = newYorkDate(now);
  const todaySession = calendar.session(today);
  const expected =
    todaySession && todaySession.close.getTime() <= now
      ? today
      : calendar.previousTradingDay(today);
  const stale = rows.filter((r) => {
    const day = r.last_point.slice(0, 10);
    if (day >= expected) return false;
    const lag = calendar.tradingDaysBetween(day, expected).filter((d) => d > day).length;
    return lag > maxLag;
  });
  return {
    name: 'freshness',
    ok: stale.length === 0,
    detail:
      stale.length === 0
        ? `${rows.length} daily series current (through ${expected})`
        : `${stale.length} of ${rows.length} daily series behind ${expected}: ${stale
            .slice(0, 5)
            .map((r) => `${r.symbol} ${r.dataset} at ${r.last_point}`)
            .join(', ')}`,
  };
}
