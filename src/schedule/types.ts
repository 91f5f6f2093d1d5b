import type { MarketCalendar } from '../calendar';
import type { Clock } from '../clock';
import type { DbHandle } from '../db/types';
import type { Logger } from '../logger';
import type { Dataset } from '../pipeline/datasets';
import type { BudgetSource, HealthReport } from '../pipeline/health';
import type { BatchOptions } from '../pipeline/pipeline';
import type { BatchResult } from '../pipeline/types';

/** When a job's cron times count, judged by the market calendar. */
export const MARKET_CONDITIONS = ['always', 'market-open', 'after-close'] as const;

/**
 * `always`: every cron time. `market-open`: only cron times inside a trading session, from the open
 * to the close inclusive (the run at the close collects the session's last bars; holidays and early
 * closes come from the calendar). `after-close`: only cron times on a trading day at or after that
 * day's close (so never on holidays or weekends).
 */
export type MarketCondition = (typeof MARKET_CONDITIONS)[number];

/** What a job is given when it runs a custom `run` task. */
export interface ScheduleTaskContext {
  /** Aborted when the schedule is stopped with `abort: true` (or its own signal aborts). */
  signal: AbortSignal;
  /** The job's symbols (its own, else the schedule's). */
  symbols: readonly string[];
  /** The cron time this run belongs to (the clock time for `runOnce`). */
  scheduledAt: Date;
}

/**
 * One recurring job of a schedule. Exactly one of `datasets` (a pipeline batch over the symbols),
 * `health` (a `healthCheck`) or `run` (your own task) says what it does.
 *
 * @example
 * ```ts
 * { name: 'intraday', cron: '*\/15 9-16 * * 1-5', when: 'market-open', datasets: ['intraday:5min'] }
 * ```
 */
export interface ScheduleJob {
  /** Unique name, used in logs, events and the CLI (`daily`, `intraday`, …). */
  name: string;
  /**
   * Cron expression (5 fields, or 6 with seconds first) evaluated by croner in the schedule's
   * `timeZone`, so `30 16 * * 1-5` is 16:30 New York time all year, across DST changes.
   * @example '30 16 * * 1-5'
   */
  cron: string;
  /**
   * Which cron times count, judged by the market calendar (see {@link MarketCondition}).
   * @default 'always'
   */
  when?: MarketCondition;
  /**
   * With `when: 'market-open'`: count pre- and post-market hours (04:00–20:00 New York time,
   * 17:00 on early-close days) as open.
   * @default false
   */
  extendedHours?: boolean;
  /** Datasets to run for every symbol (`pipeline.runBatch(symbols, datasets)`). */
  datasets?: readonly Dataset[];
  /** Force `compact` or `full` for the batch instead of deciding from the watermarks. */
  outputsize?: BatchOptions['outputsize'];
  /** This job's symbols. @default the schedule's `symbols` */
  symbols?: readonly string[];
  /** Run `healthCheck` on the schedule's `db` (needs `db`). */
  health?: boolean;
  /** Your own task; a throw marks the run failed. */
  run?: (context: ScheduleTaskContext) => Promise<unknown>;
  /**
   * API requests one run of a custom `run` task makes, for the budget check.
   * @default 0
   */
  requestsPerRun?: number;
}

/** Options of `createSchedule`. */
export interface ScheduleOptions {
  /** Runs the dataset jobs; anything with `runBatch` (and `schema`), usually a `Pipeline`. */
  pipeline?: SchedulePipeline;
  /**
   * The jobs. Build them from the defaults with `defaultScheduleJobs`.
   * @default defaultScheduleJobs() — with `{ plan: 'free' }` when `budget` is an extractor on the
   *   free plan (intraday once after the close instead of every 15 minutes)
   */
  jobs?: readonly ScheduleJob[];
  /** Symbols of the dataset jobs that do not list their own. */
  symbols?: readonly string[];
  /** The trading calendar for `when`. @default new MarketCalendar() */
  calendar?: MarketCalendar;
  /**
   * IANA zone the cron expressions are read in (and the budget day is counted in).
   * @default 'America/New_York'
   */
  timeZone?: string;
  /** Database of the `health` job. */
  db?: DbHandle;
  /** Schema of the `health` job. @default pipeline.schema, else 'stock_etl' */
  schema?: string;
  /**
   * The API key's budget (usually the `AlphaVantageExtractor`): checked at start against what the
   * schedule needs, and reported by the `health` job.
   */
  budget?: BudgetSource;
  /**
   * What `start()` and `runOnce()` do when the schedule needs more requests than the key allows:
   * `warn` (log, emit `budget:exceeded`, run anyway) or `refuse` (throw a `ValidationError` that
   * gives the numbers).
   * @default 'warn'
   */
  overBudget?: 'warn' | 'refuse';
  /** Aborting it stops the schedule and aborts running jobs (as `stop({ abort: true })`). */
  signal?: AbortSignal;
  /** Time source. @default systemClock */
  clock?: Clock;
  /** Where to log. @default noopLogger */
  logger?: Logger;
}

