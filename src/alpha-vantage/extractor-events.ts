import type { RateBudget } from './rate-limiter';

/**
 * Events of `AlphaVantageExtractor` (`extractor.on(name, listener)`). No payload ever contains the
 * API key: URLs carry `apikey=***`.
 */
export type ExtractorEvents = {
  /** An HTTP attempt is about to be sent (after the rate limiter let it through). */
  'request:start': { endpoint: string; symbol: string | undefined; attempt: number; url: string };
  /** An HTTP attempt ended: `status` is 0 when no response arrived; `errorCode` when it failed. */
  'request:finish': {
    endpoint: string;
    symbol: string | undefined;
    attempt: number;
    status: number;
    durationMs: number;
    errorCode?: string;
  };
  /** A failed attempt will be retried after `delayMs`. */
  'request:retry': {
    endpoint: string;
    symbol: string | undefined;
    attempt: number;
    delayMs: number;
    errorCode: string;
  };
  /** A request waits for the rate limiter; `budget` says which limit. */
  'rate:wait': { endpoint: string; waitMs: number; budget: RateBudget };
  /** Alpha Vantage signalled a rate limit; the limiter slowed down to one request per `intervalMs`. */
  'rate:limited': { endpoint: string; intervalMs: number; requestsPerMinute: number };
};
