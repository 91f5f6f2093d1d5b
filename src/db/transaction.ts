import { AbortedError, throwIfAborted } from '../errors/aborted-error';
import type { Db, TransactionOptions } from './types';

const DB_BRAND = Symbol.for('stock-etl.db');

/** Marks an object as an already wrapped {@link Db}. @internal */
export function brand<T extends Db>(db: T): T {
  Object.defineProperty(db, DB_BRAND, { value: true });
  return db;
}

/** True for an object made by {@link brand}. @internal */
export function isBranded(handle: object): boolean {
  return (handle as { [DB_BRAND]?: true })[DB_BRAND] === true;
}

/**
 * The `SET LOCAL` statements of `options`, for a transaction that just began. The values are
 * validated integers (see `resolveTimeout`), so they can be written into the SQL text.
 * @internal
 */
export function transactionSettings(options: TransactionOptions): string[] {
  const settings: string[] = [];
  if (options.statementTimeoutMs !== undefined) {
    settings.push(`SET LOCAL statement_timeout = ${Math.trunc(options.statementTimeoutMs)}`);
  }
  if (options.lockTimeoutMs !== undefined) {
    settings.push(`SET LOCAL lock_timeout = ${Math.trunc(options.lockTimeoutMs)}`);
  }
  return settings;
}

/**
 * What to throw when a transaction failed: an {@link AbortedError} when the caller's signal fired
 * (the statement was cancelled because of it, or the commit was refused), else the error itself.
 * @internal
 */
export function abortedOr(error: unknown, signal: AbortSignal | undefined): unknown {
  if (!signal?.aborted || (error as { code?: unknown })?.code === 'ABORTED') return error;
  return new AbortedError('The database work was aborted and rolled back', { cause: error });
}

/**
 * Runs `fn` between BEGIN and COMMIT (ROLLBACK when it throws); nested transactions become
 * savepoints, `depth` naming them uniquely per connection. A top-level BEGIN carries the `SET
 * LOCAL` settings of `options` in the same round trip. Once `options.signal` has fired the
 * transaction never commits: it rolls back and throws {@link AbortedError}.
 * @internal
 */
export async function runInTransaction<T>(
  run: (sql: string) => Promise<unknown>,
  depth: number,
  inner: Db,
  fn: (tx: Db) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const { signal } = options;
  throwIfAborted(signal, 'database work');
  const sp = `stock_etl_sp_${depth}`;
  await run(
    depth === 0 ? ['BEGIN', ...transactionSettings(options)].join('; ') : `SAVEPOINT ${sp}`,
  );
  try {
    const result = await fn(inner);
    // An abort that came while `fn` ran: roll back rather than commit work the caller gave up on.
    if (depth === 0) throwIfAborted(signal, 'database work');
    await run(depth === 0 ? 'COMMIT' : `RELEASE SAVEPOINT ${sp}`);
    return result;
  } catch (error) {
    try {
      await run(depth === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${sp}`);
    } catch {
      // The original error matters more than a failed rollback (e.g. a broken connection).
    }
    throw abortedOr(error, signal);
  }
}

/**
 * Calls `onAbort` when `signal` fires (at once if it already has); returns the unsubscribe.
 * @internal
 */
export function whenAborted(signal: AbortSignal | undefined, onAbort: () => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    onAbort();
    return () => {};
  }
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
