import type PgBoss from 'pg-boss';
import type { DbHandle } from '../db/types';
import { ValidationError } from '../errors/validation-error';
import type { Extractor } from '../extractor';
import { type Logger, noopLogger } from '../logger';
import { Pipeline } from '../pipeline/pipeline';
import type { JobError } from '../pipeline/types';
import {
  type BackfillJobData,
  createQueues,
  DEFAULT_QUEUES,
  type DeadJobData,
  isTransientCode,
  type QueueNames,
  type QueueRetryOptions,
  type RunJobData,
} from './queues';

/** Default jobs in flight per queue in one worker. */
export const DEFAULT_WORKER_CONCURRENCY = 2;
/** Default time a stopping worker lets in-flight jobs finish before it aborts them: 30 s. */
export const DEFAULT_STOP_TIMEOUT_MS = 30_000;

/** Options of {@link startWorker}. */
export interface StartWorkerOptions {
  /** A started pg-boss instance (the caller owns it: stop it after the worker). */
  boss: PgBoss;
  /** The data database (`pg.Pool`), with the schema installed. Not needed with `pipeline`. */
  db?: DbHandle;
  /** The extract stage, e.g. an `AlphaVantageExtractor` with a `sharedRateLimit`. Not needed with `pipeline`. */
  extractor?: Extractor;
  /** Data schema. @default 'stock_etl' */
  schema?: string;
  /** A pipeline of your own (steps, loader, …) instead of `db` + `extractor`. */
  pipeline?: Pipeline;
  /**
   * Jobs in flight at once, per queue (`jobs` and `backfill`). The extractor's (shared) rate
   * limit still decides how fast requests go out.
   * @default DEFAULT_WORKER_CONCURRENCY (2)
   */
  concurrency?: number;
  /** Queue names, when not the defaults. */
  queues?: Partial<QueueNames>;
  /** Retry policy of queues this worker creates (an existing queue keeps its own). */
  retry?: QueueRetryOptions;
  /**
   * How often an idle worker asks the queue for a job (pg-boss allows 0.5 at least).
   * @default 2
   */
  pollingIntervalSeconds?: number;
  /**
   * On stop: how long in-flight jobs may finish; after that they are aborted (nothing of theirs
   * commits) and handed back to the queue for another worker (a retry).
   * @default DEFAULT_STOP_TIMEOUT_MS (30000)
   */
  stopTimeoutMs?: number;
  /**
   * Stop gracefully on SIGTERM and SIGINT (await `worker.done`, then stop pg-boss and close pools).
   * @default true
   */
  stopOnSignals?: boolean;
  /** Where to log. @default noopLogger */
  logger?: Logger;
  /** Called when a job starts. */
  onJobStart?: (event: WorkerJobEvent) => void;
  /** Called when a job ended (done, failed for a retry, or dead-lettered). */
  onJobEnd?: (event: WorkerJobEvent & WorkerJobOutcome) => void;
}

/** Which job a worker event is about. */
export interface WorkerJobEvent {
  /** The queue. */
  queue: string;
  /** The pg-boss job id. */
  id: string;
  /** The job's data. */
  data: RunJobData | BackfillJobData;
}

/** How a job ended. */
export interface WorkerJobOutcome {
  /** `done`; `retry` (transient failure: pg-boss retries it); `dead` (moved to the dead-letter queue). */
  outcome: 'done' | 'retry' | 'dead';
  /** Why it failed. */
  error?: JobError;
  /** Wall time. */
  durationMs: number;
}

/** A running worker. */
export interface QueueWorker {
  /** The pipeline the jobs run through. */
  readonly pipeline: Pipeline;
  /**
   * Stops fetching jobs, lets in-flight ones finish for `stopTimeoutMs`, then aborts the rest
   * (they go back to the queue). Resolves when no job of this worker is in flight. Idempotent.
   */
  stop(): Promise<void>;
  /** Resolves when the worker has stopped (by `stop()` or a signal). */
  readonly done: Promise<void>;
}

/** Thrown to pg-boss for a transient failure, so it retries the job with its backoff. @internal */
class RetryableJobError extends Error {
  readonly code: string;
  constructor(error: JobError) {
    super(error.message);
    this.name = 'RetryableJobError';
    this.code = error.code;
  }
}

/**
 * Starts a queue worker: pulls jobs queued by `enqueueBatch` / `enqueueBackfill` from pg-boss and
 * runs each through the {@link Pipeline} (`run`, or one month of `backfillIntraday`). A job that
 * fails with a transient code ({@link TRANSIENT_CODES}) is thrown back to pg-boss, which retries
 * it with backoff and dead-letters it after `retryLimit`; any other failure goes to the
 * dead-letter queue at once (never retried). A worker killed mid-job leaves its job `active` until
 * `expireInSeconds`; pg-boss then retries it on another worker, and the ledger, watermarks and
 * idempotent upserts make the second run load nothing twice.
 * @throws ValidationError for bad options
 */
