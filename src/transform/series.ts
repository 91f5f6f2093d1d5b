import type { AdjustedPriceBar, IndexBar, PriceBar, TimeSeries } from '../alpha-vantage/types';
import { describeValue } from '../bounded-text';
import { parseIsoDate } from '../time/civil-date';
import {
  ClosedDays,
  type DateRange,
  dateRange,
  EARLIEST_DAILY_DATE,
  EARLIEST_INDEX_DATE,
  isUsListing,
  rangeProblem,
} from './bounds';
import { ResultBuilder, type TransformContext } from './context';
import { monthStart, weekStart } from './dates';
import type { DailyPriceRow, IndexPriceRow, PeriodPriceRow, TransformResult } from './rows';
import { validateAdjusted, validateBar } from './validate';

/**
 * Date-keyed series: daily (adjusted or not), weekly/monthly (keyed by period start) and index
 * levels. Bars arrive newest first. A second bar with the same date and the same values is the
 * same bar sent twice and is dropped silently; a second bar for the same key with other values
 * is rejected (the first, newest-sent one wins: a repeated key within one body is a server
 * glitch, and the newest-first order makes the first one the freshest).
 */

/** Period length of a weekly/monthly series. @internal */
export type Period = 'week' | 'month';

function isAdjusted(bar: PriceBar | AdjustedPriceBar): bar is AdjustedPriceBar {
  return 'adjustedClose' in bar;
}

/** Why a bar's date key is unusable — not a real date, or outside `range` — or `null`. */
function dateProblem(time: unknown, range: DateRange): string | null {
  if (typeof time !== 'string') return 'time is missing';
  if (!parseIsoDate(time)) {
    return `time is not a real date (YYYY-MM-DD): ${describeValue(time)}`;
  }
  return rangeProblem('date', time, range);
}

/** Validation shared by every price bar, adjusted fields included when present. */
function priceBarProblem(bar: PriceBar | AdjustedPriceBar, range: DateRange): string | null {
  return (
    dateProblem(bar.time, range) ??
    validateBar(bar) ??
    (isAdjusted(bar) ? validateAdjusted(bar) : null)
  );
}

/** The fields two copies of one bar must agree on to be the same bar. */
const SAME_FIELDS = [
  'time',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'adjustedClose',
  'dividendAmount',
  'splitCoefficient',
] as const;

/** True when `a` and `b` are the same bar sent twice (same date, same values as text). */
export function sameBar(a: object, b: object): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const field of SAME_FIELDS) if (x[field] !== y[field]) return false;
  return true;
}

/** How one date-keyed series maps to rows (see {@link collectDated}). */
interface DatedMapping<B, R> {
  /** The earliest date the series may have. */
  earliest: string;
  /** Whether a bar on a day without a session is rejected (with `ctx.calendar`). */
  tradingDays: boolean;
  /** Why a bar is unusable (its date already checked against the range), or `null`. */
  problem: (bar: B, range: DateRange) => string | null;
  /** The row key of a valid bar (its date, or its period start). */
  key: (bar: B & { time: string }) => string;
  /** The reject reason for a second bar with the same key and other values. */
  duplicate: (bar: B & { time: string }, key: string, first: string) => string;
  /** The row of a valid, first-of-its-key bar. */
  row: (bar: B & { time: string }, key: string) => R;
}

/**
 * The loop every date-keyed transform shares: validate each bar (dates bounded by the context's
 * `now` and the series' earliest date, trading days checked where asked), keep the first bar of
 * each key (newest first), drop identical copies, reject conflicting ones with a reason, add the
 * extractor's malformed bars, apply the policy.
 */
function collectDated<B extends { time: string }, R>(
  series: TimeSeries<B>,
  ctx: TransformContext,
  map: DatedMapping<B, R>,
): TransformResult<R> {
  const out = new ResultBuilder<R>(ctx.dataset, ctx.symbol, ctx.policy);
  out.checkEchoedSymbol(series.meta?.symbol);
  const range = dateRange(map.earliest, ctx);
  const calendar =
    map.tradingDays && (ctx.checkTradingDays ?? isUsListing(ctx.symbol)) && ctx.calendar
      ? new ClosedDays(ctx.calendar)
      : undefined;
  const firstOfKey = new Map<string, B>();
  for (const bar of series.bars) {
    let problem = map.problem(bar, range);
    if (problem === null && calendar) {
      const closed = calendar.reason(bar.time);
      if (closed !== null) problem = `date ${bar.time} is not a trading day (${closed})`;
    }
    if (problem !== null) {
      out.reject(typeof bar.time === 'string' ? bar.time : null, problem, bar);
      continue;
    }
    const key = map.key(bar);
    const first = firstOfKey.get(key);
    if (first !== undefined) {
      if (!sameBar(first, bar)) out.reject(bar.time, map.duplicate(bar, key, first.time), bar);
      continue;
    }
    firstOfKey.set(key, bar);
    out.rows.push(map.row(bar, key));
  }
  out.rejectMalformed(series.malformed);
  return out.finish();
}

