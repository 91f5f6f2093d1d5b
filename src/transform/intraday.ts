import {
  INTRADAY_INTERVALS,
  type IntradayInterval,
  type PriceBar,
  type TimeSeries,
} from '../alpha-vantage/types';
import { describeValue } from '../bounded-text';
import { ValidationError } from '../errors/validation-error';
import { readDigits } from '../time/civil-date';
import { NEW_YORK } from '../time/zone';
import {
  ClosedDays,
  EARLIEST_INTRADAY_DATE,
  isUsListing,
  latestInstant,
  WEEKDAY_NAMES,
} from './bounds';
import { ResultBuilder, type TransformContext } from './context';
import { IsoFormatter } from './iso';
import type { IntradayPriceRow, TransformResult } from './rows';
import { SeenInstants } from './seen-instants';
import { validateBar } from './validate';
import { type LocalDay, resolveZone, WallClockParser } from './wall-clock';

/** Options of {@link transformIntraday} on top of the common {@link TransformContext}. */
export interface IntradayContext extends TransformContext {
  /** The requested bar length; rows carry it. */
  interval: IntradayInterval;
  /** The requested `month=YYYY-MM`, when there was one: bars outside it are rejected. */
  month?: string;
  /**
   * Whether extended hours were requested. `true` accepts bars from 04:00 to 20:00 ET inclusive
   * (20:00 because older end-labelled data has a 20:00 bar); `false` only 09:30 to 16:00.
   * @default true
   */
  extendedHours?: boolean;
  /**
   * Whether to reject bars outside the US session (weekends, and times outside the hours above).
   * Turn it off for non-US listings, whose bars Alpha Vantage also labels US/Eastern but which trade
   * at other hours (e.g. a BSE symbol with bars at 00:08:59).
   * @default true when the series zone is New York, else false (the hours above are ET hours)
   */
  checkSession?: boolean;
}

const EXTENDED = { from: 4 * 3600, to: 20 * 3600, label: 'extended session 04:00–20:00' };
const REGULAR = { from: 9 * 3600 + 30 * 60, to: 16 * 3600, label: 'regular session 09:30–16:00' };
const EARLIEST_MS = Date.parse(`${EARLIEST_INTRADAY_DATE}T00:00:00Z`);
const INTERVAL_MS: Record<IntradayInterval, number> = {
  '1min': 60_000,
  '5min': 300_000,
  '15min': 900_000,
  '30min': 1_800_000,
  '60min': 3_600_000,
};

/** True when the two bars carry the same values (the same bar sent twice). */
function sameValues(row: IntradayPriceRow, bar: PriceBar): boolean {
  return (
    row.open === bar.open &&
    row.high === bar.high &&
    row.low === bar.low &&
    row.close === bar.close &&
    row.volume === bar.volume
  );
}

function checkContext(ctx: IntradayContext): void {
  if (!INTRADAY_INTERVALS.includes(ctx.interval)) {
    throw new ValidationError(
      `interval must be one of ${INTRADAY_INTERVALS.join(', ')}, got ${JSON.stringify(ctx.interval)}`,
      { field: 'interval' },
    );
  }
  if (ctx.month !== undefined) {
    const m = ctx.month;
    const ok =
      typeof m === 'string' &&
      m.length === 7 &&
      m.charCodeAt(4) === 45 &&
      readDigits(m, 0, 4) >= 0 &&
      readDigits(m, 5, 2) >= 1 &&
      readDigits(m, 5, 2) <= 12;
    if (!ok) {
      throw new ValidationError(`month must be YYYY-MM, got ${describeValue(m, 20)}`, {
        field: 'month',
      });
    }
  }
}

/** Rejects every bar of the response with one reason (a problem of the whole body). */
function rejectAll(
  out: ResultBuilder<IntradayPriceRow>,
  series: TimeSeries<PriceBar>,
  reason: string,
): TransformResult<IntradayPriceRow> {
  for (const bar of series.bars)
    out.reject(typeof bar.time === 'string' ? bar.time : null, reason, bar);
  out.rejectMalformed(series.malformed);
  return out.finish();
}

