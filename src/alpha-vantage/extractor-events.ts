import type { PremiumParameter } from '../errors/api-errors';
import type { RateBudget } from './rate-limiter';

/**
 * Events of `AlphaVantageExtractor` (`extractor.on(name, listener)`). No payload ever contains the
 * API key: URLs carry `apikey=***`.
 */
export type ExtractorEvents = {
  /** An HTTP attempt is about to be sent (after the rate limiter let it through). */
  'request:start': {
    /** The Alpha Vantage endpoint (`function` parameter). */
    endpoint: string;
    /** The requested symbol, if the endpoint takes one. */
    symbol: string | undefined;
    /** The attempt number, starting at 1. */
    attempt: number;
    /** The request URL, with the API key redacted. */
    url: string;
  };
  /** An HTTP attempt ended: `status` is 0 when no response arrived; `errorCode` when it failed. */
  'request:finish': {
    /** The Alpha Vantage endpoint (`function` parameter). */
    endpoint: string;
    /** The requested symbol, if the endpoint takes one. */
    symbol: string | undefined;
    /** The attempt number, starting at 1. */
    attempt: number;
    /** The HTTP status, or 0 when no response arrived. */
    status: number;
    /** How long the attempt took, in milliseconds. */
    durationMs: number;
    /** The error code when the attempt failed (a stock-etl code, or `UNKNOWN`). */
    errorCode?: string;
  };
  /** A failed attempt will be retried after `delayMs`. */
  'request:retry': {
    /** The Alpha Vantage endpoint (`function` parameter). */
    endpoint: string;
    /** The requested symbol, if the endpoint takes one. */
    symbol: string | undefined;
    /** The number of the attempt that failed. */
    attempt: number;
    /** Milliseconds to wait before the next attempt. */
    delayMs: number;
    /** The stock-etl error code of the failed attempt. */
    errorCode: string;
  };
  /** A request waits for the rate limiter; `budget` says which limit. */
  'rate:wait': {
    /** The Alpha Vantage endpoint (`function` parameter). */
    endpoint: string;
    /** How long the request will wait, in milliseconds. */
    waitMs: number;
    /** Which rate limit makes it wait. */
    budget: RateBudget;
  };
  /**
   * Alpha Vantage refused a request as premium for this key (`remembered: false`, one request
   * spent), or a request was not sent because such a refusal is remembered (`remembered: true`).
   */
  'premium:refused': {
    /** The Alpha Vantage endpoint (`function` parameter). */
    endpoint: string;
    /** The requested symbol, if the endpoint takes one. */
    symbol: string | undefined;
    /** `endpoint` when the endpoint is premium, `parameter` when one parameter value is. */
    scope: 'endpoint' | 'parameter';
    /** The refused parameter value, when `scope` is `parameter`. */
    parameter: PremiumParameter | undefined;
    /** True when no request was sent (the refusal was remembered). */
    remembered: boolean;
  };
  /** Alpha Vantage signalled a rate limit; the limiter slowed down to one request per `intervalMs`. */
  'rate:limited': {
    /** The Alpha Vantage endpoint that was rate-limited. */
    endpoint: string;
    /** The adaptive minimum spacing between requests, in milliseconds. */
    intervalMs: number;
    /** The same spacing expressed as requests per minute. */
    requestsPerMinute: number;
  };
};
