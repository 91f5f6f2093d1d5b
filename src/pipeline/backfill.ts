import type { IntradayInterval } from '../alpha-vantage/types';
import { scopeDb } from '../db/scoped-db';
import { throwIfAborted } from '../errors/aborted-error';
import { heartbeatJobLog, type LedgerMonth, markMonthComplete, readLedger } from '../load';
import { ledgerVersions } from '../load/ledger-versions';
import {
  commitRows,
  type JobTally,
  maxPoint,
  newTally,
  type RunContext,
  toJobError,
} from './context';
import { intradayDataset } from './datasets';
import { type StartedJob, startJob } from './job-record';
import { ZERO } from './job-runner';
import { monthsBetween, newYorkMonth } from './planning';
import type {
  BackfillMonth,
  BackfillProgress,
  BackfillRejectedMonth,
  BackfillResult,
  JobError,
} from './types';

/**
 * How many times by default a later backfill fetches again a month whose latest fetch rejected
 * rows, before it leaves the hole and skips the month like a complete one.
 */
export const DEFAULT_MAX_REFETCHES = 2;

/** Per-call options of a backfill, already validated. @internal */
export interface BackfillPlan {
  symbol: string;
  interval: IntradayInterval;
  from: string;
  to: string;
  signal: AbortSignal | undefined;
  onProgress: ((progress: BackfillProgress) => void) | undefined;
  /** Re-fetches allowed per month with rejected rows (see {@link DEFAULT_MAX_REFETCHES}). */
  maxRefetches?: number;
}

/** Whether a later backfill fetches a recorded month again: it had rejects, re-fetches are left. */
function refetchPending(entry: LedgerMonth, maxRefetches: number): boolean {
  return entry.rowsRejected > 0 && entry.fetches <= maxRefetches;
}

/**
 * Walks the months of `plan` oldest first. A month in the ledger is skipped — unless its latest
 * fetch rejected rows and it has been re-fetched fewer than `maxRefetches` times (a hole heals
 * when the source is fixed; a bar that is always bad costs a bounded number of requests), and
 * except the current month, which is still growing and always re-fetched. Each month is fetched
 * with `month=YYYY-MM&outputsize=full` and written — rows, rejects, ledger entry with the reject
 * count, watermark — in one transaction, so a killed process resumes exactly after the last
 * committed month. The next month's download overlaps the current month's load. Months of the
 * range whose latest fetch rejected rows are added to `rejectedMonths`.
 *
 * Identical backfills (in this or another process) take a month one at a time under a work lock;
 * the one that waited finds the month's ledger entry changed since it planned and skips it with
 * no request. @internal
 */
