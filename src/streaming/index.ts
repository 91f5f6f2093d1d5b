/**
 * Near-real-time quote polling into `stock_quotes`, aware of market hours.
 */
export { canonicalDecimal, quoteSignature } from './change-tracker';
export { MIN_INTERVAL_MS } from './options';
export {
  dailyLimitResume,
  MAX_SLEEP_SLICE_MS,
  type MarketClosedState,
  type MarketOpenState,
  type MarketState,
  marketState,
  nextCycleDelay,
  nextNewYorkMidnight,
  rateLimitBackoff,
} from './schedule';
export { StreamingService } from './streaming-service';
export {
  MAX_STREAM_SYMBOLS,
  type MarketClosedEvent,
  type MarketOpenEvent,
  type PauseEvent,
  type PollFinishEvent,
  type PollStartEvent,
  type StopEvent,
  type StopReason,
  type StreamingCallOptions,
  type StreamingErrorEvent,
  type StreamingEvents,
  type StreamingExtractor,
  type StreamingMode,
  type StreamingOptions,
  type StreamingStats,
  type StreamQuote,
  type SymbolDroppedEvent,
} from './types';
