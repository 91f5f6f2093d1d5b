import { finishJobLog, type JobLogFinish, startJobLog } from '../load/job-log';
import type { RunContext } from './context';
import { lockWork, type WorkUnlock } from './work-lock';

/** A job whose `running` row is written and whose pipeline holds the lease. @internal */
export interface StartedJob {
  /** The job's `etl_job_logs` id. */
  readonly id: number;
  /**
   * Waits for work lock `parts` (see `lockWork`); `finish` releases it at the latest.
   * `onWait` is called once if another job holds it.
   */
  lock(parts: readonly string[], signal?: AbortSignal, onWait?: () => void): Promise<WorkUnlock>;
  /**
   * Records the outcome (a row another process already marked `STALE` keeps that status: false
   * is returned), then releases the job's work locks and its hold on the lease.
   */
  finish(finish: JobLogFinish): Promise<boolean>;
}

/**
 * Starts a job: holds the lease (the first hold sweeps dead jobs), writes the `running` row with
 * the lease and owner, and heartbeats it until `finish`. Throws when the database is unreachable;
 * nothing is held then. @internal
 */
export async function startJob(
  ctx: RunContext,
  job: { dataset: string; symbol: string; startedAt: Date },
): Promise<StartedJob> {
  const release = await ctx.lease.hold();
  let id: number;
  try {
    const ownership = await ctx.lease.ownership();
    id = await startJobLog(ctx.db, ctx.q, { ...job, ...ownership });
    await ctx.lease.track(id, ownership.leaseKey);
  } catch (error) {
    await release();
    throw error;
  }
  const held = new Set<WorkUnlock>();
  let finished = false;
  return {
    id,
    async lock(parts, signal, onWait) {
      const unlock = await lockWork(
        { handle: ctx.lockScope, lease: ctx.lease, clock: ctx.clock, q: ctx.q },
        parts,
        signal,
        onWait,
      );
      if (finished) {
        // A prefetch that outlived its job (the job failed meanwhile): hand the lock straight back.
        await unlock();
        throw new Error(`job ${id} has finished`);
      }
      held.add(unlock);
      return async () => {
        held.delete(unlock);
        await unlock();
      };
    },
    async finish(finish) {
      finished = true;
      try {
        return await finishJobLog(ctx.db, ctx.q, id, finish, new Date(ctx.clock.now()));
      } finally {
        ctx.lease.untrack(id);
        await Promise.all([...held].map((unlock) => unlock()));
        held.clear();
        await release();
      }
    },
  };
}
