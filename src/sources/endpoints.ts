import type { BarKind } from '../alpha-vantage/parse/series';
import type { ResponseKey } from './file-names';

/**
 * What a file source needs to know of each Alpha Vantage function it replays: the JSON body's
 * data key (present means "this is data", so a notice beside it is not an error) and, for the
 * series, the bar fields. The same values the live extractor passes to the same parsers.
 */

/** The stock series functions: their JSON series key and bar fields. */
export const SERIES_FUNCTIONS: Record<string, { seriesKey: string; kind: BarKind }> = {
  TIME_SERIES_DAILY: { seriesKey: 'Time Series (Daily)', kind: 'plain' },
  TIME_SERIES_DAILY_ADJUSTED: { seriesKey: 'Time Series (Daily)', kind: 'adjusted-split' },
  TIME_SERIES_WEEKLY: { seriesKey: 'Weekly Time Series', kind: 'plain' },
  TIME_SERIES_WEEKLY_ADJUSTED: { seriesKey: 'Weekly Adjusted Time Series', kind: 'adjusted' },
  TIME_SERIES_MONTHLY: { seriesKey: 'Monthly Time Series', kind: 'plain' },
  TIME_SERIES_MONTHLY_ADJUSTED: { seriesKey: 'Monthly Adjusted Time Series', kind: 'adjusted' },
};

/** The CSV columns (besides the time) every bar of a kind must have. */
export const CSV_COLUMNS: Record<BarKind, readonly string[]> = {
  plain: ['open', 'high', 'low', 'close', 'volume'],
  adjusted: ['open', 'high', 'low', 'close', 'adjusted close', 'volume', 'dividend amount'],
  'adjusted-split': [
    'open',
    'high',
    'low',
    'close',
    'adjusted close',
    'volume',
    'dividend amount',
    'split coefficient',
  ],
};

/** The JSON data key of a saved response's function (undefined: INDEX_DATA, which has none). */
export function dataKeyOf(key: ResponseKey): string | undefined {
  if (key.function === 'TIME_SERIES_INTRADAY') return `Time Series (${key.interval})`;
  if (key.function === 'GLOBAL_QUOTE') return 'Global Quote';
  if (key.function === 'OVERVIEW') return 'Symbol';
  return SERIES_FUNCTIONS[key.function]?.seriesKey;
}
