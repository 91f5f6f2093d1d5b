import type { TimeSeries } from '../alpha-vantage/types';
import { isPremiumEndpointError, type PremiumEndpointError } from '../errors';
import { throwIfAborted } from '../errors/aborted-error';
import type { LoadTable, LoadTables, TableLoadOptions } from '../load/load-tables';
import { readWatermark } from '../load/progress';
import type { LoadCounts } from '../load/upsert';
import type { TransformResult } from '../transform/rows';
import { commitRows, type JobTally, maxPoint, type RunContext } from './context';
import { type Dataset, intradayInterval } from './datasets';
import {
  dailyFullAllowed,
  dailyOutputsize,
  FREE_HISTORY_HINT,
  intradayOutputsize,
} from './planning';

/** What one job's extract → transform → load produced. @internal */
export interface JobOutcome extends LoadCounts {
  extracted: number;
  rejected: number;
  outputsize?: 'compact' | 'full';
  warnings: string[];
}

/** Intraday `full` without `month` covers only the trailing 30 days. */
const FULL_INTRADAY_DAYS = 30;

function outcome<R>(
  t: TransformResult<R>,
  counts: LoadCounts,
  extracted: number,
  extra: Partial<JobOutcome> = {},
): JobOutcome {
  return {
    ...counts,
    extracted,
    rejected: t.rejects.length,
    warnings: [...(t.warnings ?? []), ...(extra.warnings ?? [])],
    ...(extra.outputsize ? { outputsize: extra.outputsize } : {}),
  };
}

/** True for a refusal of `outputsize=full` alone: the endpoint still serves `compact`. */
function refusesFullOnly(error: unknown): error is PremiumEndpointError {
  if (!isPremiumEndpointError(error)) return false;
  const parameter = (error as PremiumEndpointError).parameter;
  return parameter?.name === 'outputsize' && parameter.value === 'full';
}

/**
 * Fetches with `outputsize`; when Alpha Vantage refuses `outputsize=full` as a premium feature of
 * this key (or the extractor remembers it did), fetches `compact` at once — no backoff, the
 * refusal is final — and says so in `warnings`: the newest 100 points still load. A refused
 * *endpoint* is not retried with compact (the endpoint is what is premium), and a caller who
 * forced `full` gets the error.
 */
async function fetchWithCompactFallback<S>(
  dataset: Dataset,
  outputsize: 'compact' | 'full',
  forced: boolean,
  warnings: string[],
  fetch: (outputsize: 'compact' | 'full') => Promise<S>,
): Promise<{ series: S; outputsize: 'compact' | 'full' }> {
  try {
    return { series: await fetch(outputsize), outputsize };
  } catch (error) {
    if (outputsize !== 'full' || forced || !refusesFullOnly(error)) throw error;
    const how = error.remembered
      ? 'remembered from an earlier refusal, so no request was spent on it'
      : 'Alpha Vantage refused it';
    warnings.push(
      `${dataset}: outputsize=full is a premium feature for this API key on ${error.endpoint ?? 'this endpoint'} (${how}): loaded the newest 100 points (compact) instead; ${FREE_HISTORY_HINT}`,
    );
    return { series: await fetch('compact'), outputsize: 'compact' };
  }
}

/**
 * Runs one (symbol, dataset) job: reads the watermark, picks compact or full, extracts,
 * transforms, and loads rows + rejects + watermark in one transaction. @internal
 */
