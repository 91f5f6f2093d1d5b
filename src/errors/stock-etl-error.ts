import { driverSqlstate } from './sqlstate';

/** Every error code stock-etl throws. Stable: safe to switch on. */
export type StockEtlErrorCode =
  | 'RATE_LIMITED'
  | 'DAILY_LIMIT'
  | 'PREMIUM_ENDPOINT'
  | 'INVALID_API_KEY'
  | 'INVALID_REQUEST'
  | 'UPSTREAM'
  | 'BAD_RESPONSE'
  | 'VALIDATION'
  | 'SCHEMA'
  | 'ABORTED'
  | 'REJECTED_ROWS'
  | 'DATABASE'
  | 'STEP'
  | 'SOURCE_FILE';

/** Options accepted by every stock-etl error constructor. */
export interface StockEtlErrorOptions {
  /** The underlying error, kept for debugging (already redacted of secrets). */
  cause?: unknown;
}

/** The plain JSON form of a stock-etl error, as returned by {@link StockEtlError.toJSON}. */
export interface StockEtlErrorJSON {
  /** The error class name, e.g. `RateLimitError`. */
  name: string;
  /** The stable machine-readable error code. */
  code: StockEtlErrorCode;
  /** The human-readable message (never contains the API key). */
  message: string;
}

/**
 * Base class of every error stock-etl throws. Carries a stable string `code`.
 *
 * Use the `is*Error` guards (which compare `code`) instead of `instanceof` when two copies of the
 * package may be loaded (e.g. ESM and CommonJS in one process).
 */
export class StockEtlError extends Error {
  /** Machine-readable error code. */
  readonly code: StockEtlErrorCode;

  /**
   * @param code - the stable error code
   * @param message - a human-readable message that never contains the API key
   * @param options - `cause`
   */
  constructor(code: StockEtlErrorCode, message: string, options?: StockEtlErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }

  /** A plain JSON form (name, code, message) for logs and job records. */
  toJSON(): StockEtlErrorJSON {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** True when `error` is any stock-etl error (works across duplicate copies of the package). */
export function isStockEtlError(error: unknown): error is StockEtlError {
  return (
    error instanceof StockEtlError ||
    (error instanceof Error &&
      typeof (error as { code?: unknown }).code === 'string' &&
      ERROR_CODES.has((error as unknown as { code: string }).code))
  );
}

/**
 * The code to report for anything thrown: a stock-etl `code`; `DATABASE` for a database driver
 * error that reached here unwrapped (a SQLSTATE `code`, as pg and PGlite set, or pg's "Connection
 * terminated" family), like the `DatabaseError` the adapters throw; else `INTERNAL`.
 * @internal
 */
export function errorCodeOf(error: unknown): string {
  if (isStockEtlError(error)) return error.code;
  return driverSqlstate(error) === undefined ? 'INTERNAL' : 'DATABASE';
}

/** Every {@link StockEtlErrorCode}, for the guard above and the tests. @internal */
export const ERROR_CODES: ReadonlySet<string> = new Set<StockEtlErrorCode>([
  'RATE_LIMITED',
  'DAILY_LIMIT',
  'PREMIUM_ENDPOINT',
  'INVALID_API_KEY',
  'INVALID_REQUEST',
  'UPSTREAM',
  'BAD_RESPONSE',
  'VALIDATION',
  'SCHEMA',
  'ABORTED',
  'REJECTED_ROWS',
  'DATABASE',
  'STEP',
  'SOURCE_FILE',
]);
