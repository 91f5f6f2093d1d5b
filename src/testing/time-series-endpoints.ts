import { addDays } from '../time/civil-date';
import {
  csvReply,
  datatypeOf,
  flagOf,
  invalidCall,
  jsonReply,
  outputSizeOf,
  type Reply,
  type RequestContext,
} from './context';
import { aggregate, buildDailySeries, type DailySeries, sliceSeries } from './daily-series';
import { fixed4, price4, priceShort } from './format';
import { writeIntraday } from './intraday-series';
import { dailyRange, indexOfDate } from './market-time';
import { INDEX_CATALOG, indexProfile, type SymbolProfile, stockProfile } from './profile';
import { type SeriesLayout, seriesWriter } from './series-writer';
import { type DayWindow, etDate } from './sessions';

const INTERVALS: Record<string, number> = {
  '1min': 1,
  '5min': 5,
  '15min': 15,
  '30min': 30,
  '60min': 60,
};
const TZ: [string, string] = ['Time Zone', 'US/Eastern'];
const OHLCV = ['1. open', '2. high', '3. low', '4. close', '5. volume'];
const OHLCV_CSV = 'timestamp,open,high,low,close,volume';

/** TIME_SERIES_INTRADAY (API.md §2.1). */
export function intraday(ctx: RequestContext): Reply {
  const { params, fn } = ctx;
  const symbol = params.get('symbol') ?? '';
  const interval = params.get('interval') ?? '';
  const minutes = INTERVALS[interval];
  const datatype = datatypeOf(params);
  const size = outputSizeOf(params);
  const adjusted = flagOf(params, 'adjusted', true);
  const extended = flagOf(params, 'extended_hours', true);
  const month = params.get('month');
  if (!symbol || ctx.isUnknown(symbol) || !minutes || !datatype || !size) return invalidCall(fn);
  if (adjusted === null || extended === null) return invalidCall(fn);
  const today = etDate(ctx.nowMs);
  let from: string;
  let to: string;
  if (month !== null) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month) || month < '2000-01' || month > today.slice(0, 7)) {
      return invalidCall(fn);
    }
    from = `${month}-01`;
    const end = addDays(`${addDays(`${month}-28`, 4).slice(0, 7)}-01`, -1);
    // (Not Math.min: these are date strings.)
    to = today;
    if (end < today) to = end;
  } else {
    to = ctx.sessions.previousOrSame(today);
    // "full" is the trailing 30 calendar days; compact needs at most 100 bars, which even 60min
    // regular-hours bars (7 a day) reach within a few weeks.
    from = addDays(to, size === 'full' ? -29 : -45);
  }
  const profile = stockProfile(symbol);
  // Intraday paths follow the final daily bars, so a bar never changes once served.
  const daily = buildDailySeries(profile, ctx.sessions.tradingDays(ctx.historyStart, to), null);
  const days: DayWindow[] = [];
  const list = ctx.sessions.tradingDays(from, to);
  for (let i = list.length - 1; i >= 0; i--) {
    const w = ctx.sessions.window(list[i]!);
    if (w) days.push(w);
  }
  const meta: Array<[string, string]> = [
    ['1. Information', `Intraday (${interval}) open, high, low, close prices and volume`],
    ['2. Symbol', symbol],
    ['3. Last Refreshed', to],
    ['4. Interval', interval],
    ['5. Output Size', size === 'full' ? 'Full size' : 'Compact'],
    ['6. Time Zone', 'US/Eastern'],
  ];
  const layout: SeriesLayout = {
    format: datatype,
    meta,
    seriesKey: `Time Series (${interval})`,
    fields: OHLCV,
    csvHeader: OHLCV_CSV,
    eol: ctx.eol,
  };
  const out = seriesWriter(layout);
  const { newest } = writeIntraday(
    {
      profile,
      daily,
      dailyIndex: { get: (d: string) => nonNegative(indexOfDate(daily.dates, d)) },
      minutes,
      extended,
      adjusted,
      days,
      cutoffMs: ctx.nowMs,
      limit: size === 'compact' ? 100 : Number.POSITIVE_INFINITY,
    },
    out,
  );
  if (newest) meta[2]![1] = newest;
  const body = out.finish();
  return datatype === 'csv' ? csvReply(body, `intraday_${interval}_${symbol}`) : jsonReply(body);
}

