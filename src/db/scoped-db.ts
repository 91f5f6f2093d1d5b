import { throwIfAborted } from '../errors/aborted-error';
import { ValidationError } from '../errors/validation-error';
import { brand } from './transaction';
import type { Db, TransactionOptions } from './types';

/**
 * Default longest run of one statement the library sends (`statement_timeout`): 2 minutes. The
 * largest statement of a job — merging a month of 1-minute bars — takes well under a second on a
 * healthy server, so a statement still running after two minutes is stuck, not slow.
 */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 120_000;

/**
 * Default longest wait for a lock another session holds (`lock_timeout`): 30 seconds. The library
 * only takes row locks on its own tables; a longer wait means something else (a migration, a
 * `VACUUM FULL`, a forgotten transaction) holds the table.
 */
export const DEFAULT_LOCK_TIMEOUT_MS = 30_000;

/** PostgreSQL's largest value for a millisecond setting. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * Validates a timeout option: a whole number of milliseconds, `0` for no limit.
 * @internal
 */
export function resolveTimeout(value: unknown, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 0 ||
    value > MAX_TIMEOUT_MS
  ) {
    throw new ValidationError(
      `${field} must be a whole number of milliseconds from 0 (no limit) to ${MAX_TIMEOUT_MS}, got ${String(value)}`,
      { field },
    );
  }
  return value;
}

/**
 * A {@link Db} whose every operation runs under `scope`: inside a transaction that sets the
 * timeouts with `SET LOCAL` (a single statement becomes a transaction of its own, so it is bound
 * too) and that the signal cancels. Scopes nest: an inner scope's settings win.
 * @internal
 */
export function scopeDb(db: Db, scope: TransactionOptions): Db {
  const settings = Object.fromEntries(
    Object.entries(scope).filter(([, v]) => v !== undefined),
  ) as TransactionOptions;
  if (Object.keys(settings).length === 0) return db;
  const merged = (options?: TransactionOptions): TransactionOptions => {
    const signals = [settings.signal, options?.signal].filter((s): s is AbortSignal => !!s);
    // AbortSignal.any arrived in Node 20.3; before it, the inner (per-call) signal wins.
    const signal =
      signals.length > 1 && typeof AbortSignal.any === 'function'
        ? AbortSignal.any(signals)
        : signals.at(-1);
    return { ...settings, ...options, ...(signal ? { signal } : {}) };
  };
  const inTransaction = <T>(fn: (tx: Db) => Promise<T>): Promise<T> => {
    throwIfAborted(settings.signal, 'database work');
    return db.transaction(fn, merged());
  };
  return brand({
    driver: db.driver,
    query: <R>(text: string, params?: readonly unknown[]) =>
      inTransaction((tx) => tx.query<R>(text, params)),
    exec: (text: string) => inTransaction((tx) => tx.exec(text)),
    transaction: <T>(fn: (tx: Db) => Promise<T>, options?: TransactionOptions) =>
      db.transaction(fn, merged(options)),
    copyFrom: (copySql: string, chunks: Iterable<string> | AsyncIterable<string>) =>
      inTransaction((tx) => tx.copyFrom(copySql, chunks)),
  });
}