/** The part of `Pipeline` a schedule uses. */
export interface SchedulePipeline {
  /** Schema the pipeline writes to (used by the `health` job). */
  readonly schema?: string;
  /** Runs every (symbol, dataset) pair; see `Pipeline.runBatch`. */
  runBatch(
    symbols: readonly string[],
    datasets: Dataset | readonly Dataset[],
    options?: BatchOptions,
  ): Promise<BatchResult>;
}

/** A job's next run. */
export interface PlannedRun {
  /** The job's name. */
  job: string;
  /** When it runs. */
  at: Date;
}

/** Outcome of one run of a job. */
export interface ScheduleRunResult {
  /** The job's name. */
  job: string;
  /** `success`; `failed` (a job of the batch failed, the health check failed, the task threw); `aborted`. */
  status: 'success' | 'failed' | 'aborted';
  /** The cron time the run belongs to. */
  scheduledAt: Date;
  /** Clock time it started. */
  startedAt: Date;
  /** Clock time it took. */
  durationMs: number;
  /** One line saying what happened (`2 ok, 0 failed, 130 inserted, …`, `healthy`, …). */
  summary: string;
  /** The batch of a dataset job. */
  batch?: BatchResult;
  /** The report of a health job. */
  health?: HealthReport;
  /** Why a run failed or was aborted, when it threw. */
  error?: {
    /** The error code (`ABORTED`, `VALIDATION`, …, `INTERNAL`). */
    code: string;
    /** The message. */
    message: string;
  };
}

/** What the schedule needs from the API key, against what the key allows. */
export interface ScheduleBudgetCheck {
  /** The key's daily limit, `null` without one (or when unknown). */
  perDay: number | null;
  /** Requests spent today so far (by every process sharing the budget store); null when unknown. */
  usedToday: number | null;
  /** Requests left today; null without a daily limit (or when unknown). */
  remainingToday: number | null;
  /** The busiest day of the next two weeks (`YYYY-MM-DD` in the schedule's zone). */
  peakDay: string;
  /** Requests the schedule makes on that day. */
  peakRequests: number;
  /** Per job on the peak day: runs × requests per run. */
  perJob: {
    /** Job name. */
    job: string;
    /** Runs that day. */
    runs: number;
    /** Requests one run makes (symbols × datasets). */
    requestsPerRun: number;
  }[];
  /** Requests the schedule still makes today, from now to the end of the budget day. */
  restOfToday: number;
  /** True when the peak day fits the limit (always with no limit). */
  fits: boolean;
  /** True when the rest of today fits what is left today. */
  todayFits: boolean;
}

/** Payload of `job:skipped`. */
export interface ScheduleSkipEvent {
  /** The job. */
  job: string;
  /** The cron time that was not run. */
  scheduledAt: Date;
  /** `overlap`: the previous run of this job was still going. */
  reason: 'overlap';
  /** When the still-running run started. */
  runningSince: Date;
}

/** Events of a `Schedule`. */
export type ScheduleEvents = {
  /** The schedule started; the first run of every job. */
  'schedule:start': {
    /** One entry per job, soonest first. */
    next: PlannedRun[];
    /** The budget check made at start. */
    budget: ScheduleBudgetCheck;
  };
  /** A job's next run was planned (after its previous cron time). */
  'job:scheduled': PlannedRun & {
    /** Closed days (holidays) its market condition passed over on the way, `YYYY-MM-DD name`. */
    passedOver: string[];
  };
  /** A run began. */
  'job:start': {
    /** The job. */
    job: string;
    /** Its cron time. */
    scheduledAt: Date;
  };
  /** A run ended (any status). */
  'job:finish': ScheduleRunResult;
  /** A cron time came while the job's previous run was still going; it was not run. */
  'job:skipped': ScheduleSkipEvent;
  /** The schedule needs more requests than the key allows (emitted by `start()`/`runOnce()`). */
  'budget:exceeded': ScheduleBudgetCheck & {
    /** The same, as one sentence with the numbers. */
    message: string;
  };
  /** The schedule stopped; no job is running any more. */
  stop: {
    /** True when running jobs were aborted rather than awaited. */
    aborted: boolean;
  };
};
