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

/** The key's plan does not include the endpoint (not retried). */
export class PremiumEndpointError extends ApiError {
  /**
   * @param message - message
   * @param options - endpoint, symbol, cause
   */
  constructor(message: string, options?: ApiErrorOptions) {
    super('PREMIUM_ENDPOINT', message, options);
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
