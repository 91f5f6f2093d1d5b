/**
 * Alpha Vantage extraction: the typed client, its options and events, budget stores, parsed
 * result types, and the input-validation and redaction helpers the pipeline reuses.
 */
export {
  type BudgetScope,
  type BudgetStore,
  type BudgetUsage,
  budgetDay,
  budgetResetAt,
  hashApiKey,
  type KnownRefusal,
  MemoryBudgetStore,
} from './budget-store';
export {
  classifyNotice,
  type Notice,
  type NoticeClass,
  type RateLimitKind,
} from './classify';
export type { CallOptions } from './client';
export type {
  DailyOptions,
  IndexDataOptions,
  IntradayOptions,
  ListingStatusOptions,
  OutputSize,
} from './endpoint-options';
export { DEFAULT_ENTITLEMENT_TTL_MS } from './entitlements';
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
export { FREE_ALTERNATIVES, type FreeAlternative } from './premium';
export type { BudgetSnapshot, RateBudget, RateLimits } from './rate-limiter';
export { MIN_SUBSTRING_SECRET_LENGTH, REDACTED, redact, redactText } from './redact';
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
