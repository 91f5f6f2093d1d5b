import type PgBoss from 'pg-boss';
import type { IntradayInterval } from '../alpha-vantage/types';
import type { Dataset } from '../pipeline/datasets';
import type { JobError } from '../pipeline/types';

/** Names of the three queues stock-etl uses in pg-boss. */
export interface QueueNames {
  /** One job per (symbol, dataset): `Pipeline.run`. @default 'stock-etl.jobs' */
  jobs: string;
  /** One job per (symbol, interval, month): one month of `Pipeline.backfillIntraday`. @default 'stock-etl.backfill' */
  backfill: string;
  /** Jobs that failed for good, with their error. @default 'stock-etl.dead' */
  dead: string;
}

/** The default queue names. */
export const DEFAULT_QUEUES: Readonly<QueueNames> = Object.freeze({
  jobs: 'stock-etl.jobs',
  backfill: 'stock-etl.backfill',
  dead: 'stock-etl.dead',
});

/** Data of a job on the `jobs` queue. */
export interface RunJobData {
  /** The symbol, normalised to upper case. */
  symbol: string;
  /** The dataset. */
  dataset: Dataset;
  /** Force `compact` or `full` instead of deciding from the watermark. */
  outputsize?: 'compact' | 'full';
}

/** Data of a job on the `backfill` queue: one month of intraday history. */
export interface BackfillJobData {
  /** The symbol, normalised to upper case. */
  symbol: string;
  /** Bar length. */
  interval: IntradayInterval;
  /** `YYYY-MM`. */
  month: string;
}

/** Data of a job on the dead-letter queue: the original job and why it failed. */
export interface DeadJobData {
  /** The queue the job came from. */
  queue: string;
  /** The original job's data. */
  data: RunJobData | BackfillJobData;
  /** Why it failed: the stock-etl error code and message (free of the API key). */
  error: JobError;
}

/**
 * Error codes worth another attempt later (pg-boss retries them with its backoff, then moves the
 * job to the dead-letter queue): rate limits, the daily quota, the service or the database being
 * unavailable, an abort (a worker shutting down). Everything else — `INVALID_REQUEST`,
 * `PREMIUM_ENDPOINT`, `VALIDATION`, `INVALID_API_KEY`, `REJECTED_ROWS`, `STEP`, … — fails the
 * same way every time and goes to the dead-letter queue at once.
 */
export const TRANSIENT_CODES = [
  'RATE_LIMITED',
  'DAILY_LIMIT',
  'UPSTREAM',
  'BAD_RESPONSE',
  'DATABASE',
  'ABORTED',
  'STALE',
  'INTERNAL',
] as const;

/** True when a job that failed with `code` should be retried. */
export function isTransientCode(code: string): boolean {
  return (TRANSIENT_CODES as readonly string[]).includes(code);
}

/** Retry policy of the work queues (pg-boss's own retry and backoff). */
export interface QueueRetryOptions {
  /**
   * Retries of a job that failed with a transient code (and of a job whose worker died).
   * @default 5
   */
  retryLimit?: number;
  /**
   * Seconds before the first retry; doubled each retry, with jitter (`retryBackoff`).
   * @default 30
   */
  retryDelay?: number;
  /**
   * Seconds a job may run before pg-boss takes its worker for dead and retries it elsewhere.
   * Keep it above the longest job (a `full` intraday month on a busy key).
   * @default 900 (15 minutes)
   */
  expireInSeconds?: number;
}

/** Default {@link QueueRetryOptions}. */
export const DEFAULT_QUEUE_RETRY: Readonly<Required<QueueRetryOptions>> = Object.freeze({
  retryLimit: 5,
  retryDelay: 30,
  expireInSeconds: 900,
});

/**
 * Creates the three queues when they do not exist yet (an existing queue keeps its settings;
 * change them with pg-boss's `updateQueue`): `jobs` and `backfill` with the `short` policy (one
 * queued job per singleton key, so a (symbol, dataset) pending once is not queued again),
 * pg-boss retry with backoff, and `dead` as their dead-letter queue. Idempotent; `enqueue*` and
 * `startWorker` call it.
 */
export async function createQueues(
  boss: PgBoss,
  names: QueueNames = DEFAULT_QUEUES,
  retry: QueueRetryOptions = {},
): Promise<void> {
  const r = { ...DEFAULT_QUEUE_RETRY, ...retry };
  const existing = new Set((await boss.getQueues()).map((q) => q.name));
  const ensure = async (name: string, options: Omit<PgBoss.Queue, 'name'>) => {
    if (existing.has(name)) return;
    try {
      await boss.createQueue(name, { name, ...options });
    } catch (error) {
      // Another process created it at the same moment: that is the queue we wanted.
      if (!(await boss.getQueue(name))) throw error;
    }
  };
  await ensure(names.dead, { policy: 'standard', retryLimit: 0 });
  for (const name of [names.jobs, names.backfill]) {
    await ensure(name, {
      policy: 'short',
      retryLimit: r.retryLimit,
      retryDelay: r.retryDelay,
      retryBackoff: true,
      expireInSeconds: r.expireInSeconds,
      deadLetter: names.dead,
    });
  }
}
