import type { IntradayInterval } from '../alpha-vantage/types';
import { normalizeSymbol } from '../alpha-vantage/validate';
import { MarketCalendar } from '../calendar';
import { type Clock, systemClock } from '../clock';
import { toDb } from '../db/adapters';
import { DEFAULT_SCHEMA, quoteSchema } from '../db/identifier';
import {
  DEFAULT_LOCK_TIMEOUT_MS,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  resolveTimeout,
  scopeDb,
} from '../db/scoped-db';
import type { Db, DbHandle } from '../db/types';
import { ValidationError } from '../errors/validation-error';
import { type Listener, TypedEmitter } from '../events';
import { failStaleJobs, Loader, type LoadMethod } from '../load';
import { type Logger, noopLogger } from '../logger';
import { REJECT_POLICIES, type RejectPolicy } from '../transform/context';
import { DEFAULT_MAX_REFETCHES, runBackfill } from './backfill';
import type { RunContext } from './context';
import { assertDataset, type Dataset, intradayDataset } from './datasets';
import type { PipelineExtractor } from './extractor-port';
import { failedResult, runJob, ZERO } from './job-runner';
import { newYorkMonth, parseMonth } from './planning';
import type {
  BackfillProgress,
  BackfillResult,
  BatchResult,
  JobResult,
  PipelineEvents,
} from './types';

/** Options of {@link Pipeline}. */
export interface PipelineOptions {
  /** A `pg.Pool`, `pg.Client` or PGlite instance with the schema installed (`installSchema`). */
  db: DbHandle;
  /** The source: an {@link AlphaVantageExtractor} (or anything with the same methods). */
  extractor: PipelineExtractor;
  /**
   * Schema holding the tables.
   * @default 'stock_etl'
   */
  schema?: string;
  /**
   * Jobs in flight at once in `runBatch`. The extractor's rate limiter still decides how fast
   * requests go out; concurrency lets one job load while another downloads.
   * @default 2
   */
  concurrency?: number;
  /**
   * What to do with rows that fail validation: store them in `etl_rejected_rows` (`quarantine`),
   * only count them (`skip`), or fail the job and load nothing of the response (`throw`).
   * @default 'quarantine'
   */
  rejectPolicy?: RejectPolicy;
  /**
   * Include pre- and post-market bars in intraday datasets.
   * @default true
   */
  extendedHours?: boolean;
  /** Market calendar for freshness decisions. @default new MarketCalendar() */
  calendar?: MarketCalendar;
  /** Time source. @default systemClock */
  clock?: Clock;
  /** Where to log. @default noopLogger */
  logger?: Logger;
  /** Loader tuning (method, batch size, COPY threshold). */
  load?: {
    /** How rows reach PostgreSQL: `unnest`, `copy` or `auto`. @default 'auto' */
    method?: LoadMethod;
    /** Rows per unnest statement. @default 5000 */
    batchSize?: number;
    /** Rows from which `auto` uses COPY. @default 5000 */
    copyThreshold?: number;
  };
  /**
   * A `running` job whose heartbeat is older than this is taken for a crashed process and marked
   * failed (code `STALE`) when this pipeline starts its first job.
   * @default 1800000 (30 minutes)
   */
  staleJobAfterMs?: number;
  /**
   * The longest one database statement of the pipeline may run, in milliseconds (`SET LOCAL
   * statement_timeout` in every transaction it opens; `0` = no limit). A statement that runs
   * longer fails its job with a `DatabaseError` (SQLSTATE `57014`) and commits nothing.
   * @default DEFAULT_STATEMENT_TIMEOUT_MS (120000: 2 minutes)
   */
  statementTimeoutMs?: number;
  /**
   * The longest a statement of the pipeline waits for a lock another session holds (a migration,
   * a `LOCK TABLE`, a forgotten transaction), in milliseconds (`SET LOCAL lock_timeout`; `0` = no
   * limit). The job then fails with a `DatabaseError` (SQLSTATE `55P03`) and commits nothing.
   * @default DEFAULT_LOCK_TIMEOUT_MS (30000: 30 seconds)
   */
  lockTimeoutMs?: number;
}

/** Per-call options of {@link Pipeline.run}. */
export interface RunOptions {
  /**
   * Abort: the job stops before its next step — a request in flight is cancelled, and so is a
   * database statement in flight (even one waiting for a lock) — commits nothing after the abort
   * and is marked `ABORTED`.
   */
  signal?: AbortSignal;
  /** Force `compact` or `full` instead of deciding from the watermark. */
  outputsize?: 'compact' | 'full';
}

/** Per-call options of {@link Pipeline.runBatch}. */
export interface BatchOptions extends RunOptions {
  /** Override the pipeline's `concurrency` for this batch. */
  concurrency?: number;
}