/**
 * Daily bars (TIME_SERIES_DAILY or TIME_SERIES_DAILY_ADJUSTED) → `stock_prices` rows keyed by
 * trading day. Adjusted bars keep the raw OHLCV and add adjusted close, dividend and split
 * coefficient; unadjusted bars leave those three `null`.
 *
 * Rejected per bar: a date that is not real, before 1900 or after `ctx.now` (see
 * {@link TransformContext.now}), on a day without a session per `ctx.calendar` (US listings),
 * bad values, or a second bar of the same date with other values.
 *
 * @throws {@link RejectedRowsError} with policy `'throw'` when any bar is rejected.
 */
export function transformDaily(
  series: TimeSeries<PriceBar | AdjustedPriceBar>,
  ctx: TransformContext,
): TransformResult<DailyPriceRow> {
  return collectDated(series, ctx, {
    earliest: EARLIEST_DAILY_DATE,
    tradingDays: true,
    problem: priceBarProblem,
    key: (bar) => bar.time,
    duplicate: (bar) => `duplicate trade date ${bar.time} with different values`,
    row: (bar) => {
      const adjusted = isAdjusted(bar);
      return {
        symbol: ctx.symbol,
        tradeDate: bar.time,
        open: bar.open,
        high: bar.high,
        low: bar.low,
        close: bar.close,
        volume: bar.volume,
        adjustedClose: adjusted ? bar.adjustedClose : null,
        dividendAmount: adjusted ? bar.dividendAmount : null,
        splitCoefficient: adjusted ? bar.splitCoefficient : null,
      };
    },
  });
}

/**
 * Weekly or monthly bars → rows keyed by `periodStart` (the ISO week's Monday, or the month's 1st),
 * with `lastTradeDate` = the date Alpha Vantage keyed the bar by. The still-open period is keyed by
 * its latest trading day, which moves every day (Wednesday, then Friday); keying by period start
 * makes each refresh update the same row. Two bars of one response in the same period: the first
 * (newest) wins, the other is rejected as a duplicate.
 *
 * @throws {@link RejectedRowsError} with policy `'throw'` when any bar is rejected.
 * @internal
 */
export function transformPeriod(
  series: TimeSeries<PriceBar | AdjustedPriceBar>,
  period: Period,
  ctx: TransformContext,
): TransformResult<PeriodPriceRow> {
  const startOf = period === 'week' ? weekStart : monthStart;
  return collectDated(series, ctx, {
    earliest: EARLIEST_DAILY_DATE,
    // Weekly/monthly keys are the period's latest data date, which is not evidenced to always be
    // a session day; bounding them is enough to protect the watermark.
    tradingDays: false,
    problem: priceBarProblem,
    key: (bar) => startOf(bar.time),
    duplicate: (_bar, periodStart, first) =>
      `duplicate ${period} starting ${periodStart} (already have the bar of ${first})`,
    row: (bar, periodStart) => {
      const adjusted = isAdjusted(bar);
      return {
        symbol: ctx.symbol,
        periodStart,
        lastTradeDate: bar.time,
        open: bar.open,
        high: bar.high,
        low: bar.low,
        close: bar.close,
        volume: bar.volume,
        adjustedClose: adjusted ? bar.adjustedClose : null,
        dividendAmount: adjusted ? bar.dividendAmount : null,
      };
    },
  });
}

/**
 * Weekly bars (TIME_SERIES_WEEKLY[_ADJUSTED]) → `stock_prices_weekly` rows; keyed by
 * `period_start`, the Monday of the week (see {@link transformDaily} for the rest).
 *
 * @throws {@link RejectedRowsError} with policy `'throw'` when any bar is rejected.
 */
export function transformWeekly(
  series: TimeSeries<PriceBar | AdjustedPriceBar>,
  ctx: TransformContext,
): TransformResult<PeriodPriceRow> {
  return transformPeriod(series, 'week', ctx);
}

/**
 * Monthly bars (TIME_SERIES_MONTHLY[_ADJUSTED]) → `stock_prices_monthly` rows; keyed by
 * `period_start`, the 1st of the month (see {@link transformDaily} for the rest).
 *
 * @throws {@link RejectedRowsError} with policy `'throw'` when any bar is rejected.
 */
export function transformMonthly(
  series: TimeSeries<PriceBar | AdjustedPriceBar>,
  ctx: TransformContext,
): TransformResult<PeriodPriceRow> {
  return transformPeriod(series, 'month', ctx);
}

/**
 * INDEX_DATA bars → `market_index_prices` rows keyed by trading day. Volume stays `null` when the
 * index has none.
 *
 * @throws {@link RejectedRowsError} with policy `'throw'` when any bar is rejected.
 */
export function transformIndex(
  series: TimeSeries<IndexBar>,
  ctx: TransformContext,
): TransformResult<IndexPriceRow> {
  return collectDated(series, ctx, {
    earliest: EARLIEST_INDEX_DATE,
    // INDEX_DATA covers indices of many exchanges (and the index symbol says nothing about which).
    tradingDays: false,
    // Some index series omit volume altogether; treat a missing one like an explicit null.
    problem: (bar, range) =>
      dateProblem(bar.time, range) ?? validateBar({ ...bar, volume: bar.volume ?? null }),
    key: (bar) => bar.time,
    duplicate: (bar) => `duplicate trade date ${bar.time} with different values`,
    row: (bar) => ({
      symbol: ctx.symbol,
      tradeDate: bar.time,
      open: bar.open,
      high: bar.high,
      low: bar.low,
      close: bar.close,
      volume: bar.volume ?? null,
    }),
  });
}
