import type { MarketCalendar } from '../calendar';
import type { Clock } from '../clock';
import type { Db } from '../db/types';
import { errorCodeOf } from '../errors/stock-etl-error';
import type { TypedEmitter } from '../events';
import type { Loader } from '../load/loader';
import { advanceWatermark } from '../load/progress';
import type { LoadCounts } from '../load/upsert';
import type { Logger } from '../logger';
import type { RejectPolicy } from '../transform/context';
import type { RejectedRow } from '../transform/rows';
import type { Dataset } from './datasets';
import type { PipelineExtractor } from './extractor-port';
import type { JobLease } from './lease';
import type { JobError, PipelineEvents } from './types';

/** Everything a job needs, resolved once per Pipeline. @internal */
export interface RunContext {
  db: Db;
  q: string;
  loader: Loader;
  extractor: PipelineExtractor;
  calendar: MarketCalendar;
  clock: Clock;
  logger: Logger;
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

/**
 * Writes a response's rows, its quarantined rejects and the watermark in ONE transaction, so the
 * watermark never claims rows that were not committed. @internal
 */
export async function commitRows(
  ctx: RunContext,
  job: { symbol: string; dataset: Dataset; jobId: number | null },
  rejects: readonly RejectedRow[],
  lastPoint: string | null,
  load: (tx: Db) => Promise<LoadCounts>,
  extra?: (tx: Db) => Promise<void>,
): Promise<LoadCounts> {
  const counts = await ctx.db.transaction(async (tx) => {
    const result = await load(tx);
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
