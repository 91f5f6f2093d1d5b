import type PgBoss from 'pg-boss';
import type { IntradayInterval } from '../alpha-vantage/types';
import { normalizeSymbol } from '../alpha-vantage/validate';
import { type Clock, systemClock } from '../clock';
import { ValidationError } from '../errors/validation-error';
import { assertDataset, type Dataset, intradayDataset } from '../pipeline/datasets';
import { monthsBetween, newYorkMonth, parseMonth } from '../pipeline/planning';
import {
  type BackfillJobData,
  createQueues,
  DEFAULT_QUEUES,
  type QueueNames,
  type QueueRetryOptions,
  type RunJobData,
} from './queues';

/** Options of {@link enqueueBatch} and {@link enqueueBackfill}. */
export interface EnqueueOptions {
  /** Queue names, when not the defaults ({@link DEFAULT_QUEUES}). */
  queues?: Partial<QueueNames>;
  /** Retry policy of queues created by this call (an existing queue keeps its own). */
  retry?: QueueRetryOptions;
  /**
   * pg-boss priority: a higher number is fetched first.
   * @default 0
   */
  priority?: number;
}

/** Options of {@link enqueueBatch}. */
export interface EnqueueBatchOptions extends EnqueueOptions {
  /** Force `compact` or `full` instead of deciding from the watermark when the job runs. */
  outputsize?: 'compact' | 'full';
}

/** Options of {@link enqueueBackfill}. */
export interface EnqueueBackfillOptions extends EnqueueOptions {
  /** Bar length. */
  interval: IntradayInterval;
  /** First month, `YYYY-MM`. */
  from: string;
  /** Last month, `YYYY-MM`. @default the current month (New York time) */
  to?: string;
  /** Time source of "the current month". @default systemClock */
  clock?: Clock;
}

/** One job {@link enqueueBatch} or {@link enqueueBackfill} was asked for. */
export interface EnqueuedJob<T> {
  /** The job's data. */
  data: T;
  /** The pg-boss job id, or `null` when an identical job was already queued (not queued again). */
  id: string | null;
}

/** What an enqueue did. */
export interface EnqueueResult<T> {
  /** Every job asked for, in order. */
  jobs: EnqueuedJob<T>[];
  /** How many were queued now. */
  queued: number;
  /** How many were already pending (same singleton key) and were not queued again. */
  alreadyQueued: number;
}

/** The singleton key of a (symbol, dataset) job: one pending job per key. */
export function runJobKey(data: RunJobData): string {
  return `${data.symbol} ${data.dataset}`;
}

/** The singleton key of a backfill month job. */
export function backfillJobKey(data: BackfillJobData): string {
  return `${data.symbol} ${intradayDataset(data.interval)} ${data.month}`;
}

/**
 * Queues one job per (symbol, dataset) on the `jobs` queue; a worker ({@link startWorker}) runs
 * each with `Pipeline.run`. A (symbol, dataset) already waiting in the queue is not queued twice
 * (its singleton key). Symbols are normalised and every input is validated before anything is sent.
 * @throws ValidationError for a bad symbol or dataset
 * @example
 * ```ts
 * const boss = new PgBoss(process.env.DATABASE_URL!);
 * await boss.start();
 * await enqueueBatch(boss, ['IBM', 'MSFT'], ['daily', 'overview']);
 * ```
 */
export async function enqueueBatch(
  boss: PgBoss,
  symbols: readonly string[],
  datasets: readonly Dataset[],
  options: EnqueueBatchOptions = {},
): Promise<EnqueueResult<RunJobData>> {
  for (const dataset of datasets) assertDataset(dataset);
  const names = { ...DEFAULT_QUEUES, ...options.queues };
  const data: RunJobData[] = [];
  for (const symbol of symbols) {
    const s = normalizeSymbol(symbol);
    for (const dataset of datasets) {
      data.push(
        options.outputsize
          ? { symbol: s, dataset, outputsize: options.outputsize }
          : { symbol: s, dataset },
      );
    }
  }
  await createQueues(boss, names, options.retry);
  return send(boss, names.jobs, data, runJobKey, options);
}

/**
 * Queues an intraday backfill as one job per month on the `backfill` queue, so months load in
 * parallel across workers and a killed worker's month is retried by another; months already in
 * the ledger are skipped by the worker, so queuing a range again resumes it.
 * @throws ValidationError for a bad symbol, interval or month range
 */
export async function enqueueBackfill(
  boss: PgBoss,
  symbol: string,
  options: EnqueueBackfillOptions,
): Promise<EnqueueResult<BackfillJobData>> {
  if (!options || typeof options !== 'object') {
    throw new ValidationError('backfill options are required', { field: 'options' });
  }
  const s = normalizeSymbol(symbol);
  intradayDataset(options.interval); // validates the interval
  const current = newYorkMonth((options.clock ?? systemClock).now());
  const from = parseMonth(options.from, 'options.from');
  const to = options.to === undefined ? current : parseMonth(options.to, 'options.to');
  if (from > to) {
    throw new ValidationError(`from ${from} is after to ${to}`, { field: 'options.from' });
  }
  if (to > current) {
    throw new ValidationError(`to ${to} is in the future (current month ${current})`, {
      field: 'options.to',
    });
  }
  const names = { ...DEFAULT_QUEUES, ...options.queues };
  const data = monthsBetween(from, to).map((month) => ({
    symbol: s,
    interval: options.interval,
    month,
  }));
  await createQueues(boss, names, options.retry);
  return send(boss, names.backfill, data, backfillJobKey, options);
}

async function send<T extends object>(
  boss: PgBoss,
  queue: string,
  data: T[],
  key: (d: T) => string,
  options: EnqueueOptions,
): Promise<EnqueueResult<T>> {
  const jobs: EnqueuedJob<T>[] = [];
  for (const d of data) {
    const id = await boss.send(queue, d, {
      singletonKey: key(d),
      ...(options.priority === undefined ? {} : { priority: options.priority }),
    });
    jobs.push({ data: d, id });
  }
  const queued = jobs.filter((j) => j.id !== null).length;
  return { jobs, queued, alreadyQueued: jobs.length - queued };
}
