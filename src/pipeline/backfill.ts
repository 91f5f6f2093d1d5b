import type { IntradayInterval } from '../alpha-vantage/types';
import { scopeDb } from '../db/scoped-db';
import { throwIfAborted } from '../errors/aborted-error';
import {
  completedMonths,
  finishJobLog,
  heartbeatJobLog,
  markMonthComplete,
  startJobLog,
} from '../load';
import { transformIntraday } from '../transform';
import {
  commitRows,
  type JobTally,
  maxPoint,
  newTally,
  type RunContext,
  toJobError,
} from './context';
import { intradayDataset } from './datasets';
import { ZERO } from './job-runner';
import { monthsBetween, newYorkMonth } from './planning';
import type { BackfillMonth, BackfillProgress, BackfillResult, JobError } from './types';

/** Per-call options of a backfill, already validated. @internal */
export interface BackfillPlan {
  symbol: string;
  interval: IntradayInterval;
  from: string;
  to: string;
  signal: AbortSignal | undefined;
  onProgress: ((progress: BackfillProgress) => void) | undefined;
}

/**
 * Walks the months of `plan` oldest first. A month already in the ledger is skipped (except the
 * current month, which is still growing and always re-fetched). Each month is fetched with
 * `month=YYYY-MM&outputsize=full` and written — rows, rejects, ledger entry, watermark — in one
 * transaction, so a killed process resumes exactly after the last committed month. The next
 * month's download overlaps the current month's load. @internal
 */
export async function walkBackfill(
  ctx: RunContext,
  plan: BackfillPlan,
  jobId: number | null,
  tally: JobTally,
  months: BackfillMonth[],
): Promise<void> {
  const dataset = intradayDataset(plan.interval);
  const { symbol, interval, signal } = plan;
  const current = newYorkMonth(ctx.clock.now());
  const done = await completedMonths(ctx.db, ctx.q, symbol, dataset);
  const all = monthsBetween(plan.from, plan.to);
  const todo = all.filter((m) => m === current || !done.has(m));
  const extendedHours = ctx.extendedHours;
  const fetchMonth = (month: string) =>
    ctx.extractor.intraday(symbol, {
      interval,
      month,
      outputsize: 'full',
      extendedHours,
      signal,
      onRequest: tally.onRequest,
      malformedRows: 'report',
    });

  let handled = 0;
  const report = (month: BackfillMonth) => {
    months.push(month);
    handled++;
    const progress: BackfillProgress = {
      symbol,
      interval,
      month,
      done: handled,
      total: all.length,
    };
    ctx.events.emit('backfill:month', progress);
    plan.onProgress?.(progress);
  };

  let next = todo.length > 0 ? fetchMonth(todo[0] as string) : undefined;
  // A prefetched request that is never awaited (because a load failed) must not become an
  // unhandled rejection.
  next?.catch(() => {});
  let todoIndex = 0;
  for (const month of all) {
    if (month !== todo[todoIndex]) {
      report({
        month,
        status: 'skipped',
        extracted: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        rejected: 0,
      });
      continue;
    }
    throwIfAborted(signal, 'backfill');
    const series = await (next as NonNullable<typeof next>);
    todoIndex++;
    next = todoIndex < todo.length ? fetchMonth(todo[todoIndex] as string) : undefined;
    next?.catch(() => {});
    const t = transformIntraday(series, {
      symbol,
      dataset,
      policy: ctx.policy,
      interval,
      month,
      extendedHours,
    });
    throwIfAborted(signal, 'backfill');
    const counts = await commitRows(
      ctx,
      { symbol, dataset, jobId },
      t.rejects,
      maxPoint(t.rows.map((r) => r.ts)),
      (tx) => ctx.loader.loadIntraday(t.rows, { tx }),
      month === current
        ? undefined
        : (tx) =>
            markMonthComplete(
              tx,
              ctx.q,
              symbol,
              dataset,
              month,
              t.rows.length,
              new Date(ctx.clock.now()),
            ),
    );
    if (jobId !== null) await heartbeatJobLog(ctx.db, ctx.q, jobId, new Date(ctx.clock.now()));
    report({
      month,
      status: 'loaded',
      extracted: series.bars.length + series.malformed.length,
      rejected: t.rejects.length,
      ...counts,
    });
  }
}

/**
 * Runs a whole backfill as one job: its log row, the month walk, totals and events; never throws
 * for a failure inside the walk (the result says `failed`). @internal
 */
export async function runBackfill(ctx: RunContext, plan: BackfillPlan): Promise<BackfillResult> {
  const { symbol, interval, from, to } = plan;
  const dataset = intradayDataset(interval);
  const started = ctx.clock.now();
  const tally = newTally();
  const months: BackfillMonth[] = [];
  let jobId: number | null;
  try {
    await ctx.ensureStarted();
    jobId = await startJobLog(ctx.db, ctx.q, { dataset, symbol, startedAt: new Date(started) });
  } catch (e) {
    // Not even the job log could be written (database down): nothing was fetched or loaded.
    const result: BackfillResult = {
      symbol,
      interval,
      status: 'failed',
      months: [],
      ...ZERO,
      apiCalls: 0,
      durationMs: ctx.clock.now() - started,
      jobId: null,
      error: toJobError(e),
    };
    ctx.events.emit('backfill:finish', result);
    return result;
  }
  ctx.events.emit('job:start', { jobId, symbol, dataset });
  let error: JobError | undefined;
  try {
    // The walk's statements are cancelled by the signal; the job log below is written without it.
    await walkBackfill(
      { ...ctx, db: scopeDb(ctx.db, { signal: plan.signal }) },
      plan,
      jobId,
      tally,
      months,
    );
  } catch (e) {
    error = toJobError(e);
    ctx.logger.error('backfill failed', {
      symbol,
      dataset,
      code: error.code,
      message: error.message,
    });
  }
  const totals = months.reduce(
    (acc, m) => ({
      extracted: acc.extracted + m.extracted,
      inserted: acc.inserted + m.inserted,
      updated: acc.updated + m.updated,
      unchanged: acc.unchanged + m.unchanged,
      rejected: acc.rejected + m.rejected,
    }),
    { ...ZERO },
  );
  const result: BackfillResult = {
    symbol,
    interval: interval,
    status: error ? 'failed' : 'success',
    months,
    ...totals,
    apiCalls: tally.apiCalls,
    durationMs: ctx.clock.now() - started,
    jobId,
    ...(error ? { error } : {}),
  };
  await finishJobLog(
    ctx.db,
    ctx.q,
    jobId,
    {
      status: result.status,
      ...totals,
      apiCalls: result.apiCalls,
      durationMs: result.durationMs,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
      details: {
        kind: 'backfill',
        from,
        to,
        months: months.map((m) => ({
          month: m.month,
          status: m.status,
          rows: m.inserted + m.updated + m.unchanged,
        })),
      },
    },
    new Date(ctx.clock.now()),
  ).catch((e) => ctx.logger.error('could not write the job log', { jobId, error: String(e) }));
  ctx.events.emit('backfill:finish', result);
  return result;
}
