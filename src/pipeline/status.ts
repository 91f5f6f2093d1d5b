import { type Clock, systemClock } from '../clock';
import { toDb } from '../db/adapters';
import { DEFAULT_SCHEMA, quoteSchema } from '../db/identifier';
import type { DbHandle } from '../db/types';
import { type BackfillRejectsReport, backfillRejects } from '../load/backfill-rejects';
import { countJobsSince, listDeadJobs } from '../load/job-log';
import {
  listRecentFailures,
  listWatermarks,
  readSchemaVersion,
  readTableSizes,
} from '../load/status-queries';
import { DAY_MS } from '../time/civil-date';
import { withDeadJobs } from './job-status';
import { DEFAULT_STALE_JOB_AFTER_MS } from './lease';
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

/**
 * A snapshot of the ETL: jobs by status in the last 24 hours, recent failures, freshness per
 * symbol and dataset, and table sizes.
 */
export async function getStatus(db: DbHandle, options: StatusOptions = {}): Promise<StatusReport> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const q = quoteSchema(schema);
  const d = toDb(db);
  const now = new Date((options.clock ?? systemClock).now());
  const since = new Date(now.getTime() - DAY_MS);
  const stuckAfterMs = options.stuckAfterMs ?? DEFAULT_STALE_JOB_AFTER_MS;
  const [version, jobs24h, dead, failures, freshness, tables, rejects] = await Promise.all([
    readSchemaVersion(d, q),
    countJobsSince(d, q, since, now, stuckAfterMs),
    listDeadJobs(d, q, now, stuckAfterMs),
    listRecentFailures(d, q, since),
    listWatermarks(d, q),
    readTableSizes(d, schema, q),
    backfillRejects(d, q),
  ]);
  const recentFailures = withDeadJobs(
    failures.map((f) => ({ ...f, recorded: true })),
    dead,
    since.toISOString(),
  );
  return {
    schema,
    generatedAt: now,
    schemaVersion: version,
    jobs24h,
    deadJobs: dead.length,
    recentFailures,
    freshness,
    backfillRejects: rejects,
    tables,
  };
}