export async function startWorker(options: StartWorkerOptions): Promise<QueueWorker> {
  const { boss } = options;
  const concurrency = options.concurrency ?? DEFAULT_WORKER_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ValidationError('concurrency must be a positive integer', { field: 'concurrency' });
  }
  const stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  const logger = options.logger ?? noopLogger;
  const pipeline = options.pipeline ?? newPipeline(options);
  const names = { ...DEFAULT_QUEUES, ...options.queues };
  await createQueues(boss, names, options.retry);
  const inFlight = new Map<AbortController, Promise<unknown>>();

  const handle = async (queue: string, job: PgBoss.Job<RunJobData | BackfillJobData>) => {
    const event: WorkerJobEvent = { queue, id: job.id, data: job.data };
    const started = performance.now();
    const end = (outcome: WorkerJobOutcome['outcome'], error?: JobError) =>
      options.onJobEnd?.({
        ...event,
        outcome,
        ...(error ? { error } : {}),
        durationMs: performance.now() - started,
      });
    options.onJobStart?.(event);
    const abort = new AbortController();
    // pg-boss gives up on a handler after the job's expireInSeconds and retries the job: stop this
    // run then too (nothing of it commits), so the job never runs twice at once.
    const expiry = setTimeout(
      () => abort.abort(new Error('the job ran past its expireInSeconds')),
      Math.max(1, job.expireInSeconds) * 1000,
    );
    expiry.unref();
    const run = runJob(pipeline, queue === names.backfill, job.data, abort.signal);
    inFlight.set(abort, run);
    try {
      const error = await run;
      if (!error) {
        end('done');
        return { status: 'success' };
      }
      if (isTransientCode(error.code)) {
        end('retry', error);
        throw new RetryableJobError(error);
      }
      const dead: DeadJobData = { queue, data: job.data, error };
      await boss.send(names.dead, dead);
      logger.warn('stock-etl worker: job failed for good; moved to the dead-letter queue', {
        queue,
        code: error.code,
      });
      end('dead', error);
      return { status: 'failed', error, deadLettered: true };
    } finally {
      clearTimeout(expiry);
      inFlight.delete(abort);
    }
  };

  for (const queue of [names.jobs, names.backfill]) {
    for (let i = 0; i < concurrency; i++) {
      await boss.work<RunJobData | BackfillJobData>(
        queue,
        { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
        async ([job]) => (job ? handle(queue, job) : undefined),
      );
    }
  }

  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  let stopping: Promise<void> | undefined;
  const onSignal = () => void stop();
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      await Promise.all([names.jobs, names.backfill].map((q) => boss.offWork(q)));
      const settled = () => Promise.allSettled([...inFlight.values()]);
      const timer = new Promise<'timeout'>((r) => setTimeout(r, stopTimeoutMs, 'timeout').unref());
      if ((await Promise.race([settled(), timer])) === 'timeout') {
        logger.warn('stock-etl worker: aborting jobs still in flight; they go back to the queue', {
          jobs: inFlight.size,
        });
        for (const abort of inFlight.keys()) abort.abort(new Error('worker stopping'));
        await settled();
      }
      resolveDone();
    })();
    return stopping;
  };
  if (options.stopOnSignals ?? true) {
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  return { pipeline, stop, done };
}

function newPipeline(options: StartWorkerOptions): Pipeline {
  if (!options.db || !options.extractor) {
    throw new ValidationError('startWorker needs `pipeline`, or `db` and `extractor`', {
      field: 'options',
    });
  }
  return new Pipeline({
    db: options.db,
    extractor: options.extractor,
    ...(options.schema ? { schema: options.schema } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/** Runs one job; resolves its error, or undefined when it succeeded. */
async function runJob(
  pipeline: Pipeline,
  backfill: boolean,
  data: RunJobData | BackfillJobData,
  signal: AbortSignal,
): Promise<JobError | undefined> {
  try {
    if (backfill) {
      const d = data as BackfillJobData;
      const result = await pipeline.backfillIntraday(d.symbol, {
        interval: d.interval,
        from: d.month,
        to: d.month,
        signal,
      });
      return result.status === 'success' ? undefined : (result.error ?? unknownError());
    }
    const d = data as RunJobData;
    const result = await pipeline.run(d.symbol, d.dataset, {
      signal,
      ...(d.outputsize ? { outputsize: d.outputsize } : {}),
    });
    return result.status === 'success' ? undefined : (result.error ?? unknownError());
  } catch (error) {
    const code = (error as { code?: unknown })?.code;
    return {
      code: typeof code === 'string' ? code : 'INTERNAL',
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

function unknownError(): JobError {
  return { code: 'INTERNAL', message: 'the job failed without an error' };
}
