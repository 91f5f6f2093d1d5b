import { INTRADAY_INTERVALS } from '../alpha-vantage/types';

/**
 * How saved Alpha Vantage responses are named in a folder, so a {@link FileExtractor} finds the
 * one a request needs and `recordingFetch` saves each response where it will be found:
 *
 * ```
 * <FUNCTION>__<SYMBOL>[__<interval>][__<YYYY-MM>].<json|csv>
 *
 * TIME_SERIES_DAILY__IBM.json                  daily (compact or full: the file is what you have)
 * TIME_SERIES_DAILY_ADJUSTED__IBM.csv          daily adjusted, as CSV
 * TIME_SERIES_WEEKLY__IBM.json                 weekly (…_ADJUSTED, TIME_SERIES_MONTHLY… alike)
 * TIME_SERIES_INTRADAY__IBM__5min.json         intraday, the latest bars
 * TIME_SERIES_INTRADAY__IBM__1min__2024-03.csv intraday, one month (what a backfill asks)
 * GLOBAL_QUOTE__IBM.json                       quote
 * OVERVIEW__IBM.json                           company overview (JSON only)
 * INDEX_DATA__SPX__daily.json                  index levels (interval daily, weekly or monthly)
 * ```
 *
 * `FUNCTION` is the Alpha Vantage `function` parameter, `SYMBOL` the symbol upper-cased. Other
 * request parameters (`outputsize`, `extended_hours`, `adjusted`, `entitlement`) are not part of
 * the name: a folder holds one response per name, the latest recorded. The extension says the
 * format; a name must not exist as both `.json` and `.csv`.
 */

/** What a saved response answers. */
export interface ResponseKey {
  /** The Alpha Vantage `function`, e.g. `TIME_SERIES_DAILY`. */
  function: string;
  /** The symbol (upper-cased in the name). */
  symbol: string;
  /** TIME_SERIES_INTRADAY: the bar length; INDEX_DATA: `daily`, `weekly` or `monthly`. */
  interval?: string;
  /** TIME_SERIES_INTRADAY with `month=`: the month, `YYYY-MM`. */
  month?: string;
}

/** The functions a {@link FileExtractor} replays (the data an `Extractor` provides). */
export const REPLAYED_FUNCTIONS = [
  'TIME_SERIES_DAILY',
  'TIME_SERIES_DAILY_ADJUSTED',
  'TIME_SERIES_WEEKLY',
  'TIME_SERIES_WEEKLY_ADJUSTED',
  'TIME_SERIES_MONTHLY',
  'TIME_SERIES_MONTHLY_ADJUSTED',
  'TIME_SERIES_INTRADAY',
  'GLOBAL_QUOTE',
  'OVERVIEW',
  'INDEX_DATA',
] as const;

/**
 * The file name of a saved response, without its extension (see the naming scheme above).
 * @example responseFileBase({ function: 'TIME_SERIES_INTRADAY', symbol: 'ibm', interval: '1min', month: '2024-03' })
 *   // 'TIME_SERIES_INTRADAY__IBM__1min__2024-03'
 */
export function responseFileBase(key: ResponseKey): string {
  const parts = [key.function, key.symbol.toUpperCase()];
  if (key.interval !== undefined) parts.push(key.interval);
  if (key.month !== undefined) parts.push(key.month);
  return parts.join('__');
}

// What may appear in a name: the characters validateSymbol accepts, nothing that walks folders.
const SYMBOL_RE = /^[A-Za-z0-9.\-^=]{1,20}$/;
const MONTH_RE = /^\d{4}-\d{2}$/;

/**
 * The key of a request URL's query, or `null` when it is not a request a file source replays
 * (another function, or parameters that could not name a file safely).
 */
export function responseKeyOf(params: URLSearchParams): ResponseKey | null {
  const fn = params.get('function') ?? '';
  const symbol = params.get('symbol') ?? '';
  if (!(REPLAYED_FUNCTIONS as readonly string[]).includes(fn) || !SYMBOL_RE.test(symbol)) {
    return null;
  }
  const key: ResponseKey = { function: fn, symbol };
  if (fn === 'TIME_SERIES_INTRADAY') {
    const interval = params.get('interval') ?? '';
    if (!(INTRADAY_INTERVALS as readonly string[]).includes(interval)) return null;
    key.interval = interval;
    const month = params.get('month');
    if (month !== null) {
      if (!MONTH_RE.test(month)) return null;
      key.month = month;
    }
  } else if (fn === 'INDEX_DATA') {
    const interval = params.get('interval') ?? 'daily';
    if (!['daily', 'weekly', 'monthly'].includes(interval)) return null;
    key.interval = interval;
  }
  return key;
}