export async function runDatasetJob(
  ctx: RunContext,
  symbol: string,
  dataset: Dataset,
  jobId: number | null,
  tally: JobTally,
  signal: AbortSignal | undefined,
  forceOutputsize: 'compact' | 'full' | undefined,
): Promise<JobOutcome> {
  const call = { signal, onRequest: tally.onRequest, malformedRows: 'report' as const };
  const job = { symbol, dataset, jobId };
  const now = ctx.clock.now();
  const interval = intradayInterval(dataset);

  /** Writes a transformed response — rows, rejects, watermark — in one transaction. */
  const load = async <T extends LoadTable>(
    t: TransformResult<LoadTables[T]>,
    extracted: number,
    table: T,
    point: ((row: LoadTables[T]) => string) | null,
    options: Omit<TableLoadOptions, 'tx'> = {},
    extra: Partial<JobOutcome> = {},
  ): Promise<JobOutcome> => {
    throwIfAborted(signal, 'job');
    const last = point ? maxPoint(t.rows.map(point)) : null;
    const counts = await commitRows(ctx, job, {
      table,
      rows: t.rows,
      options,
      rejects: t.rejects,
      lastPoint: last,
    });
    return outcome(t, counts, extracted, extra);
  };
  const size = (series: TimeSeries<unknown>) => series.bars.length + series.malformed.length;
  // Read after the fetch (rate-limit waits can be long): bars dated after it cannot exist yet.
  const transformer = ctx.transformer;

  if (dataset === 'daily' || dataset === 'daily_adjusted') {
    const wm = await readWatermark(ctx.db, ctx.q, symbol, dataset);
    const adjusted = dataset === 'daily_adjusted';
    const warnings: string[] = [];
    let outputsize = forceOutputsize ?? dailyOutputsize(wm?.lastPoint ?? null, now, ctx.calendar);
    if (!forceOutputsize && outputsize === 'full' && !dailyFullAllowed(ctx.extractor.plan)) {
      // Plan-aware: asking full on a free key only buys a refusal (API.md §1.3).
      outputsize = 'compact';
      warnings.push(
        `${dataset}: ${wm ? `stored data ends ${wm.lastPoint}, more than the newest 100 trading days ago, and ` : ''}outputsize=full is premium on a free key: loaded the newest 100 trading days (compact)${wm ? '; the days in between stay missing' : ''}; ${FREE_HISTORY_HINT}`,
      );
    }
    const fetched = await fetchWithCompactFallback(
      dataset,
      outputsize,
      forceOutputsize !== undefined,
      warnings,
      (size) =>
        adjusted
          ? ctx.extractor.dailyAdjusted(symbol, { ...call, outputsize: size })
          : ctx.extractor.daily(symbol, { ...call, outputsize: size }),
    );
    const series = fetched.series;
    const t = transformer.daily(series, { symbol, dataset, now: ctx.clock.now() });
    return load(
      t,
      size(series),
      'stock_prices',
      (r) => r.tradeDate,
      { adjusted },
      {
        outputsize: fetched.outputsize,
        warnings,
      },
    );
  }

  if (
    dataset === 'weekly' ||
    dataset === 'weekly_adjusted' ||
    dataset === 'monthly' ||
    dataset === 'monthly_adjusted'
  ) {
    const weekly = dataset.startsWith('weekly');
    const adjusted = dataset.endsWith('_adjusted');
    const series = weekly
      ? adjusted
        ? await ctx.extractor.weeklyAdjusted(symbol, call)
        : await ctx.extractor.weekly(symbol, call)
      : adjusted
        ? await ctx.extractor.monthlyAdjusted(symbol, call)
        : await ctx.extractor.monthly(symbol, call);
    const at = { symbol, dataset, now: ctx.clock.now() };
    const t = weekly ? transformer.weekly(series, at) : transformer.monthly(series, at);
    const table = weekly ? 'stock_prices_weekly' : 'stock_prices_monthly';
    return load(t, size(series), table, (r) => r.lastTradeDate, { adjusted });
  }

  if (interval) {
    const wm = await readWatermark(ctx.db, ctx.q, symbol, dataset);
    const extendedHours = ctx.extendedHours;
    const outputsize =
      forceOutputsize ??
      intradayOutputsize(wm?.lastPoint ?? null, now, interval, extendedHours, ctx.calendar);
    const warnings: string[] = [];
    if (wm && now - Date.parse(wm.lastPoint) > FULL_INTRADAY_DAYS * 86_400_000) {
      warnings.push(
        `stored ${dataset} data ends ${wm.lastPoint}, older than the ${FULL_INTRADAY_DAYS} days a full fetch covers: run backfillIntraday to fill the gap`,
      );
    }
    const fetched = await fetchWithCompactFallback(
      dataset,
      outputsize,
      forceOutputsize !== undefined,
      warnings,
      (size) =>
        ctx.extractor.intraday(symbol, { ...call, interval, outputsize: size, extendedHours }),
    );
    const series = fetched.series;
    const t = transformer.intraday(series, {
      symbol,
      dataset,
      interval,
      extendedHours,
      now: ctx.clock.now(),
    });
    return load(t, size(series), 'stock_prices_intraday', (r) => r.ts, undefined, {
      outputsize: fetched.outputsize,
      warnings,
    });
  }

  if (dataset === 'quote') {
    const quote = await ctx.extractor.quote(symbol, call);
    const t = transformer.quote(quote, { symbol, dataset, observedAt: new Date(now) });
    return load(t, 1, 'stock_quotes', (r) => r.latestTradingDay, { skipUnchanged: true });
  }

  if (dataset === 'overview') {
    const overview = await ctx.extractor.overview(symbol, call);
    const t = transformer.overview(overview, { symbol, dataset });
    return load(t, 1, 'stocks', null);
  }

  // dataset === 'index'
  const series = await ctx.extractor.indexData(symbol, { ...call, interval: 'daily' });
  const t = transformer.index(series, { symbol, dataset, now: ctx.clock.now() });
  return load(t, size(series), 'market_index_prices', (r) => r.tradeDate);
}