function nonNegative(i: number): number | undefined {
  return i < 0 ? undefined : i;
}

type DailyKind =
  | 'daily'
  | 'daily_adjusted'
  | 'weekly'
  | 'weekly_adjusted'
  | 'monthly'
  | 'monthly_adjusted';

const DAILY_FUNCTIONS: Record<string, DailyKind> = {
  TIME_SERIES_DAILY: 'daily',
  TIME_SERIES_DAILY_ADJUSTED: 'daily_adjusted',
  TIME_SERIES_WEEKLY: 'weekly',
  TIME_SERIES_WEEKLY_ADJUSTED: 'weekly_adjusted',
  TIME_SERIES_MONTHLY: 'monthly',
  TIME_SERIES_MONTHLY_ADJUSTED: 'monthly_adjusted',
};

/** TIME_SERIES_DAILY, _DAILY_ADJUSTED, _WEEKLY(_ADJUSTED), _MONTHLY(_ADJUSTED) (API.md §2.2–2.5). */
export function dailyFamily(ctx: RequestContext): Reply {
  const kind = DAILY_FUNCTIONS[ctx.fn]!;
  const symbol = ctx.params.get('symbol') ?? '';
  if (!symbol || ctx.isUnknown(symbol)) return invalidCall(ctx.fn);
  return serveDaily(ctx, kind, stockProfile(symbol), symbol);
}

/**
 * INDEX_DATA (API.md §2.13). No recorded response exists: the shape is our assumption, modelled
 * on TIME_SERIES_DAILY / _WEEKLY / _MONTHLY (same `Meta Data`, data keys and CSV header).
 */
export function indexData(ctx: RequestContext): Reply {
  const symbol = ctx.params.get('symbol') ?? '';
  const interval = ctx.params.get('interval') ?? 'daily';
  if (!INDEX_CATALOG[symbol.toUpperCase()]) return invalidCall(ctx.fn);
  if (interval !== 'daily' && interval !== 'weekly' && interval !== 'monthly')
    return invalidCall(ctx.fn);
  // Indices have no `outputsize` in the documentation: the whole history unless compact is asked.
  const params = new URLSearchParams(ctx.params);
  if (!params.has('outputsize')) params.set('outputsize', 'full');
  return serveDaily({ ...ctx, params }, interval, indexProfile(symbol), symbol);
}

function serveDaily(
  ctx: RequestContext,
  kind: DailyKind,
  profile: SymbolProfile,
  symbol: string,
): Reply {
  const datatype = datatypeOf(ctx.params);
  const size = outputSizeOf(ctx.params);
  if (!datatype || !size) return invalidCall(ctx.fn);
  const range = dailyRange(ctx.sessions, ctx.historyStart, ctx.nowMs);
  let s: DailySeries = buildDailySeries(profile, range.days, range.partial);
  const period = kind.startsWith('weekly')
    ? 'weekly'
    : kind.startsWith('monthly')
      ? 'monthly'
      : null;
  if (period) s = aggregate(s, period);
  else if (size === 'compact' && s.dates.length > 100)
    s = sliceSeries(s, s.dates.length - 100, s.dates.length);
  const adjusted = kind.endsWith('adjusted');
  const layout = dailyLayout(kind, datatype, symbol, range.lastRefreshed, size, ctx.eol);
  const out = seriesWriter(layout);
  const csvDaily = kind === 'daily_adjusted' && datatype === 'csv';
  const values: string[] = [];
  for (let i = s.dates.length - 1; i >= 0; i--) {
    values.length = 0;
    if (csvDaily) {
      // The real DAILY_ADJUSTED CSV prints unpadded prices and a full-precision adjusted close.
      values.push(
        priceShort(s.open[i]!),
        priceShort(s.high[i]!),
        priceShort(s.low[i]!),
        priceShort(s.close[i]!),
      );
      values.push(String(s.adjClose[i]!), String(s.volume[i]!), price4(s.dividend[i]!));
      values.push(Number.isInteger(s.split[i]!) ? s.split[i]!.toFixed(1) : String(s.split[i]!));
    } else {
      values.push(price4(s.open[i]!), price4(s.high[i]!), price4(s.low[i]!), price4(s.close[i]!));
      if (adjusted) values.push(fixed4(s.adjClose[i]!));
      values.push(String(s.volume[i]!));
      if (adjusted) values.push(price4(s.dividend[i]!));
      if (kind === 'daily_adjusted') values.push(fixed4(s.split[i]!));
    }
    out.row(s.dates[i]!, values);
  }
  const body = out.finish();
  return datatype === 'csv' ? csvReply(body, `${kind}_${symbol}`) : jsonReply(body);
}

