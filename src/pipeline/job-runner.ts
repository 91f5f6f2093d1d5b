import { scopeDb } from '../db/scoped-db';
import { isDatabaseError } from '../errors';
import { throwIfAborted } from '../errors/aborted-error';
import { finishJobLog, startJobLog } from '../load';
import { newTally, type RunContext, toJobError } from './context';
import type { Dataset } from './datasets';
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
 */
export async function runJob(
  ctx: RunContext,
  symbol: string,
  dataset: Dataset,
  options: { signal?: AbortSignal; outputsize?: 'compact' | 'full' },
): Promise<JobResult> {
  const started = ctx.clock.now();
  const tally = newTally();
  let jobId: number | null = null;
  try {
    throwIfAborted(options.signal, 'job');
    await ctx.ensureStarted();
    jobId = await startJobLog(ctx.db, ctx.q, { dataset, symbol, startedAt: new Date(started) });
  } catch (e) {
    const result = failedResult(symbol, dataset, e);
    ctx.events.emit('job:error', result);
    return result;
  }
  ctx.events.emit('job:start', { jobId, symbol, dataset });
  let result: JobResult;
  try {
    // The job's statements are cancelled by its signal; the job log below is written without it.
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
  await finishJobLog(
    ctx.db,
    ctx.q,
    jobId,
    {
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
      details:
        result.outputsize || result.warnings.length
          ? { outputsize: result.outputsize, warnings: result.warnings }
          : undefined,
    },
    new Date(ctx.clock.now()),
  ).catch((e) => ctx.logger.error('could not write the job log', { jobId, error: String(e) }));
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
