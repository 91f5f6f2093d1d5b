import { StockEtlError, type StockEtlErrorOptions } from './stock-etl-error';

/** Options for errors that come from an Alpha Vantage call. */
export interface ApiErrorOptions extends StockEtlErrorOptions {
  /** The Alpha Vantage `function` that was called, e.g. `TIME_SERIES_DAILY`. */
  endpoint?: string;
  /** The symbol of the call, when there was one. */
  symbol?: string;
}

/** Base of the errors raised for one Alpha Vantage call; carries the endpoint and symbol. */
export abstract class ApiError extends StockEtlError {
  /** The Alpha Vantage `function` of the failed call, when known. */
  readonly endpoint: string | undefined;
  /** The symbol of the failed call, when there was one. */
  readonly symbol: string | undefined;

  /**
   * @param code - the error code
   * @param message - message (never containing the API key)
   * @param options - endpoint, symbol and cause
   */
  constructor(
    code: ConstructorParameters<typeof StockEtlError>[0],
    message: string,
    options?: ApiErrorOptions,
  ) {
    super(code, message, options);
    this.endpoint = options?.endpoint;
    this.symbol = options?.symbol;
  }
}

/** Options of {@link RateLimitError}. */
export interface RateLimitErrorOptions extends ApiErrorOptions {
  /** How long to wait before trying again, when known. */
  retryAfterMs?: number;
}

/** The per-second / per-minute / burst limit was signalled by Alpha Vantage (retryable). */
export class RateLimitError extends ApiError {
  /** Suggested wait before the next attempt, when known. */
  readonly retryAfterMs: number | undefined;
  /**
   * @param message - message
   * @param options - endpoint, symbol, cause, retryAfterMs
   */
  constructor(message: string, options?: RateLimitErrorOptions) {
    super('RATE_LIMITED', message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** The key's daily quota is spent; nothing more is spent until the quota resets (not retried). */
export class DailyLimitError extends ApiError {
  /** When the budget is expected to reset, when known. */
  readonly resetsAt: Date | undefined;
  /**
   * @param message - message
   * @param options - endpoint, symbol, cause and `resetsAt`
   */
  constructor(message: string, options?: ApiErrorOptions & { resetsAt?: Date }) {
    super('DAILY_LIMIT', message, options);
    this.resetsAt = options?.resetsAt;
  }
}

/** A request parameter value Alpha Vantage refused as premium, e.g. `outputsize=full`. */
export interface PremiumParameter {
  /** Parameter name, e.g. `outputsize`. */
  name: string;
  /** The refused value, e.g. `full`. */
  value: string;
}

/** Options of {@link PremiumEndpointError}. */
export interface PremiumEndpointErrorOptions extends ApiErrorOptions {
  /** Set when only a parameter value was refused (the endpoint itself is free). */
  parameter?: PremiumParameter;
  /** A free endpoint that serves the same data, when there is one (e.g. `TIME_SERIES_DAILY`). */
  alternative?: string;
  /** True when no request was sent: the refusal was remembered from an earlier answer. */
  remembered?: boolean;
}

/**
 * The key's plan does not include what was asked (not retried). `scope` tells which: the whole
 * `endpoint` (e.g. TIME_SERIES_DAILY_ADJUSTED on a free key), or one `parameter` value (e.g.
 * `outputsize=full` on TIME_SERIES_DAILY, where `compact` still works).
 */
export class PremiumEndpointError extends ApiError {
  /** `endpoint` when the endpoint is premium; `parameter` when one parameter value is. */
  readonly scope: 'endpoint' | 'parameter';
  /** The refused parameter value, when `scope` is `parameter`. */
  readonly parameter: PremiumParameter | undefined;
  /** A free endpoint serving the same data, when there is one. */
  readonly alternative: string | undefined;
  /** True when no request was sent because the refusal was remembered. */
  readonly remembered: boolean;
  /**
   * @param message - message
   * @param options - endpoint, symbol, cause, the refused parameter, the free alternative
   */
  constructor(message: string, options?: PremiumEndpointErrorOptions) {
    super('PREMIUM_ENDPOINT', message, options);
    this.parameter = options?.parameter;
    this.scope = options?.parameter ? 'parameter' : 'endpoint';
    this.alternative = options?.alternative;
    this.remembered = options?.remembered ?? false;
  }
}

/** The API key is missing or was rejected (not retried). */
export class InvalidApiKeyError extends ApiError {
  /**
   * @param message - message
   * @param options - endpoint, symbol, cause
   */
  constructor(message: string, options?: ApiErrorOptions) {
    super('INVALID_API_KEY', message, options);
  }
}

/** Alpha Vantage answered `Invalid API call`: unknown symbol or bad parameter (not retried). */
export class InvalidRequestError extends ApiError {
  /**
   * @param message - message
   * @param options - endpoint, symbol, cause
   */
  constructor(message: string, options?: ApiErrorOptions) {
    super('INVALID_REQUEST', message, options);
  }
}

/** Options of {@link UpstreamError}. */
export interface UpstreamErrorOptions extends ApiErrorOptions {
  /** HTTP status, when the failure was an HTTP status. */
  status?: number;
  /** Attempts made before giving up. */
  attempts?: number;
}

/** Network failure, timeout or HTTP 5xx that persisted after the retries. */
export class UpstreamError extends ApiError {
  /** HTTP status of the last attempt, when there was one. */
  readonly status: number | undefined;
  /** How many attempts were made. */
  readonly attempts: number | undefined;
  /**
   * @param message - message
   * @param options - endpoint, symbol, cause, status, attempts
   */
  constructor(message: string, options?: UpstreamErrorOptions) {
    super('UPSTREAM', message, options);
    this.status = options?.status;
    this.attempts = options?.attempts;
  }
}

/** A body that is not the expected shape: truncated, HTML, wrong types, missing keys. */
export class ResponseFormatError extends ApiError {
  /** valibot issues (or other detail) describing what was wrong, when available. */
  readonly issues: readonly unknown[] | undefined;
  /**
   * @param message - message naming the endpoint and what was wrong
   * @param options - endpoint, symbol, cause and valibot `issues`
   */
  constructor(message: string, options?: ApiErrorOptions & { issues?: readonly unknown[] }) {
    super('BAD_RESPONSE', message, options);
    this.issues = options?.issues;
  }
}

/** A notice (`Information` / `Note` body) as Alpha Vantage sent it, with the API key redacted. */
export interface AlphaVantageNotice {
  /** The body key it came under, e.g. `Information`. */
  key: string;
  /** Its text, API key redacted. */
  text: string;
}

/**
 * Alpha Vantage answered with a notice instead of data, in a wording stock-etl does not know:
 * not a known rate limit, quota, premium, key or invalid-call text. It was retried once (it may
 * be a new rate-limit wording) and then given up, rather than spending the budget on a guess.
 * The message quotes the notice (redacted); `notice` carries it.
 */
export class UnrecognizedNoticeError extends ResponseFormatError {
  /** The notice as received (API key redacted). */
  readonly notice: AlphaVantageNotice;
  /**
   * @param message - message quoting the notice
   * @param options - endpoint, symbol, cause and the `notice`
   */
  constructor(message: string, options: ApiErrorOptions & { notice: AlphaVantageNotice }) {
    super(message, options);
    this.notice = options.notice;
  }
}
