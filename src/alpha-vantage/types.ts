/**
 * Parsed shapes returned by {@link AlphaVantageExtractor}. Shared by the extractor, the transformer
 * and the fake server, so it is the one place the three agree on.
 *
 * Numbers are kept as canonical decimal strings (`"313.0800"` → `"313.0800"`, validated as a
 * decimal) so no precision is lost between the API and PostgreSQL `numeric`; volumes are strings of
 * digits (they reach past 2^31 on monthly bars; PostgreSQL `bigint`).
 */

/** Bar length of TIME_SERIES_INTRADAY. */
export type IntradayInterval = '1min' | '5min' | '15min' | '30min' | '60min';

/** Every intraday interval, in ascending length. */
export const INTRADAY_INTERVALS: readonly IntradayInterval[] = [
  '1min',
  '5min',
  '15min',
  '30min',
  '60min',
];

/** A decimal number as text, e.g. `"313.0800"` or `"-0.25"`. */
export type DecimalString = string;

/** `Meta Data` of a time-series response, prefixes (`1. `) stripped and fields named by meaning. */
export interface SeriesMeta {
  /** `1. Information` (free text; its wording has changed over the years — do not match on it). */
  information: string;
  /** `2. Symbol` as the server echoed it. */
  symbol: string;
  /** `3. Last Refreshed`: `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS` (exchange wall clock). */
  lastRefreshed: string;
  /** `Interval` (intraday only). */
  interval?: IntradayInterval;
  /** `Output Size`: `Compact` or `Full size` (intraday and daily only). */
  outputSize?: string;
  /** IANA-ish zone name from `Time Zone`, e.g. `US/Eastern`. */
  timeZone: string;
}

/** One OHLCV bar. `time` is the series key: `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS` (wall clock in `meta.timeZone`). */
export interface PriceBar {
  /** Series key: a date, or a wall-clock date-time in the series time zone. */
  time: string;
  /** Open price. */
  open: DecimalString;
  /** High price. */
  high: DecimalString;
  /** Low price. */
  low: DecimalString;
  /** Close price. */
  close: DecimalString;
  /** Volume (digits only). */
  volume: string;
}

/** A bar of an adjusted series (DAILY_ADJUSTED, WEEKLY_ADJUSTED, MONTHLY_ADJUSTED). */
export interface AdjustedPriceBar extends PriceBar {
  /** Split- and dividend-adjusted close. */
  adjustedClose: DecimalString;
  /** Dividend paid in the period (`0.0000` when none). */
  dividendAmount: DecimalString;
  /** Split coefficient (daily adjusted only; `null` on weekly/monthly adjusted, which have none). */
  splitCoefficient: DecimalString | null;
}

/** A bar of INDEX_DATA: volume is often absent for indices. */
export interface IndexBar {
  /** Trading date `YYYY-MM-DD`. */
  time: string;
  /** Open level. */
  open: DecimalString;
  /** High level. */
  high: DecimalString;
  /** Low level. */
  low: DecimalString;
  /** Close level. */
  close: DecimalString;
  /** Volume when the series has one, else `null`. */
  volume: string | null;
}

/**
 * A bar the extractor could not parse (a field that is not a number, a missing field, a duplicated
 * timestamp). Only reported when the extractor runs with `malformedRows: 'report'`; with the
 * default `'throw'` such a body is a `ResponseFormatError`.
 */
export interface MalformedBar {
  /** The series key of the bar, when there was one. */
  time: string | null;
  /** Why it was rejected, e.g. `high is not a number: "abc"`. */
  reason: string;
  /** The raw values as received. */
  raw: unknown;
}

/** A parsed time series. Bars are in the order the server sent them (newest first). */
export interface TimeSeries<TBar = PriceBar> {
  /** The Alpha Vantage `function` that produced it, e.g. `TIME_SERIES_DAILY`. */
  endpoint: string;
  /** Parsed `Meta Data`. */
  meta: SeriesMeta;
  /** The bars, newest first. */
  bars: TBar[];
  /** Bars that could not be parsed (see {@link MalformedBar}); empty unless `malformedRows: 'report'`. */
  malformed: MalformedBar[];
}