function dailyLayout(
  kind: DailyKind,
  format: 'json' | 'csv',
  symbol: string,
  lastRefreshed: string,
  size: 'compact' | 'full',
  eol: string,
): SeriesLayout {
  const head: Array<[string, string]> = [
    ['1. Information', ''],
    ['2. Symbol', symbol],
    ['3. Last Refreshed', lastRefreshed],
  ];
  const sized: Array<[string, string]> = [
    ...head,
    ['4. Output Size', size === 'full' ? 'Full size' : 'Compact'],
    [`5. ${TZ[0]}`, TZ[1]],
  ];
  const unsized: Array<[string, string]> = [...head, [`4. ${TZ[0]}`, TZ[1]]];
  const adjFields = [
    '1. open',
    '2. high',
    '3. low',
    '4. close',
    '5. adjusted close',
    '6. volume',
    '7. dividend amount',
  ];
  const adjCsv = 'timestamp,open,high,low,close,adjusted close,volume,dividend amount';
  const base = { format, eol };
  switch (kind) {
    case 'daily':
      sized[0]![1] = 'Daily Prices (open, high, low, close) and Volumes';
      return {
        ...base,
        meta: sized,
        seriesKey: 'Time Series (Daily)',
        fields: OHLCV,
        csvHeader: OHLCV_CSV,
      };
    case 'daily_adjusted':
      sized[0]![1] = 'Daily Time Series with Splits and Dividend Events';
      return {
        ...base,
        meta: sized,
        seriesKey: 'Time Series (Daily)',
        fields: [...adjFields, '8. split coefficient'],
        csvHeader:
          'timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient',
      };
    case 'weekly':
      unsized[0]![1] = 'Weekly Prices (open, high, low, close) and Volumes';
      return {
        ...base,
        meta: unsized,
        seriesKey: 'Weekly Time Series',
        fields: OHLCV,
        csvHeader: OHLCV_CSV,
      };
    case 'weekly_adjusted':
      unsized[0]![1] = 'Weekly Adjusted Prices and Volumes';
      return {
        ...base,
        meta: unsized,
        seriesKey: 'Weekly Adjusted Time Series',
        fields: adjFields,
        csvHeader: adjCsv,
      };
    case 'monthly':
      unsized[0]![1] = 'Monthly Prices (open, high, low, close) and Volumes';
      return {
        ...base,
        meta: unsized,
        seriesKey: 'Monthly Time Series',
        fields: OHLCV,
        csvHeader: OHLCV_CSV,
      };
    case 'monthly_adjusted':
      unsized[0]![1] = 'Monthly Adjusted Prices and Volumes';
      return {
        ...base,
        meta: unsized,
        seriesKey: 'Monthly Adjusted Time Series',
        fields: adjFields,
        csvHeader: adjCsv,
      };
  }
}
