/**
 * Canonical rows: what the transformer produces and the loader writes, one type per table.
 * Prices are decimal strings and volumes digit strings, exactly as validated, so nothing is lost
 * on the way to `numeric` / `bigint`.
 */
import type { DecimalString, IntradayInterval } from '../alpha-vantage/types';

/** A row of `stock_prices` (daily). */
export interface DailyPriceRow {
  /** Symbol. */
  symbol: string;
  /** Trading day `YYYY-MM-DD`. */
  tradeDate: string;
  /** Open. */
  open: DecimalString;
  /** High. */
  high: DecimalString;
  /** Low. */
  low: DecimalString;
  /** Close (raw, as traded). */
  close: DecimalString;
  /** Volume. */
  volume: string;
  /** Adjusted close; `null` when the source (unadjusted DAILY) gave none. */
  adjustedClose: DecimalString | null;
  /** Dividend on the day; `null` when the source gave none. */
  dividendAmount: DecimalString | null;
  /** Split coefficient; `null` when the source gave none. */
  splitCoefficient: DecimalString | null;
}

/** A row of `stock_prices_weekly` / `stock_prices_monthly`. */
export interface PeriodPriceRow {
  /** Symbol. */
  symbol: string;
  /** Monday of the week, or the 1st of the month (`YYYY-MM-DD`): the key, stable while the period is open. */
  periodStart: string;
  /** The date Alpha Vantage keyed the bar by: the last trading day seen in the period. */
  lastTradeDate: string;
  /** Open. */
  open: DecimalString;
  /** High. */
  high: DecimalString;
  /** Low. */
  low: DecimalString;
  /** Close. */
  close: DecimalString;
  /** Volume. */
  volume: string;
  /** Adjusted close (adjusted series only, else `null`). */
  adjustedClose: DecimalString | null;
  /** Dividend in the period (adjusted series only, else `null`). */
  dividendAmount: DecimalString | null;
}

/** A row of `stock_prices_intraday`. */
export interface IntradayPriceRow {
  /** Symbol. */
  symbol: string;
  /** Bar length. */
  interval: IntradayInterval;
  /** The bar's instant in UTC, ISO 8601 (`2024-03-11T13:30:00.000Z`). */
  ts: string;
  /** Open. */
  open: DecimalString;
  /** High. */
  high: DecimalString;
  /** Low. */
  low: DecimalString;
  /** Close. */
  close: DecimalString;
  /** Volume. */
  volume: string;
}

/** A row of `stock_quotes`. */
export interface QuoteRow {
  /** Symbol. */
  symbol: string;
  /** When the quote was observed (UTC, ISO 8601). */
  observedAt: string;
  /** Trading day the quote belongs to, `YYYY-MM-DD`. */
  latestTradingDay: string;
  /** Latest price. */
  price: DecimalString;
  /** Open. */
  open: DecimalString | null;
  /** High. */
  high: DecimalString | null;
  /** Low. */
  low: DecimalString | null;
  /** Volume. */
  volume: string | null;
  /** Previous close. */
  previousClose: DecimalString | null;
  /** Change. */
  change: DecimalString | null;
  /** Change percent (no `%`). */
  changePercent: DecimalString | null;
}

/** A row of `stocks` (master data). */
export interface StockRow {
  /** Symbol. */
  symbol: string;
  /** Company or fund name. */
  name: string | null;
  /** Exchange. */
  exchange: string | null;
  /** Asset type (`Common Stock`, `Stock`, `ETF`, …). */
  assetType: string | null;
  /** Currency. */
  currency: string | null;
  /** Sector. */
  sector: string | null;
  /** Industry. */
  industry: string | null;
  /** Country. */
  country: string | null;
  /** IPO date, when known. */
  ipoDate: string | null;
  /** Delisting date, when delisted. */
  delistingDate: string | null;
  /** `false` once delisted (soft delete). */
  isActive: boolean;
  /** The full OVERVIEW body, when the row came from OVERVIEW. */
  overview: Record<string, string | null> | null;
}

/** A row of `market_index_prices`. */
export interface IndexPriceRow {
  /** Index symbol, e.g. `SPX`. */
  symbol: string;
  /** Trading day `YYYY-MM-DD`. */
  tradeDate: string;
  /** Open level. */
  open: DecimalString;
  /** High level. */
  high: DecimalString;
  /** Low level. */
  low: DecimalString;
  /** Close level. */
  close: DecimalString;
  /** Volume, when the index has one. */
  volume: string | null;
}

/** A source row that failed validation, bound for the quarantine table. */
export interface RejectedRow {
  /** The dataset being loaded, e.g. `daily` or `intraday:5min`. */
  dataset: string;
  /** Symbol. */
  symbol: string;
  /** The row's source key (date or wall-clock time), when it had one. */
  sourceKey: string | null;
  /** Why it was rejected, e.g. `low 12.5 > open 12.0`. */
  reason: string;
  /** The raw values as received. */
  raw: unknown;
}

/** What a transform returns: the rows to load and the rows rejected. */
export interface TransformResult<R> {
  /** Valid rows, deduplicated, ready to load. */
  rows: R[];
  /** Rejected rows (quarantined or skipped, per the policy). */
  rejects: RejectedRow[];
  /**
   * Oddities that rejected nothing but deserve a log line, e.g. the server echoing another symbol
   * than the one requested. Absent when there were none.
   */
  warnings?: string[];
}