export async function walkBackfill(
  ctx: RunContext,
  plan: BackfillPlan,
  job: StartedJob,
  tally: JobTally,
  months: BackfillMonth[],
  rejectedMonths: BackfillRejectedMonth[] = [],
): Promise<void> {
  const dataset = intradayDataset(plan.interval);
  const { symbol, interval, signal } = plan;
  const jobId = job.id;
  const maxRefetches = plan.maxRefetches ?? DEFAULT_MAX_REFETCHES;
  const current = newYorkMonth(ctx.clock.now());
  // Versions first: an entry written between the two reads is then either skipped as done or
  // seen as changed under the month's lock — never fetched twice.
  const planned = await ledgerVersions(ctx.db, ctx.q, symbol, dataset);
  const ledger = await readLedger(ctx.db, ctx.q, symbol, dataset);
  const all = monthsBetween(plan.from, plan.to);
  const todo = all.filter((m) => {
    const entry = ledger.get(m);
    return m === current || entry === undefined || refetchPending(entry, maxRefetches);
  });
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
  // The lock is held until the month's rows and ledger entry are committed (or the job finishes).
  const claimMonth = async (month: string) => {
    const unlock = await job.lock(['backfill', symbol, dataset, month], signal, () =>
      ctx.events.emit('job:wait', { jobId, symbol, dataset, month }),
    );
    try {
      const version = (await ledgerVersions(ctx.db, ctx.q, symbol, dataset)).get(month);
      if (month !== current && version !== planned.get(month)) {
        await unlock();
        return null;
      }
      return { series: await fetchMonth(month), unlock };
    } catch (error) {
      await unlock();
      throw error;
    }
  };

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

  let next = todo.length > 0 ? claimMonth(todo[0] as string) : undefined;
  // A prefetched request that is never awaited (because a load failed) must not become an
  // unhandled rejection.
  next?.catch(() => {});
  let todoIndex = 0;
  for (const month of all) {
    const entry = ledger.get(month);
    if (month !== todo[todoIndex]) {
      // A skipped month with rejects: its re-fetches are used up; the hole stays reported.
      if (entry && entry.rowsRejected > 0) {
        rejectedMonths.push({
          month,
          rejected: entry.rowsRejected,
          fetches: entry.fetches,
          refetch: false,
        });
      }
      report({
        month,
        status: 'skipped',
        extracted: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        refetched: false,
      });
      continue;
    }
    throwIfAborted(signal, 'backfill');
    const claimed = await (next as NonNullable<typeof next>);
    todoIndex++;
    next = todoIndex < todo.length ? claimMonth(todo[todoIndex] as string) : undefined;
    next?.catch(() => {});
    if (claimed === null) {
      // An identical backfill completed the month while this one waited for it.
      report({ month, status: 'skipped', ...ZERO, refetched: false });
      continue;
    }
    const { series } = claimed;
    const t = ctx.transformer.intraday(series, {
      symbol,
      dataset,
      interval,
      month,
      extendedHours,
      now: ctx.clock.now(),
    });
    throwIfAborted(signal, 'backfill');
    // The current month is never recorded: it is fetched again on every run anyway.
    let fetches = 1;
    const counts = await commitRows(
      ctx,
      { symbol, dataset, jobId },
      {
        table: 'stock_prices_intraday',
        rows: t.rows,
        rejects: t.rejects,
        lastPoint: maxPoint(t.rows.map((r) => r.ts)),
        month,
      },
      month === current
        ? undefined
        : async (tx) => {
            fetches = await markMonthComplete(
              tx,
              ctx.q,
              symbol,
              dataset,
              month,
              t.rows.length,
              new Date(ctx.clock.now()),
              t.rejects.length,
            );
          },
    );
    await claimed.unlock();
    if (t.rejects.length > 0) {
      const refetch =
        month === current ||
        refetchPending({ rowsLoaded: 0, rowsRejected: t.rejects.length, fetches }, maxRefetches);
      rejectedMonths.push({ month, rejected: t.rejects.length, fetches, refetch });
    }
    if (jobId !== null) await heartbeatJobLog(ctx.db, ctx.q, jobId, new Date(ctx.clock.now()));
    report({
      month,
      status: 'loaded',
      extracted: series.bars.length + series.malformed.length,
      rejected: t.rejects.length,
      refetched: entry !== undefined && entry.rowsRejected > 0,
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
  const rejectedMonths: BackfillRejectedMonth[] = [];
  let job: StartedJob;
  try {
    job = await startJob(ctx, { dataset, symbol, startedAt: new Date(started) });
  } catch (e) {
    // Not even the job log could be written (database down): nothing was fetched or loaded.
    const result: BackfillResult = {
      symbol,
      interval,
      status: 'failed',
      months: [],
      rejectedMonths: [],
      ...ZERO,
      apiCalls: 0,
      durationMs: ctx.clock.now() - started,
      jobId: null,
      error: toJobError(e),
    };
    ctx.events.emit('backfill:finish', result);
    return result;
  }
  const jobId = job.id;
  ctx.events.emit('job:start', { jobId, symbol, dataset });
  let error: JobError | undefined;
  try {
    // The walk's statements are cancelled by the signal; the job log below is written without it.
    await walkBackfill(
      { ...ctx, db: scopeDb(ctx.db, { signal: plan.signal }) },
      plan,
      job,
      tally,
      months,
      rejectedMonths,
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
    rejectedMonths,
    ...totals,
    apiCalls: tally.apiCalls,
    durationMs: ctx.clock.now() - started,
    jobId,
    ...(error ? { error } : {}),
  };
  await job
    .finish({
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
          ...(m.rejected > 0 ? { rejected: m.rejected } : {}),
          ...(m.refetched ? { refetched: true } : {}),
        })),
        ...(rejectedMonths.length > 0 ? { rejectedMonths } : {}),
      },
    })
    .then((recorded) => {
      if (!recorded) {
        ctx.logger.warn('the backfill job log had been marked failed (STALE) by another process', {
          jobId,
        });
      }
    })
    .catch((e) => ctx.logger.error('could not write the job log', { jobId, error: String(e) }));
  ctx.events.emit('backfill:finish', result);
  return result;
}
