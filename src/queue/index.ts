/**
 * `stock-etl/queue`: scale out across processes and machines on pg-boss (an optional peer
 * dependency: install `pg-boss@10` to use this entry point; the main entry never loads it).
 * Queue jobs with {@link enqueueBatch} / {@link enqueueBackfill}, run them with
 * {@link startWorker}, and give every worker's extractor one `PostgresRateLimit` and
 * `PostgresBudgetStore` so the key's limits hold for all of them together.
 *
 * @packageDocumentation
 */
export {
  backfillJobKey,
  type EnqueueBackfillOptions,
  type EnqueueBatchOptions,
  type EnqueuedJob,
  type EnqueueOptions,
  type EnqueueResult,
  enqueueBackfill,
  enqueueBatch,
  runJobKey,
} from './enqueue';
export {
  type BackfillJobData,
  createQueues,
  DEFAULT_QUEUE_RETRY,
  DEFAULT_QUEUES,
  type DeadJobData,
  isTransientCode,
  type QueueNames,
  type QueueRetryOptions,
  type RunJobData,
  TRANSIENT_CODES,
} from './queues';
export {
  DEFAULT_STOP_TIMEOUT_MS,
  DEFAULT_WORKER_CONCURRENCY,
  type QueueWorker,
  type StartWorkerOptions,
  startWorker,
  type WorkerJobEvent,
  type WorkerJobOutcome,
} from './worker';
