import type { MarketCalendar } from '../calendar';
import type { Clock } from '../clock';
import type { Db } from '../db/types';
import { errorCodeOf } from '../errors/stock-etl-error';
import type { TypedEmitter } from '../events';
import type { Extractor } from '../extractor';
import type { LoadTable, LoadTables, TableLoadOptions } from '../load/load-tables';
import type { Loader } from '../load/loader';
import { advanceWatermark } from '../load/progress';
import type { LoadCounts } from '../load/upsert';
import type { Logger } from '../logger';
import type { RejectPolicy } from '../transform/context';
import type { RejectedRow } from '../transform/rows';
import type { Transformer } from '../transform/transformer';
import type { Dataset } from './datasets';
import type { JobLease } from './lease';
import type { JobError, PipelineEvents } from './types';

/** Everything a job needs, resolved once per Pipeline. @internal */
export interface RunContext {
  db: Db;
  q: string;
  loader: Loader;
  transformer: Transformer;
  extractor: Extractor;
  calendar: MarketCalendar;
  clock: Clock;
  logger: Logger;
  /** The transformer's reject policy: whether rejects are quarantined. */
  policy: RejectPolicy;
  extendedHours: boolean;
  events: TypedEmitter<PipelineEvents>;
  /** The pipeline's lease: proof that its running jobs are alive (see lease.ts). */
  lease: JobLease;
  /** What in-process work locks are keyed by: the database handle the user passed. */
  lockScope: object;
}

/** One job's mutable tallies. @internal */
export interface JobTally {
  apiCalls: number;
  onRequest: () => void;
}

/** A tally whose `onRequest` counts API calls. @internal */
export function newTally(): JobTally {
  const tally: JobTally = {
    apiCalls: 0,
    onRequest: () => {
      tally.apiCalls++;
    },
  };
  return tally;
}

/** One response's rows on their way into a table. @internal */
export interface Commit<T extends LoadTable> {
  table: T;
  rows: readonly LoadTables[T][];
  /** Per-table load options (`adjusted`, `skipUnchanged`); the transaction is added. */
  options?: Omit<TableLoadOptions, 'tx'>;
  rejects: readonly RejectedRow[];
  /** The watermark's new point (the newest row's), or null to leave it. */
  lastPoint: string | null;
  /** For a backfill: the month. */
  month?: string;
}

/** The key column a `rows:committed` range is given in, per table (null: no ordered key). */
const RANGE_KEY: { [T in LoadTable]: ((row: LoadTables[T]) => string) | null } = {
  stock_prices: (r) => r.tradeDate,
  stock_prices_weekly: (r) => r.periodStart,
  stock_prices_monthly: (r) => r.periodStart,
  stock_prices_intraday: (r) => r.ts,
  stock_quotes: (r) => r.observedAt,
  market_index_prices: (r) => r.tradeDate,
  stocks: null,
};

/**
 * Writes a response's rows (through the loader), its quarantined rejects and the watermark in ONE
 * transaction, so the watermark never claims rows that were not committed. Then — after the
 * commit, never before, and never for a transaction that rolled back — emits `rows:committed`.
 * @internal
 */
export async function commitRows<T extends LoadTable>(
  ctx: RunContext,
  job: { symbol: string; dataset: Dataset; jobId: number | null },
  commit: Commit<T>,
  extra?: (tx: Db) => Promise<void>,
): Promise<LoadCounts> {
  const { rejects, lastPoint } = commit;
  const counts = await ctx.db.transaction(async (tx) => {
    const result = await ctx.loader.load(commit.table, commit.rows, { ...commit.options, tx });
    if (ctx.policy === 'quarantine' && rejects.length > 0) {
      await ctx.loader.quarantine(rejects, { tx, jobId: job.jobId });
    }
    if (lastPoint !== null) {
      await advanceWatermark(
        tx,
        ctx.q,
        job.symbol,
        job.dataset,
        lastPoint,
        new Date(ctx.clock.now()),
      );
    }
    if (extra) await extra(tx);
    return result;
  });
  if (ctx.events.listenerCount('rows:committed') > 0) {
    // The range costs a pass over the rows: only when someone listens.
    const key = RANGE_KEY[commit.table] as ((row: LoadTables[T]) => string) | null;
    let from: string | null = null;
    let to: string | null = null;
    if (key) {
      for (const row of commit.rows) {
        const k = key(row);
        if (from === null || k < from) from = k;
        if (to === null || k > to) to = k;
      }
    }
    ctx.events.emit('rows:committed', {
      jobId: job.jobId,
      symbol: job.symbol,
      dataset: job.dataset,
      table: commit.table,
      inserted: counts.inserted,
      updated: counts.updated,
      unchanged: counts.unchanged,
      rejected: rejects.length,
      from,
      to,
      ...(commit.month === undefined ? {} : { month: commit.month }),
    });
  }
  if (rejects.length > 0) {
    ctx.logger.warn('rows rejected by validation', {
      symbol: job.symbol,
      dataset: job.dataset,
      count: rejects.length,
      first: rejects[0]?.reason,
    });
    ctx.events.emit('rows:rejected', {
      symbol: job.symbol,
      dataset: job.dataset,
      count: rejects.length,
      quarantined: ctx.policy === 'quarantine',
    });
  }
  return counts;
}

/** The largest of `values` (ISO dates / instants sort as text), or null. @internal */
export function maxPoint(values: Iterable<string>): string | null {
  let max: string | null = null;
  for (const v of values) if (max === null || v > max) max = v;
  return max;
}

/** A job error from anything thrown; never carries more than code and message. @internal */
export function toJobError(error: unknown): JobError {
  return {
    code: errorCodeOf(error),
    message: error instanceof Error ? error.message : String(error),
  };
}