/** Options of {@link Pipeline.backfillIntraday}. */
export interface BackfillOptions {
  /** Bar length. */
  interval: IntradayInterval;
  /** First month, `YYYY-MM` (2000-01 or later). */
  from: string;
  /** Last month, `YYYY-MM`. @default the current month (New York time) */
  to?: string;
  /**
   * Abort between (or during) months: the request or database statement in flight is cancelled
   * and the month in progress is not committed; completed months stay committed.
   */
  signal?: AbortSignal;
  /** Called after every month (loaded or skipped). */
  onProgress?: (progress: BackfillProgress) => void;
  /**
   * How many times a month whose latest fetch rejected rows is fetched again by later backfills
   * (counted in the ledger), so a hole heals once the source is fixed while a bar that is always
   * bad costs a bounded number of requests. `0` never re-fetches.
   * @default 2 (`DEFAULT_MAX_REFETCHES`)
   */
  maxRefetches?: number;
}

/**
 * Orchestrates extract → transform → load for symbols and datasets, with job logging,
 * watermarks, incremental fetching, resumable backfills, events and abort.
 *
 * A failed job never throws from `run`/`runBatch`: it comes back with `status: 'failed'` and an
 * `error` (and is recorded in `etl_job_logs`). Invalid arguments (symbol, dataset) throw
 * {@link ValidationError} from `run` and become failed jobs in `runBatch`.
 *
 * @example
 * ```ts
 * const pipeline = new Pipeline({ db: pool, extractor: new AlphaVantageExtractor({ apiKey }) });
 * pipeline.on('job:error', (job) => console.error(job.symbol, job.error));
 * const batch = await pipeline.runBatch(['IBM', 'MSFT'], ['daily', 'intraday:5min']);
 * ```
 */
export class Pipeline {
  /** The schema the pipeline writes to. */
  readonly schema: string;
  readonly #ctx: RunContext;
  readonly #concurrency: number;
  readonly #staleJobAfterMs: number;
  #started: Promise<void> | undefined;

