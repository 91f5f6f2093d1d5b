/**
 * The transformer: pure functions from extractor results to canonical rows, with validation and
 * reject (quarantine) records. No database, no network, no host time zone.
 */
export {
  DEFAULT_FUTURE_SKEW_MS,
  EARLIEST_DAILY_DATE,
  EARLIEST_INDEX_DATE,
  EARLIEST_INTRADAY_DATE,
  TRADING_DAY_CHECK_FROM,
  type TradingCalendar,
} from './bounds';
export {
  MAX_REASON_CHARS,
  MAX_SOURCE_KEY_CHARS,
  REJECT_POLICIES,
  type RejectPolicy,
  type TransformContext,
} from './context';
export { monthStart, weekStart } from './dates';
export { compareDecimals, isPlainDecimal } from './decimal';
export { type IntradayContext, transformIntraday } from './intraday';
export {
  type BulkQuoteContext,
  type QuoteContext,
  transformBulkQuotes,
  transformQuote,
} from './quotes';
export {
  type ListingContext,
  type OverviewContext,
  transformListing,
  transformOverview,
} from './reference';
export type {
  DailyPriceRow,
  IndexPriceRow,
  IntradayPriceRow,
  PeriodPriceRow,
  QuoteRow,
  RejectedRow,
  StockRow,
  TransformResult,
} from './rows';
export {
  type Period,
  transformDaily,
  transformIndex,
  transformMonthly,
  transformPeriod,
  transformWeekly,
} from './series';
export type {
  StepContext,
  StepKind,
  StepRows,
  TransformStep,
  TransformSteps,
} from './steps';
export {
  type BulkQuotesCall,
  type IntradayCall,
  type OverviewCall,
  type QuoteCall,
  type TransformCall,
  Transformer,
  type TransformerOptions,
} from './transformer';
export { type AdjustedValues, type BarValues, validateAdjusted, validateBar } from './validate';
export { parseEasternTimestamp } from './wall-clock';
