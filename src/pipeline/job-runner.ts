import { scopeDb } from '../db/scoped-db';
import { isDatabaseError } from '../errors';
import { throwIfAborted } from '../errors/aborted-error';
import { newTally, type RunContext, toJobError } from './context';
import { coverageOf, type FetchNeeds } from './coverage';
import { type Dataset, intradayInterval } from './datasets';
import { type StartedJob, startJob } from './job-record';
import { runDatasetJob } from './jobs';
import type { JobCounts, JobResult } from './types';

/** Zero counts. @internal */
export const ZERO: JobCounts = { extracted: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 };

/** A failed result for a job that never got a log row (bad input, database down). @internal */
export function failedResult(symbol: string, dataset: Dataset, e: unknown): JobResult {
  return {
    symbol,
    dataset,
    status: 'failed',
    ...ZERO,
    apiCalls: 0,
    durationMs: 0,
    jobId: null,
    warnings: [],
    error: toJobError(e),
  };
}

/**
 * Runs one job with its log row, events and error capture; never throws. @internal
 *
 * Identical jobs (same schema, symbol and dataset) run one at a time, in this process and across
 * processes (a work lock). A job that waited finds out whether an identical job that started
 * fetching after this one was requested has succeeded meanwhile: then that job's data is at least
 * as new as this one's would be, and this one succeeds with no request (`coveredBy`).
 */
export async function runJob(
  ctx: RunContext,
  symbol: string,
  dataset: Dataset,
  options: { signal?: AbortSignal; outputsize?: 'compact' | 'full' },
): Promise<JobResult> {
  const started = ctx.clock.now();
  const tally = newTally();
  let job: StartedJob;
  try {
    throwIfAborted(options.signal, 'job');
    job = await startJob(ctx, { dataset, symbol, startedAt: new Date(started) });
  } catch (e) {
    const result = failedResult(symbol, dataset, e);
    ctx.events.emit('job:error', result);
    return result;
  }
  const jobId = job.id;
  ctx.events.emit('job:start', { jobId, symbol, dataset });
  const needs: FetchNeeds = {
    forced: options.outputsize,
    extendedHours: intradayInterval(dataset) ? ctx.extendedHours : undefined,
  };
  let result: JobResult;
  let coversThroughId: number | null = null;
  try {
    await job.lock(['run', symbol, dataset], options.signal, () =>
      ctx.events.emit('job:wait', { jobId, symbol, dataset }),
    );
    const { coveredBy, newestId } = await coverageOf(ctx, symbol, dataset, jobId, needs);
    if (coveredBy !== null) {
      result = {
        symbol,
        dataset,
        status: 'success',
        ...ZERO,
        apiCalls: 0,
        durationMs: ctx.clock.now() - started,
        jobId,
        warnings: [],
        coveredBy,
      };
    } else {
      // Every job requested up to now is served by this fetch (if it succeeds).
      coversThroughId = newestId;
      // The job's statements are cancelled by its signal; the job log is written without it.
      const jobCtx = { ...ctx, db: scopeDb(ctx.db, { signal: options.signal }) };
      const out = await retryTransient(ctx, { symbol, dataset }, options.signal, () =>
        runDatasetJob(jobCtx, symbol, dataset, jobId, tally, options.signal, options.outputsize),
      );
      result = {
        symbol,
        dataset,
        status: 'success',
        ...out,
        apiCalls: tally.apiCalls,
        durationMs: ctx.clock.now() - started,
        jobId,
      };
    }
    for (const warning of result.warnings) ctx.logger.warn(warning, { symbol, dataset });
  } catch (e) {
    const error = toJobError(e);
    ctx.logger.error('job failed', { symbol, dataset, code: error.code, message: error.message });
    result = {
      symbol,
      dataset,
      status: 'failed',
      ...ZERO,
      apiCalls: tally.apiCalls,
      durationMs: ctx.clock.now() - started,
      jobId,
      warnings: [],
      error,
    };
  }
  const recorded = await job
    .finish({
      status: result.status,
      extracted: result.extracted,
      inserted: result.inserted,
      updated: result.updated,
      unchanged: result.unchanged,
      rejected: result.rejected,
      apiCalls: result.apiCalls,
      durationMs: result.durationMs,
      errorCode: result.error?.code ?? null,
      errorMessage: result.error?.message ?? null,
      details: jobDetails(result, needs),
      coversThroughId: result.status === 'success' ? coversThroughId : null,
    })
    .catch((e) => {
      ctx.logger.error('could not write the job log', { jobId, error: String(e) });
      return true;
    });
  if (!recorded) {
    const warning = `job log ${jobId} had already been marked failed (STALE) by another process (this process lost its lease connection); it keeps that status, with this outcome in details.lateFinish`;
    result.warnings.push(warning);
    ctx.logger.warn(warning, { symbol, dataset });
  }
  ctx.events.emit(result.status === 'success' ? 'job:finish' : 'job:error', result);
  return result;
}

/**
 * Runs a job's work, and once more when it failed with a `DatabaseError` whose SQLSTATE says the
 * same work can succeed right away (a lost connection, a serialization failure, a deadlock). A
 * job commits in one transaction, so the failed attempt left nothing behind. The outcome says
 * that it was retried. @internal
 */
export async function retryTransient<T extends { warnings: string[] }>(
  ctx: RunContext,
  job: { symbol: string; dataset: Dataset },
  signal: AbortSignal | undefined,
  attempt: () => Promise<T>,
): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!isDatabaseError(error) || !error.retryable || signal?.aborted) throw error;
    ctx.logger.warn('transient database error; retrying the job once', {
      ...job,
      sqlstate: error.sqlstate,
      message: error.message,
    });
    const out = await attempt();
    return {
      ...out,
      warnings: [
        ...out.warnings,
        `retried once after a transient database error (SQLSTATE ${error.sqlstate}): ${error.message}`,
      ],
    };
  }
}

/** The job log's `details`: what was fetched (so identical jobs can tell if it serves them). */
function jobDetails(result: JobResult, needs: FetchNeeds): Record<string, unknown> | undefined {
  const details: Record<string, unknown> = {};
  if (result.outputsize) details.outputsize = result.outputsize;
  if (needs.forced) details.forced = true;
  if (needs.extendedHours !== undefined) details.extendedHours = needs.extendedHours;
  if (result.coveredBy !== undefined) details.coveredBy = result.coveredBy;
  if (result.warnings.length) details.warnings = result.warnings;
  return Object.keys(details).length ? details : undefined;
}