/**
 * Intraday bars → `stock_prices_intraday` rows with `ts` the bar's UTC instant.
 *
 * Keys are wall-clock times in the series zone (`Time Zone`, `US/Eastern` = `America/New_York`),
 * converted with real DST rules independent of the host's `TZ`. The key is the label Alpha Vantage
 * gave the bar (its interpretation as bar start or end has changed over the years); it is converted,
 * not reinterpreted.
 *
 * Rejected per bar: a key that is not a real date-time, outside `month`, before 1990, after
 * `ctx.now` plus the skew and one bar length (a bar labelled by its end may be that far ahead),
 * outside the session (see {@link IntradayContext}; with `ctx.calendar`, also on holidays of US
 * listings), bad values (the same checks as every OHLCV bar), or a second bar for the same instant with other
 * values (the first, i.e. newest-sent, wins; the same bar sent twice is kept once, silently).
 * Rejected for the whole response: a `Meta Data` interval other than the requested one, or a time
 * zone the runtime does not know.
 *
 * @throws {@link ValidationError} for a bad `interval` or `month` in `ctx`
 * @throws {@link RejectedRowsError} with policy `'throw'` when any bar is rejected
 */
export function transformIntraday(
  series: TimeSeries<PriceBar>,
  ctx: IntradayContext,
): TransformResult<IntradayPriceRow> {
  checkContext(ctx);
  const out = new ResultBuilder<IntradayPriceRow>(ctx.dataset, ctx.symbol, ctx.policy);
  out.checkEchoedSymbol(series.meta?.symbol);
  const echoed = series.meta?.interval;
  if (echoed !== undefined && echoed !== ctx.interval) {
    return rejectAll(
      out,
      series,
      `response interval ${echoed} differs from requested ${ctx.interval}`,
    );
  }
  const zone = resolveZone(series.meta?.timeZone);
  let parser: WallClockParser;
  try {
    parser = new WallClockParser(zone);
  } catch {
    return rejectAll(out, series, `unknown time zone ${describeValue(series.meta?.timeZone, 40)}`);
  }

  const checkSession = ctx.checkSession ?? zone === NEW_YORK;
  const session = ctx.extendedHours === false ? REGULAR : EXTENDED;
  const month = ctx.month;
  const latestMs = latestInstant(ctx.now, ctx.futureSkewMs) + INTERVAL_MS[ctx.interval];
  const calendar =
    checkSession && (ctx.checkTradingDays ?? isUsListing(ctx.symbol)) && ctx.calendar
      ? new ClosedDays(ctx.calendar)
      : undefined;
  const iso = new IsoFormatter();
  const rows = out.rows;
  const seen = new SeenInstants(() => rows.map((row) => Date.parse(row.ts)));
  const at = parser.last;
  const { symbol, interval } = ctx;
  // The holiday check runs once per local day: `at.day` is the same object while the day lasts.
  let checkedDay: LocalDay | null = null;
  let closed: string | null = null;

  for (const bar of series.bars) {
    const time = bar.time;
    let problem: string | null;
    if (typeof time !== 'string' || !parser.read(time)) {
      problem = `time is not a real date-time (YYYY-MM-DD HH:MM:SS): ${describeValue(time)}`;
    } else if (month !== undefined && !at.day.date.startsWith(month)) {
      problem = `time ${time} is outside the requested month ${month}`;
    } else if (at.utcMs > latestMs) {
      problem = `time ${time} is in the future (${iso.format(at.utcMs)}; latest possible ${iso.format(latestMs)})`;
    } else if (at.utcMs < EARLIEST_MS) {
      problem = `time ${time} is before ${EARLIEST_INTRADAY_DATE}, the earliest date accepted`;
    } else if (checkSession && (at.day.weekday === 0 || at.day.weekday === 6)) {
      problem = `time ${time} is on a ${WEEKDAY_NAMES[at.day.weekday]}`;
    } else if (checkSession && (at.secondOfDay < session.from || at.secondOfDay > session.to)) {
      problem = `time ${time} is outside the ${session.label} ET`;
    } else {
      if (calendar && at.day !== checkedDay) {
        checkedDay = at.day;
        closed = calendar.reason(at.day.date);
      }
      problem =
        calendar && closed !== null
          ? `time ${time} is on a day without a session (${closed})`
          : validateBar(bar);
    }
    if (problem !== null) {
      out.reject(typeof time === 'string' ? time : null, problem, bar);
      continue;
    }
    const utcMs = at.utcMs;
    const earlier = seen.indexOf(utcMs);
    if (earlier !== -1) {
      if (!sameValues(rows[earlier] as IntradayPriceRow, bar)) {
        out.reject(
          time,
          `duplicate time ${time} (${iso.format(utcMs)}) with different values`,
          bar,
        );
      }
      continue;
    }
    seen.add(utcMs);
    rows.push({
      symbol,
      interval,
      ts: iso.format(utcMs),
      open: bar.open,
      high: bar.high,
      low: bar.low,
      close: bar.close,
      volume: bar.volume,
    });
  }
  out.rejectMalformed(series.malformed);
  return out.finish();
}
