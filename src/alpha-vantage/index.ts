/**
 * Alpha Vantage extraction: the typed client, its options and events, budget stores, parsed
 * result types, and the input-validation and redaction helpers the pipeline reuses.
 */
export {
  type BudgetStore,
  type BudgetUsage,
  budgetDay,
  budgetResetAt,
  hashApiKey,
  MemoryBudgetStore,
} from './budget-store';
export type { CallOptions } from './client';
export type {
  DailyOptions,
  IndexDataOptions,
  IntradayOptions,
  ListingStatusOptions,
  OutputSize,
} from './endpoint-options';
export { AlphaVantageExtractor, BULK_QUOTES_MAX_SYMBOLS } from './extractor';
export type { ExtractorEvents } from './extractor-events';
export {
  type AlphaVantageExtractorOptions,
  type AlphaVantagePlan,
  PLANS,
  planLimits,
  type RateLimitOptions,
  type RetryOptions,
} from './options';
export type { MalformedRowsMode } from './parse/series';
export type { BudgetSnapshot, RateBudget, RateLimits } from './rate-limiter';
export { REDACTED, redact, redactText } from './redact';
export * from './types';
export {
  FIRST_INTRADAY_MONTH,
  MAX_KEYWORDS_LENGTH,
  MAX_SYMBOL_LENGTH,
  normalizeSymbol,
  validateDate,
  validateKeywords,
  validateMonth,
  validateSymbol,
} from './validate';
