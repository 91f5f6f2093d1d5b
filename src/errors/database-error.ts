import { driverSqlstate } from './sqlstate';
import { isStockEtlError, StockEtlError, type StockEtlErrorOptions } from './stock-etl-error';

/** Options of {@link DatabaseError}. */
export interface DatabaseErrorOptions extends StockEtlErrorOptions {
  /** The five-character PostgreSQL SQLSTATE, e.g. `57014`. */
  sqlstate: string;
  /**
   * Whether running the same work again right away can succeed.
   * @default true for a lost connection (`08xxx`, `57P01`–`57P03`, `57P05`, `25P03`), a
   *   serialization failure (`40001`) and a deadlock (`40P01`); false otherwise
   */
  retryable?: boolean;
}

/**
 * PostgreSQL (or PGlite) refused or lost a statement: a timeout, a lost connection, a constraint, a
 * deadlock. `sqlstate` is PostgreSQL's error code (the driver's `code`); for a connection that
 * broke without the server saying why (reset, closed socket) it is the `08xxx` code that describes
 * it. `retryable` says whether running the same work again right away can help: true for a lost
 * connection (when the handle can open a new one), a serialization failure (`40001`) and a deadlock
 * (`40P01`). The driver's own error is the `cause`.
 *
 * @example
 * ```ts
 * if (isDatabaseError(error) && error.sqlstate === '57014') console.error('statement timed out');
 * ```
 */
export class DatabaseError extends StockEtlError {
  /** PostgreSQL's five-character error code (SQLSTATE). */
  readonly sqlstate: string;
  /** Whether running the same work again right away can succeed. */
  readonly retryable: boolean;

  /**
   * @param message - what the server (or the driver) said
   * @param options - `sqlstate`, `retryable`, cause
   */
  constructor(message: string, options: DatabaseErrorOptions) {
    super('DATABASE', message, options);
    this.sqlstate = options.sqlstate;
    this.retryable = options.retryable ?? isTransientSqlstate(options.sqlstate);
  }
}

/**
 * SQLSTATEs after which the connection is gone: class 08 (connection exception), the server
 * shutting down or terminating the backend (`57P01`–`57P03`), and the idle timeouts that end the
 * session (`25P03`, `57P05`).
 */
export function isConnectionLostSqlstate(sqlstate: string): boolean {
  return (
    sqlstate.startsWith('08') ||
    sqlstate === '57P01' ||
    sqlstate === '57P02' ||
    sqlstate === '57P03' ||
    sqlstate === '57P05' ||
    sqlstate === '25P03'
  );
}

/**
 * True for SQLSTATEs where the same work can succeed when run again right away: a lost connection
 * (see {@link isConnectionLostSqlstate}), a serialization failure (`40001`) and a deadlock
 * (`40P01`). A statement or lock timeout is not: it would most likely time out again.
 */
export function isTransientSqlstate(sqlstate: string): boolean {
  return sqlstate === '40001' || sqlstate === '40P01' || isConnectionLostSqlstate(sqlstate);
}

/** The SQLSTATE of a database error, a driver error or a wrapped one; `undefined` when none. */
export function sqlstateOf(error: unknown): string | undefined {
  if (error instanceof DatabaseError) return error.sqlstate;
  if (error === null || typeof error !== 'object') return undefined;
  if ((error as { code?: unknown }).code === 'DATABASE') {
    const s = (error as { sqlstate?: unknown }).sqlstate;
    return typeof s === 'string' ? s : undefined; // a DatabaseError of another package copy
  }
  return driverSqlstate(error);
}

/**
 * Turns what a database driver threw into a {@link DatabaseError}: a pg or PGlite error with a
 * SQLSTATE, a socket error (`ECONNRESET`, `EPIPE`, `ECONNREFUSED`, …) or pg's "Connection
 * terminated" family. Returns `undefined` for anything else (a bug, an error thrown by the caller's
 * own callback), which callers rethrow unchanged. An existing `DatabaseError` is returned as is.
 *
 * @param canReconnect - false for a single connection (a `pg.Client`, PGlite): a lost connection
 *   is then not retryable, since the library cannot open another one
 * @internal
 */
export function toDatabaseError(error: unknown, canReconnect = true): DatabaseError | undefined {
  if (error instanceof DatabaseError) return error;
  if (!(error instanceof Error) || isStockEtlError(error)) return undefined;
  const sqlstate = driverSqlstate(error, true);
  if (!sqlstate) return undefined;
  const transient = isTransientSqlstate(sqlstate);
  const retryable = transient && (canReconnect || !isConnectionLostSqlstate(sqlstate));
  return new DatabaseError(`${error.message} (SQLSTATE ${sqlstate})`, {
    sqlstate,
    retryable,
    cause: error,
  });
}
