import type { Reply, RequestContext } from './context';
import { marketStatus } from './market-status';
import { bulkQuotes, globalQuote } from './quote-endpoints';
import { indexCatalog, listingStatus, overview, symbolSearch } from './reference-endpoints';
import { dailyFamily, indexData, intraday } from './time-series-endpoints';

/** Endpoint handlers by upper-cased `function`. */
export const ROUTES: Readonly<Record<string, (ctx: RequestContext) => Reply>> = Object.freeze({
  TIME_SERIES_INTRADAY: intraday,
  TIME_SERIES_DAILY: dailyFamily,
  TIME_SERIES_DAILY_ADJUSTED: dailyFamily,
  TIME_SERIES_WEEKLY: dailyFamily,
  TIME_SERIES_WEEKLY_ADJUSTED: dailyFamily,
  TIME_SERIES_MONTHLY: dailyFamily,
  TIME_SERIES_MONTHLY_ADJUSTED: dailyFamily,
  GLOBAL_QUOTE: globalQuote,
  REALTIME_BULK_QUOTES: bulkQuotes,
  OVERVIEW: overview,
  LISTING_STATUS: listingStatus,
  SYMBOL_SEARCH: symbolSearch,
  MARKET_STATUS: (ctx: RequestContext) => marketStatus(ctx.nowMs, ctx.sessions),
  INDEX_DATA: indexData,
  INDEX_CATALOG: () => indexCatalog(),
});

/** Whether `symbol` looks like something the service could list (`BRK-B`, `TSCO.LON`, `BFOR:BAT`). */
export function isPlausibleSymbol(symbol: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9.\-:]{0,19}$/.test(symbol);
}

/** The default `unknownSymbols` rule. */
export function defaultUnknownSymbol(symbol: string): boolean {
  return /^INVALID/i.test(symbol) || !isPlausibleSymbol(symbol);
}