/** GLOBAL_QUOTE, fields named by meaning. */
export interface Quote {
  /** Symbol. */
  symbol: string;
  /** Session open. */
  open: DecimalString;
  /** Session high. */
  high: DecimalString;
  /** Session low. */
  low: DecimalString;
  /** Latest price. */
  price: DecimalString;
  /** Session volume. */
  volume: string;
  /** `YYYY-MM-DD` trading day of the quote. */
  latestTradingDay: string;
  /** Previous session's close. */
  previousClose: DecimalString;
  /** Change against the previous close. */
  change: DecimalString;
  /** Change in percent, without the `%` sign (`"1.8418"`). */
  changePercent: DecimalString;
}

/** One entry of REALTIME_BULK_QUOTES. */
export interface BulkQuote {
  /** Symbol. */
  symbol: string;
  /** `YYYY-MM-DD HH:MM:SS.mmm` as sent (US/Eastern wall clock presumed). */
  timestamp: string;
  /** Open. */
  open: DecimalString;
  /** High. */
  high: DecimalString;
  /** Low. */
  low: DecimalString;
  /** Latest price (`close` in the body). */
  close: DecimalString;
  /** Volume. */
  volume: string;
  /** Previous close. */
  previousClose: DecimalString;
  /** Change. */
  change: DecimalString;
  /** Change percent, no `%`. */
  changePercent: DecimalString;
  /** Extended-hours price, when sent. */
  extendedHoursQuote: DecimalString | null;
  /** Extended-hours change, when sent. */
  extendedHoursChange: DecimalString | null;
  /** Extended-hours change percent, when sent. */
  extendedHoursChangePercent: DecimalString | null;
}

/** OVERVIEW: the typed fields the loader uses, plus every field as sent in `raw`. */
export interface CompanyOverview {
  /** `Symbol`. */
  symbol: string;
  /** `AssetType`, e.g. `Common Stock`. */
  assetType: string | null;
  /** `Name`. */
  name: string | null;
  /** `Description`. */
  description: string | null;
  /** `Exchange`, e.g. `NYSE`. */
  exchange: string | null;
  /** `Currency`, e.g. `USD`. */
  currency: string | null;
  /** `Country`. */
  country: string | null;
  /** `Sector`. */
  sector: string | null;
  /** `Industry`. */
  industry: string | null;
  /** Every key/value of the body (the schema drifts over time; see QUIRKS). Placeholders (`None`, `-`) become `null`. */
  raw: Record<string, string | null>;
}

/** One row of LISTING_STATUS (CSV). */
export interface ListingEntry {
  /** Symbol (may contain `-`, e.g. `BRK-B`). */
  symbol: string;
  /** Name (trimmed, HTML entities decoded; may be empty). */
  name: string;
  /** Exchange, e.g. `NYSE`, `NASDAQ`, `NYSE ARCA`. */
  exchange: string;
  /** `Stock` or `ETF`. */
  assetType: string;
  /** IPO date `YYYY-MM-DD`, or `null`. */
  ipoDate: string | null;
  /** Delisting date `YYYY-MM-DD`, or `null` (`"null"` in the body). */
  delistingDate: string | null;
  /** `Active` or `Delisted`. */
  status: 'Active' | 'Delisted';
}

/** One SYMBOL_SEARCH match. */
export interface SymbolMatch {
  /** Symbol, e.g. `TSCO.LON`. */
  symbol: string;
  /** Name. */
  name: string;
  /** `Equity`, `ETF`, `Mutual Fund`, … */
  type: string;
  /** Region, e.g. `United Kingdom`. */
  region: string;
  /** Local open `HH:MM`. */
  marketOpen: string;
  /** Local close `HH:MM`. */
  marketClose: string;
  /** UTC offset string as sent, e.g. `UTC+01`. */
  timezone: string;
  /** Currency, e.g. `GBX`. */
  currency: string;
  /** Match score 0..1 as a decimal string. */
  matchScore: DecimalString;
}

/** One market of MARKET_STATUS. */
export interface MarketStatusEntry {
  /** `Equity`, `Forex`, `Cryptocurrency`. */
  marketType: string;
  /** Region, e.g. `United States`. */
  region: string;
  /** Comma-separated exchanges as sent. */
  primaryExchanges: string;
  /** Local open `HH:MM`. */
  localOpen: string;
  /** Local close `HH:MM`. */
  localClose: string;
  /** `open` or `closed`. */
  currentStatus: string;
  /** Free-text notes. */
  notes: string;
}

/** One entry of INDEX_CATALOG. */
export interface IndexCatalogEntry {
  /** Index symbol, e.g. `SPX`. */
  symbol: string;
  /** Long name, e.g. `S&P 500`. */
  name: string;
}
