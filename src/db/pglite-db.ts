import { throwIfAborted } from '../errors/aborted-error';
import { toDatabaseError } from '../errors/database-error';
import { abortedOr, brand, runInTransaction, transactionSettings } from './transaction';
import type { Db, PgliteLike, TransactionOptions } from './types';

type PgliteTransactionFn = (fn: (tx: PgliteLike) => Promise<unknown>) => Promise<unknown>;

/** PGlite's errors as {@link DatabaseError}s (one connection: a lost one cannot be replaced). */
async function call<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (error) {
    throw toDatabaseError(error, false) ?? error;
  }
}

/**
 * Wraps a PGlite instance (or one of its transactions, `depth` > 0). PGlite runs in this process:
 * there is no other session to wait for and no statement to cancel, so an abort is honoured
 * between statements and before COMMIT.
 * @internal
 */
export function pgliteDb(pg: PgliteLike, depth: number): Db {
  return brand({
    driver: 'pglite' as const,
    query<R>(text: string, params?: readonly unknown[]) {
      return call(async () => {
        const result = await pg.query<R>(text, params as unknown[] | undefined);
        return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
      });
    },
    exec(text: string) {
      return call(async () => {
        await pg.exec(text);
      });
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>, options: TransactionOptions = {}) {
      const withTx = (pg as { transaction?: PgliteTransactionFn }).transaction;
      if (depth === 0 && typeof withTx === 'function') {
        const { signal } = options;
        throwIfAborted(signal, 'database work');
        // PGlite serialises work through its own transaction mutex; use it so concurrent
        // callers on one instance never interleave statements inside our transaction.
        try {
          return (await call(() =>
            withTx.call(pg, async (tx) => {
              const settings = transactionSettings(options);
              if (settings.length > 0) await tx.exec(settings.join('; '));
              const result = await fn(pgliteDb(tx, 1));
              throwIfAborted(signal, 'database work'); // throwing here rolls back
              return result;
            }),
          )) as T;
        } catch (error) {
          throw abortedOr(error, signal);
        }
      }
      return runInTransaction(
        (sql) => call(() => pg.exec(sql)),
        depth,
        pgliteDb(pg, depth + 1),
        fn,
        depth === 0 ? options : {},
      );
    },
    copyFrom(copySql: string, chunks: Iterable<string> | AsyncIterable<string>) {
      return call(async () => {
        // PGlite reads COPY data from a virtual file: collect the text into a Blob.
        const parts: string[] = [];
        for await (const chunk of chunks as AsyncIterable<string>) parts.push(chunk);
        const sql = copySql.replace(/\bFROM\s+STDIN\b/i, "FROM '/dev/blob'");
        const result = await pg.query(sql, [], { blob: new Blob(parts) });
        return result.affectedRows ?? 0;
      });
    },
  });
}
