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
import type { Extractor } from '../extractor';
import type { UpsertOptions } from '../load/load-options';
import type { Loader } from '../load/loader';
import { type Logger, noopLogger } from '../logger';
import { integerFrom, oneOf, parseOptions } from '../options';
import { REJECT_POLICIES, type RejectPolicy } from '../transform/context';
import type { TransformSteps } from '../transform/steps';
import type { Transformer } from '../transform/transformer';
import { DEFAULT_MAX_REFETCHES, runBackfill } from './backfill';
import { type PlannedJob, planBatch } from './batch-plan';
import type { RunContext } from './context';
import { assertDataset, type Dataset, intradayDataset } from './datasets';
import { failedResult, runJob, ZERO } from './job-runner';
import { DEFAULT_STALE_JOB_AFTER_MS, JobLease } from './lease';
import { newYorkMonth, parseMonth } from './planning';
import { resolveStages, stageSchema } from './stages';
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
  /**
   * The extract stage: an {@link AlphaVantageExtractor}, a {@link FileExtractor}, or any
   * {@link Extractor} of yours.
   */
  extractor: Extractor;
  /**
   * The transform stage. Its reject policy, calendar and steps apply; the pipeline passes the
   * time of each response by its own `clock`. Pass either this or `rejectPolicy` / `steps`.
   * @default new Transformer({ rejectPolicy, steps, calendar, clock }) from these options
   */
  transformer?: Transformer;
  /**
   * Steps of yours between transform and load, per kind of rows (see {@link TransformSteps}):
   * shorthand for `transformer: new Transformer({ steps })`. A step that throws fails its job
   * only, with code `STEP`, and nothing of that job's response is loaded.
   * @default {} (none)
   */
  steps?: TransformSteps;
  /**
   * The load stage: a {@link Loader}, or a subclass of yours that also writes elsewhere. Every
   * job's rows go through `loader.load(table, rows, { tx, … })` inside the job's transaction —
   * write through `tx` and your rows commit or roll back with the job's. Pass either this or `load`.
   * @default new Loader({ db, schema, ...load })
   */
  loader?: Loader;
  /**
   * Schema holding the tables.
   * @default the `loader`'s schema, else 'stock_etl'
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
   * With `transformer`, the transformer's policy applies (a different one here is refused).
   * @default 'quarantine' (the `transformer`'s, when one is given)
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
  /** Tuning of the default loader (method, batch size, COPY threshold); see `loader`. */
  load?: UpsertOptions;
  /**
   * For jobs without a lease (see `leases`): how long a `running` job may go without a heartbeat
   * before it is taken for dead and marked failed (code `STALE`). This pipeline's own jobs
   * heartbeat every third of it (at most every minute) and record it in their row, so a pipeline
   * configured with a shorter value never takes them for dead. Jobs with a lease are judged by
   * the lease alone, at once.
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
  /**
   * Hold a lease while jobs run: a session-level advisory lock on a connection of the pipeline's
   * own (taken from a `pg.Pool` for as long as any job runs) or on the one session of a
   * `pg.Client` / PGlite. Its key goes into each job row, and the moment no session holds it —
   * the process crashed or was killed — any other pipeline, `getStatus` and `healthCheck` see the
   * job as dead. Turn it off behind a transaction-pooling proxy (PgBouncer in transaction mode),
   * where a session lock does not stay with one session; liveness then rests on heartbeats
   * (`staleJobAfterMs`). It is also off for a wrapped `Db` and a pool of one connection.
   * @default true
   */
  leases?: boolean;
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

  /** @param options - see {@link PipelineOptions} */
  constructor(options: PipelineOptions) {
    if (!options || typeof options !== 'object') {
      throw new ValidationError('Pipeline options are required', { field: 'options' });
    }
    if (!options.extractor || typeof options.extractor.daily !== 'function') {
      throw new ValidationError(
        'options.extractor must be an Extractor (e.g. an AlphaVantageExtractor)',
        {
          field: 'options.extractor',
        },
      );
    }
    if (options.rejectPolicy !== undefined) {
      parseOptions(oneOf(REJECT_POLICIES), options.rejectPolicy, 'options.rejectPolicy');
    }
    this.#concurrency = positiveInt(options.concurrency ?? 2, 'options.concurrency');
    const staleJobAfterMs = positiveInt(
      options.staleJobAfterMs ?? DEFAULT_STALE_JOB_AFTER_MS,
      'options.staleJobAfterMs',
    );
    this.schema = stageSchema(options, DEFAULT_SCHEMA);
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
    const clock = options.clock ?? systemClock;
    const events = new TypedEmitter<PipelineEvents>((error, event) =>
      logger.error('pipeline event listener threw', {
        event: String(event),
        error: String(error),
      }),
    );
    const calendar = options.calendar ?? new MarketCalendar();
    const stages = resolveStages(options, { db, schema: this.schema, calendar, clock });
    this.#ctx = {
      db,
      q,
      ...stages,
      extractor: options.extractor,
      calendar,
      clock,
      logger,
      policy: stages.transformer.rejectPolicy,
      extendedHours: options.extendedHours ?? true,
      lease: new JobLease({
        handle: options.db,
        db,
        q,
        clock,
        logger,
        events,
        staleJobAfterMs,
        leases: options.leases ?? true,
      }),
      lockScope: options.db,
      events,
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
   *
   * Symbols are normalised and pairs de-duplicated before anything runs: `['IBM', 'ibm']` with
   * `['quote', 'quote']` is one job. `jobs` has one result per distinct job; `inputs` says, for
   * every pair given, which job handled it. The batch holds one lease for all its jobs.
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
    const { planned, inputs } = planBatch(symbols, list);
    const jobs: JobResult[] = new Array(planned.length);
    let cursor = 0;
    const worker = async () => {
      while (cursor < planned.length) {
        const index = cursor++;
        jobs[index] = await this.#plannedJob(planned[index] as PlannedJob, options);
      }
    };
    // One lease for the whole batch (each job holds it too: a failure here is theirs to report).
    const release = await this.#ctx.lease.hold().catch(() => undefined);
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, planned.length) }, worker));
    } finally {
      await release?.();
    }
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
      inputs,
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

  /** A planned batch job: input problems become a failed result, not a throw. */
  async #plannedJob(job: PlannedJob, options: RunOptions): Promise<JobResult> {
    if (job.error !== undefined) {
      const result = failedResult(job.symbol, job.dataset, job.error);
      this.#ctx.events.emit('job:error', result);
      return result;
    }
    return runJob(this.#ctx, job.symbol, job.dataset, options);
  }
}

function nonNegativeInt(value: number, field: string): number {
  return parseOptions(integerFrom(0), value, field);
}

function positiveInt(value: number, field: string): number {
  return parseOptions(integerFrom(1), value, field);
}
