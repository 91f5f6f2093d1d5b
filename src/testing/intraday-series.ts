import { ascii } from './byte-builder';
import { adjustmentFactor, type DailySeries } from './daily-series';
import { CLOCK } from './format';
import { hashString, Prng } from './prng';
import type { SymbolProfile } from './profile';
import type { SeriesWriter } from './series-writer';
import type { DayWindow } from './sessions';

/** What to generate. */
export interface IntradayPlan {
  profile: SymbolProfile;
  /** The symbol's daily history (supplies each day's open/close and adjustment factor). */
  daily: DailySeries;
  /** Index of each date in `daily`. */
  dailyIndex: { get(date: string): number | undefined };
  /** Bar length in minutes: 1, 5, 15, 30 or 60. */
  minutes: number;
  /** Include 04:00–09:30 and 16:00–20:00 (17:00 on early-close days). */
  extended: boolean;
  /** Scale prices by later splits and dividends. */
  adjusted: boolean;
  /** Sessions to cover, newest first. */
  days: readonly DayWindow[];
  /** A bar is only served once it has ended at or before this instant (UTC ms). */
  cutoffMs: number;
  /** Stop after this many bars (compact = 100). */
  limit: number;
}

const MINUTE_MS = 60_000;

/**
 * The minute path of one session. Pre-market drifts from the previous close to the day's open,
 * the regular session is bridged from the daily open to the daily close, post-market wanders: so
 * intraday bars agree with the daily bars at the open and the close, and every interval is an
 * aggregation of the same minutes (5min bars are exactly five 1min bars).
 */
class MinutePath {
  readonly o = new Float64Array(1440);
  readonly h = new Float64Array(1440);
  readonly l = new Float64Array(1440);
  readonly c = new Float64Array(1440);
  readonly v = new Float64Array(1440);

  fill(plan: IntradayPlan, w: DayWindow, i: number): void {
    const { daily, profile } = plan;
    const r = new Prng(hashString(w.date, profile.seed));
    const dayOpen = daily.open[i]!;
    const dayClose = daily.close[i]!;
    const split = daily.split[i]!;
    const prevClose = i > 0 ? daily.close[i - 1]! / split : dayOpen;
    const perMinute = profile.sigma / Math.sqrt(390);
    const regVolume = daily.volume[i]! / Math.max(1, w.close - w.open);
    let price = prevClose;
    for (let m = w.preOpen; m < w.postClose; m++) {
      const regular = m >= w.open && m < w.close;
      let target = Number.NaN;
      let remaining = 1;
      if (m < w.open) {
        target = dayOpen;
        remaining = w.open - m;
      } else if (regular) {
        target = dayClose;
        remaining = w.close - m;
      }
      const o = m === w.open ? dayOpen : price;
      const noise = o * perMinute * (regular ? 0.8 : 0.25) * r.gauss();
      const pull = Number.isNaN(target) ? 0 : (target - o) / remaining;
      let c = Math.round(o + pull + noise);
      if (regular && m === w.close - 1) c = dayClose;
      if (c < 1) c = 1;
      const wick = o * perMinute * 0.3;
      const hi = Math.round(Math.max(o, c) + wick * r.next());
      const lo = Math.max(1, Math.round(Math.min(o, c) - wick * r.next()));
      let vol: number;
      if (regular) {
        const t = (m - w.open) / (w.close - w.open);
        const shape = 0.6 + 2.4 * (2 * t - 1) ** 2; // U-shaped: busy at the open and the close
        vol = regVolume * shape * (0.5 + r.next());
      } else {
        vol = regVolume * 0.02 * (0.2 + r.next());
      }
      this.o[m] = o;
      this.h[m] = hi;
      this.l[m] = lo;
      this.c[m] = c;
      this.v[m] = Math.max(1, Math.round(vol));
      price = c;
    }
  }
}

/**
 * Writes the bars of `plan` (newest first) into `out` and returns how many were written and the
 * newest bar's timestamp (the `Last Refreshed` value).
 */
export function writeIntraday(
  plan: IntradayPlan,
  out: SeriesWriter,
): { count: number; newest: string | null } {
  const path = new MinutePath();
  const n = plan.minutes;
  let count = 0;
  let newest: string | null = null;
  for (const w of plan.days) {
    if (count >= plan.limit) break;
    const i = plan.dailyIndex.get(w.date);
    if (i === undefined) continue;
    const start = plan.extended ? w.preOpen : w.open;
    const end = plan.extended ? w.postClose : w.close;
    // Skip a session that has not produced a complete bar yet (cheap check before generating).
    if (w.midnightUtc + Math.min(end, Math.floor(start / n) * n + n) * MINUTE_MS > plan.cutoffMs)
      continue;
    path.fill(plan, w, i);
    const f = plan.adjusted ? adjustmentFactor(plan.daily, i) : 1;
    const scale = Math.abs(f - 1) > 1e-12;
    const prefix = ascii(`${w.date} `);
    for (let b = Math.floor((end - 1) / n) * n; b + n > start && count < plan.limit; b -= n) {
      const from = Math.max(b, start);
      const to = Math.min(b + n, end);
      if (w.midnightUtc + to * MINUTE_MS > plan.cutoffMs) continue;
      let hi = path.h[from]!;
      let lo = path.l[from]!;
      let vol = 0;
      for (let m = from; m < to; m++) {
        if (path.h[m]! > hi) hi = path.h[m]!;
        if (path.l[m]! < lo) lo = path.l[m]!;
        vol += path.v[m]!;
      }
      let o = path.o[from]!;
      let c = path.c[to - 1]!;
      if (scale) {
        o = Math.round(o * f);
        c = Math.round(c * f);
        hi = Math.round(hi * f);
        lo = Math.round(lo * f);
      }
      out.ohlcv(prefix, b, o, hi, lo, c, vol);
      if (newest === null) newest = `${w.date} ${CLOCK[b]}`;
      count++;
    }
  }
  return { count, newest };
}
