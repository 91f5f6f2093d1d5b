import type { IntradayInterval } from '../alpha-vantage/types';
import type { LoadTable } from '../load/load-tables';
import type { LoadCounts } from '../load/upsert';
import type { Dataset } from './datasets';

/** The error part of a failed {@link JobResult}; free of the API key. */
export interface JobError {
  /** A stock-etl error code (`RATE_LIMITED`, `INVALID_REQUEST`, `ABORTED`, …) or `INTERNAL`. */
  code: string;
  /** Human-readable message. */
  message: string;
}

/** The row counts every job reports. */
export interface JobCounts {
  /** Rows received from the source. */
  extracted: number;
  /** Rows that were new. */
  inserted: number;
  /** Existing rows whose values changed. */
  updated: number;
  /** Existing rows already up to date (not rewritten). */
  unchanged: number;
  /** Rows that failed validation (quarantined or skipped). */
  rejected: number;
}

/** Outcome of one job (one symbol × one dataset). */
export interface JobResult extends JobCounts {
  /** The symbol (normalised to upper case). */
  symbol: string;
  /** The dataset. */
  dataset: Dataset;
  /** `success` or `failed`. */
  status: 'success' | 'failed';
  /** HTTP requests made, retries included. */
  apiCalls: number;
  /** Wall time of the job. */
  durationMs: number;
  /** Id of the job's `etl_job_logs` row (null if even that could not be written). */
  jobId: number | null;
  /** `compact` or `full` when the endpoint has an output size. */
  outputsize?: 'compact' | 'full';
  /** Non-fatal remarks, e.g. an intraday gap too old for `full` (use `backfillIntraday`). */
  warnings: string[];
  /** Why it failed. */
  error?: JobError;
  /**
   * Set when this job made no request: it waited for an identical job (same symbol and dataset,
   * in this or another process) that started fetching after this one was requested and
   * succeeded, so this job's data would have been no newer. The id is that job's `etl_job_logs` id.
   */
  coveredBy?: number;
}

/** What {@link Pipeline.runBatch} did with one (symbol, dataset) pair it was given. */
export interface BatchInput {
  /** The symbol as given. */
  symbol: string;
  /** The dataset as given. */
  dataset: Dataset;
  /** Index in {@link BatchResult.jobs} of the job that handled this pair. */
  job: number;
  /**
   * True when an earlier pair named the same job (the same symbol once normalised, e.g. `ibm`
   * and `IBM`, and the same dataset): no second job ran for it.
   */
  duplicate: boolean;
}

/** Outcome of {@link Pipeline.runBatch}. */
export interface BatchResult {
  /**
   * One result per distinct job — (normalised symbol, dataset) — in the order of first mention.
   * A pair given twice runs once; {@link BatchResult.inputs} maps every pair given to its job.
   */
  jobs: JobResult[];
  /** Every (symbol, dataset) pair given, in input order, with the job that handled it. */
  inputs: BatchInput[];
  /** Jobs that succeeded. */
  succeeded: number;
  /** Jobs that failed. */
  failed: number;
  /** Sums over all jobs. */
  totals: JobCounts & {
    /** HTTP requests made by all jobs, retries included. */
    apiCalls: number;
  };
  /** Wall time of the batch. */
  durationMs: number;
}

/** One month of a backfill. */
export interface BackfillMonth extends JobCounts {
  /** `YYYY-MM`. */
  month: string;
  /** `loaded` now, `skipped` (already in the ledger), or `failed`. */
  status: 'loaded' | 'skipped' | 'failed';
  /**
   * True when the month was in the ledger with rejected rows and was fetched again to fill the
   * hole (see the `maxRefetches` option of `Pipeline.backfillIntraday`).
   */
  refetched: boolean;
}

/**
 * A month of a backfill's range whose latest fetch rejected rows: the stored month has a hole
 * (the rejected bars are in the quarantine, or were skipped, per the reject policy).
 */
export interface BackfillRejectedMonth {
  /** `YYYY-MM`. */
  month: string;
  /** Rows rejected by the month's latest fetch. */
  rejected: number;
  /** How many times backfills have fetched the month (the current month counts only this run). */
  fetches: number;
  /**
   * True when a later backfill fetches the month again (re-fetches are left, or it is the current
   * month); false when its re-fetches are used up and the hole stays until you act.
   */
  refetch: boolean;
}

