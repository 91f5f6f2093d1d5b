import { dayNumberOf } from '../time/civil-date';
import { Prng } from './prng';
import type { SymbolProfile } from './profile';

/**
 * Daily bars of one symbol, ascending. Prices are integer ten-thousandths of a dollar so that
 * formatting is exact; `adjClose` is a float (the service prints it with full precision in CSV).
 */
export interface DailySeries {
  /** `YYYY-MM-DD` trading days, ascending; for weekly/monthly, the last trading day of the period. */
  dates: string[];
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  /** Split- and dividend-adjusted close, dollars. */
  adjClose: Float64Array;
  /** Dividend paid on that day (or, aggregated, in that period), ten-thousandths. */
  dividend: Float64Array;
  /** Split coefficient on that day (1 on ordinary days). */
  split: Float64Array;
}

/** How far the newest session has progressed, when it is still trading. */
export interface PartialDay {
  /** 0 < fraction < 1 of the regular session elapsed. */
  fraction: number;
}

function alloc(n: number): DailySeries {
  return {
    dates: new Array<string>(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    adjClose: new Float64Array(n),
    dividend: new Float64Array(n),
    split: new Float64Array(n),
  };
}

/**
 * Generates the daily history of `profile` over `days` (every trading day from the history start
 * to the latest session, ascending). The walk consumes a fixed number of random draws per day, so
 * day N is the same whatever the range asked for: compact is exactly the tail of full, and
 * yesterday's bars do not change when today's appear (only adjusted closes move, as in reality).
 */
export function buildDailySeries(
  profile: SymbolProfile,
  days: readonly string[],
  partial: PartialDay | null,
): DailySeries {
  const n = days.length;
  const s = alloc(n);
  const r = new Prng(profile.seed);
  const { sigma, basePrice } = profile;
  const logBase = Math.log(basePrice);
  const splitDay = profile.split ? dayNumberOf(profile.split.date) : Number.POSITIVE_INFINITY;
  const ratio = profile.split?.ratio ?? 1;
  let splitDone = false;
  let price = basePrice;
  let lastDividendMonth = '';
  for (let i = 0; i < n; i++) {
    const date = days[i]!;
    s.dates[i] = date;
    // Mean reversion in log space keeps a 25-year walk within a believable price band.
    const drift = -0.004 * (Math.log(price) - logBase);
    const gap = sigma * 0.25 * r.gauss();
    const move = drift + sigma * r.gauss();
    const wickUp = Math.abs(r.gauss()) * sigma * 0.45;
    const wickDown = Math.abs(r.gauss()) * sigma * 0.45;
    const volNoise = r.gauss();
    const open = price * Math.exp(gap);
    const close = price * Math.exp(move);
    let coef = 1;
    if (!splitDone && dayNumberOf(date) >= splitDay) {
      splitDone = true;
      coef = ratio;
    }
    // Raw (as-traded) prices before the split were `ratio` times today's share price.
    const mult = splitDone ? 1 : ratio;
    const o = Math.round(open * mult * 10_000);
    const c = Math.round(close * mult * 10_000);
    s.open[i] = o;
    s.close[i] = c;
    s.high[i] = Math.max(
      o,
      c,
      Math.round(Math.max(open, close) * mult * Math.exp(wickUp) * 10_000),
    );
    s.low[i] = Math.max(
      1,
      Math.min(o, c, Math.round(Math.min(open, close) * mult * Math.exp(-wickDown) * 10_000)),
    );
    s.volume[i] = Math.max(100, Math.round((profile.volume / mult) * Math.exp(0.35 * volNoise)));
    s.split[i] = coef;
    if (profile.dividendYield > 0 && i > 0) {
      const month = Number(date.slice(5, 7));
      const ym = date.slice(0, 7);
      const inCycle = (month - profile.dividendMonth) % 3 === 0;
      if (inCycle && ym !== lastDividendMonth && Number(date.slice(8, 10)) >= profile.dividendDay) {
        lastDividendMonth = ym;
        const cents = Math.max(
          1,
          Math.round((((s.close[i - 1]! / 10_000) * profile.dividendYield) / 4) * 100),
        );
        s.dividend[i] = cents * 100;
      }
    }
    price = close;
  }
  if (partial && n > 0) applyPartial(s, n - 1, partial.fraction);
  adjust(s);
  return s;
}

/** Shrinks the newest bar to the part of the session that has happened, keeping low ≤ o,c ≤ high. */
function applyPartial(s: DailySeries, i: number, f: number): void {
  const o = s.open[i]!;
  const c = Math.round(o + (s.close[i]! - o) * f);
  const top = Math.max(o, s.close[i]!);
  const bottom = Math.min(o, s.close[i]!);
  s.close[i] = c;
  s.high[i] = Math.max(o, c) + Math.round((s.high[i]! - top) * f);
  s.low[i] = Math.max(1, Math.min(o, c) - Math.round((bottom - s.low[i]!) * f));
  s.volume[i] = Math.max(1, Math.round(s.volume[i]! * f));
}

/** Backward pass: the newest adjusted close equals the close; older ones carry later events. */
function adjust(s: DailySeries): void {
  let factor = 1;
  for (let i = s.dates.length - 1; i >= 0; i--) {
    s.adjClose[i] = (s.close[i]! / 10_000) * factor;
    if (i > 0) {
      if (s.dividend[i]! > 0) factor *= 1 - s.dividend[i]! / s.close[i - 1]!;
      if (s.split[i]! !== 1) factor /= s.split[i]!;
    }
  }
}

/** Ratio adjusted ÷ raw close of bar `i` (what adjusted intraday prices are multiplied by). */
export function adjustmentFactor(s: DailySeries, i: number): number {
  const c = s.close[i]!;
  return c > 0 ? s.adjClose[i]! / (c / 10_000) : 1;
}

/** Copies bars `[from, to)` of a series. */
export function sliceSeries(s: DailySeries, from: number, to: number): DailySeries {
  return {
    dates: s.dates.slice(from, to),
    open: s.open.slice(from, to),
    high: s.high.slice(from, to),
    low: s.low.slice(from, to),
    close: s.close.slice(from, to),
    volume: s.volume.slice(from, to),
    adjClose: s.adjClose.slice(from, to),
    dividend: s.dividend.slice(from, to),
    split: s.split.slice(from, to),
  };
}

/**
 * Weekly (Monday–Sunday) or monthly bars aggregated from daily ones, each keyed by its last
 * trading day — which for the still-open period is the latest day with data (QUIRKS §30).
 */
export function aggregate(s: DailySeries, period: 'weekly' | 'monthly'): DailySeries {
  const n = s.dates.length;
  const keyOf =
    period === 'monthly'
      ? (d: string) => d.slice(0, 7)
      : (d: string) => {
          const day = dayNumberOf(d);
          return String(day - ((day + 3) % 7)); // the Monday of its week
        };
  const out = alloc(n);
  let m = -1;
  let current = '';
  for (let i = 0; i < n; i++) {
    const k = keyOf(s.dates[i]!);
    if (k !== current) {
      current = k;
      m++;
      out.open[m] = s.open[i]!;
      out.high[m] = s.high[i]!;
      out.low[m] = s.low[i]!;
      out.volume[m] = 0;
      out.dividend[m] = 0;
      out.split[m] = 1;
    }
    out.dates[m] = s.dates[i]!;
    out.high[m] = Math.max(out.high[m]!, s.high[i]!);
    out.low[m] = Math.min(out.low[m]!, s.low[i]!);
    out.close[m] = s.close[i]!;
    out.adjClose[m] = s.adjClose[i]!;
    out.volume[m]! += s.volume[i]!;
    out.dividend[m]! += s.dividend[i]!;
    out.split[m]! *= s.split[i]!;
  }
  return sliceSeries(out, 0, m + 1);
}