  /** @param options - see {@link PipelineOptions} */
  constructor(options: PipelineOptions) {
    if (!options || typeof options !== 'object') {
      throw new ValidationError('Pipeline options are required', { field: 'options' });
    }
    if (!options.extractor || typeof options.extractor.daily !== 'function') {
      throw new ValidationError('options.extractor must be an AlphaVantageExtractor', {
        field: 'options.extractor',
      });
    }
    const policy = options.rejectPolicy ?? 'quarantine';
    if (!REJECT_POLICIES.includes(policy)) {
      throw new ValidationError(`rejectPolicy must be one of ${REJECT_POLICIES.join(', ')}`, {
        field: 'options.rejectPolicy',
      });
    }
    this.#concurrency = positiveInt(options.concurrency ?? 2, 'options.concurrency');
    this.#staleJobAfterMs = positiveInt(
      options.staleJobAfterMs ?? 1_800_000,
      'options.staleJobAfterMs',
    );
    this.schema = options.schema ?? DEFAULT_SCHEMA;
    const q = quoteSchema(this.schema, 'options.schema');
    const logger = options.logger ?? noopLogger;
    // Every statement the pipeline sends runs under these limits (see scopeDb).
    const db: Db = scopeDb(toDb(options.db), {
      statementTimeoutMs: resolveTimeout(
        options.statementTimeoutMs,
        DEFAULT_STATEMENT_TIMEOUT_MS,
        'options.statementTimeoutMs',
      ),
      lockTimeoutMs: resolveTimeout(
        options.lockTimeoutMs,
        DEFAULT_LOCK_TIMEOUT_MS,
        'options.lockTimeoutMs',
      ),
    });
    this.#ctx = {
      db,
      q,
      loader: new Loader({ db, schema: this.schema, ...options.load }),
      extractor: options.extractor,
      calendar: options.calendar ?? new MarketCalendar(),
      clock: options.clock ?? systemClock,
      logger,
      policy,
      extendedHours: options.extendedHours ?? true,
      ensureStarted: () => this.#ensureStarted(),
      events: new TypedEmitter<PipelineEvents>((error, event) =>
        logger.error('pipeline event listener threw', {
          event: String(event),
          error: String(error),
        }),
      ),
    };
  }

  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends keyof PipelineEvents>(event: K, listener: Listener<PipelineEvents, K>): () => void {
    return this.#ctx.events.on(event, listener);
  }

  /** Removes a listener added with {@link Pipeline.on}. */
  off<K extends keyof PipelineEvents>(event: K, listener: Listener<PipelineEvents, K>): void {
    this.#ctx.events.off(event, listener);
  }

  /**
   * Runs one job. Incremental: with stored data recent enough, fetches `compact` (the newest 100
   * points), else `full`. Same data twice → `inserted: 0, updated: 0` the second time.
   * @throws {@link ValidationError} for a bad symbol or dataset
   */
  async run(symbol: string, dataset: Dataset, options: RunOptions = {}): Promise<JobResult> {
    const normalized = normalizeSymbol(symbol);
    assertDataset(dataset);
    return runJob(this.#ctx, normalized, dataset, options);
  }

  /**
   * Runs every (symbol, dataset) pair with bounded concurrency. One failure never stops the
   * others; an abort marks the jobs not yet finished as failed with `ABORTED`.
   */
  async runBatch(
    symbols: readonly string[],
    datasets: Dataset | readonly Dataset[],
    options: BatchOptions = {},
  ): Promise<BatchResult> {
    if (!Array.isArray(symbols)) {
      throw new ValidationError('symbols must be an array', { field: 'symbols' });
    }
    const list = (Array.isArray(datasets) ? datasets : [datasets]) as Dataset[];
    if (list.length === 0)
      throw new ValidationError('datasets must not be empty', { field: 'datasets' });
    const concurrency = positiveInt(
      options.concurrency ?? this.#concurrency,
      'options.concurrency',
    );
    const started = this.#ctx.clock.now();
    const pairs = symbols.flatMap((s) => list.map((d) => [s, d] as const));
    const jobs: JobResult[] = new Array(pairs.length);
    let cursor = 0;
    const worker = async () => {
      while (cursor < pairs.length) {
        const index = cursor++;
        const [symbol, dataset] = pairs[index] as readonly [string, Dataset];
        jobs[index] = await this.#safeJob(symbol, dataset, options);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, pairs.length) }, worker));
    const totals = { ...ZERO, apiCalls: 0 };
    for (const j of jobs) {
      totals.extracted += j.extracted;
      totals.inserted += j.inserted;
      totals.updated += j.updated;
      totals.unchanged += j.unchanged;
      totals.rejected += j.rejected;
      totals.apiCalls += j.apiCalls;
    }
    const succeeded = jobs.filter((j) => j.status === 'success').length;
    const result: BatchResult = {
      jobs,
      succeeded,
      failed: jobs.length - succeeded,
      totals,
      durationMs: this.#ctx.clock.now() - started,
    };
    this.#ctx.events.emit('batch:finish', result);
    return result;
  }

  /**
   * Loads intraday history month by month (`month=YYYY-MM&outputsize=full`), resumable: months
   * in the ledger are not fetched again (the current month always is), and an interrupted run
   * resumes after its last committed month.
   * @throws {@link ValidationError} for a bad symbol, interval or month range
   */
  async backfillIntraday(symbol: string, options: BackfillOptions): Promise<BackfillResult> {
    const ctx = this.#ctx;
    const normalized = normalizeSymbol(symbol);
    if (!options || typeof options !== 'object') {
      throw new ValidationError('backfill options are required', { field: 'options' });
    }
    const _dataset = intradayDataset(options.interval);
    const current = newYorkMonth(ctx.clock.now());
    const from = parseMonth(options.from, 'options.from');
    const to = options.to === undefined ? current : parseMonth(options.to, 'options.to');
    if (from > to)
      throw new ValidationError(`from ${from} is after to ${to}`, { field: 'options.from' });
    if (to > current) {
      throw new ValidationError(`to ${to} is in the future (current month ${current})`, {
        field: 'options.to',
      });
    }
    return runBackfill(ctx, {
      symbol: normalized,
      interval: options.interval,
      from,
      to,
      signal: options.signal,
      onProgress: options.onProgress,
      maxRefetches: nonNegativeInt(
        options.maxRefetches ?? DEFAULT_MAX_REFETCHES,
        'options.maxRefetches',
      ),
    });
  }

  /** Marks stale `running` jobs of crashed processes as failed, once per pipeline. */
  #ensureStarted(): Promise<void> {
    this.#started ??= failStaleJobs(
      this.#ctx.db,
      this.#ctx.q,
      new Date(this.#ctx.clock.now()),
      this.#staleJobAfterMs,
    ).then(
      (count) => {
        if (count > 0) {
          this.#ctx.logger.warn('marked stale running jobs as failed', { count });
          this.#ctx.events.emit('jobs:stale', { count });
        }
      },
      (error) => {
        this.#started = undefined; // try again on the next job
        throw error;
      },
    );
    return this.#started;
  }

  /** A job from raw batch input: validation problems become a failed result, not a throw. */
  async #safeJob(symbol: string, dataset: Dataset, options: RunOptions): Promise<JobResult> {
    let normalized: string;
    try {
      normalized = normalizeSymbol(symbol);
      assertDataset(dataset);
    } catch (e) {
      const result = failedResult(String(symbol), dataset, e);
      this.#ctx.events.emit('job:error', result);
      return result;
    }
    return runJob(this.#ctx, normalized, dataset, options);
  }
}

function nonNegativeInt(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new ValidationError(`${field} must be an integer >= 0, got ${value}`, { field });
  }
  return value;
}

function positiveInt(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ValidationError(`${field} must be a positive integer, got ${value}`, { field });
  }
  return value;
}