/** Outcome of {@link Pipeline.backfillIntraday}. */
export interface BackfillResult extends JobCounts {
  /** Symbol. */
  symbol: string;
  /** Bar length. */
  interval: IntradayInterval;
  /** `success` when every month is loaded or skipped. */
  status: 'success' | 'failed';
  /** Per month, in order. */
  months: BackfillMonth[];
  /**
   * Months of the range whose latest fetch — in this run or, for skipped months, an earlier one —
   * rejected rows, in order. Empty when every month is complete.
   */
  rejectedMonths: BackfillRejectedMonth[];
  /** HTTP requests made. */
  apiCalls: number;
  /** Wall time. */
  durationMs: number;
  /** The job's `etl_job_logs` id. */
  jobId: number | null;
  /** Why it stopped. */
  error?: JobError;
}

/** Progress of a backfill, passed to `onProgress` after each month. */
export interface BackfillProgress {
  /** Symbol. */
  symbol: string;
  /** Bar length. */
  interval: IntradayInterval;
  /** The month just handled. */
  month: BackfillMonth;
  /** Months handled so far (loaded or skipped). */
  done: number;
  /** Months in the range. */
  total: number;
}

/**
 * What one committed load wrote: the payload of the `rows:committed` event. A job commits once; a
 * backfill once per month (with `month`).
 */
export interface RowsCommitted extends LoadCounts {
  /** The job's `etl_job_logs` id. */
  jobId: number | null;
  /** The symbol (normalised to upper case). */
  symbol: string;
  /** The dataset. */
  dataset: Dataset;
  /** The table written. */
  table: LoadTable;
  /** Rows rejected by validation or a step (quarantined or skipped, per the policy). */
  rejected: number;
  /**
   * The lowest key of the rows written, in the table's ordered key column — `trade_date`
   * (`stock_prices`, `market_index_prices`), `period_start` (weekly, monthly), `ts` (intraday, an
   * ISO instant), `observed_at` (`stock_quotes`) — or `null` when no row was written or the
   * table has no such column (`stocks`).
   */
  from: string | null;
  /** The highest key of the rows written (see `from`). */
  to: string | null;
  /** For a backfill: the month (`YYYY-MM`) this commit loaded. */
  month?: string;
}

/** Events of a {@link Pipeline}, by name. */
export interface PipelineEvents {
  /** A job started (its log row is written). */
  'job:start': {
    /** Id of the job's `etl_job_logs` row (null if it could not be written). */
    jobId: number | null;
    /** The symbol (normalised to upper case). */
    symbol: string;
    /** The dataset. */
    dataset: Dataset;
  };
  /**
   * A job waits for an identical job (same symbol, dataset — and month, for a backfill) that runs
   * in this or another process; afterwards it uses that job's result when it covers this one.
   */
  'job:wait': {
    /** Id of the waiting job's `etl_job_logs` row. */
    jobId: number;
    /** The symbol. */
    symbol: string;
    /** The dataset. */
    dataset: Dataset;
    /** For a backfill: the month (`YYYY-MM`) it waits for. */
    month?: string;
  };
  /** A job succeeded. */
  'job:finish': JobResult;
  /** A job failed. */
  'job:error': JobResult;
  /**
   * A job's rows are committed: emitted after the transaction that wrote them (rows, rejects,
   * watermark) committed — never before, and never for a job whose transaction rolled back. Use it
   * to invalidate a cache or publish a message. Listeners run synchronously after the commit; one
   * that throws is logged and changes nothing (the rows stay committed, the job succeeds).
   */
  'rows:committed': RowsCommitted;
  /** Rows were rejected by validation. */
  'rows:rejected': {
    /** The job's symbol. */
    symbol: string;
    /** The job's dataset. */
    dataset: Dataset;
    /** How many rows were rejected. */
    count: number;
    /** True when the rows went to the quarantine table (policy `quarantine`). */
    quarantined: boolean;
  };
  /** A batch finished. */
  'batch:finish': BatchResult;
  /** A backfill month was loaded, skipped or failed. */
  'backfill:month': BackfillProgress;
  /** A backfill finished. */
  'backfill:finish': BackfillResult;
  /**
   * `running` jobs whose process is gone (lease released, or no heartbeat for too long) were
   * marked failed with code `STALE`.
   */
  'jobs:stale': {
    /** How many jobs were marked failed. */
    count: number;
  };
  [name: string]: unknown;
}
