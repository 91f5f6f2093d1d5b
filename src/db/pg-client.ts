/** Adapters for pg: a single client (the host's `pg.Client` / `PoolClient`) and a `pg.Pool`. */
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFromStream } from 'pg-copy-streams';
import { throwIfAborted } from '../errors/aborted-error';
import { DatabaseError, toDatabaseError } from '../errors/database-error';
import {
  cancelStatement,
  connectionOf,
  driverCall,
  driverQuery,
  enqueue,
  inTransaction,
  type PgConnection,
  unwatch,
  watch,
  withinTransaction,
} from './pg-connection';
import { brand, runInTransaction, whenAborted } from './transaction';
import type { Db, PgClientLike, PgPoolClientLike, PgPoolLike, QueryResult } from './types';

function pgResult<R>(result: { rows: unknown[]; rowCount: number | null }): QueryResult<R> {
  return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
}

/**
 * Wraps a single client. `shared`: the host passed it and may use it too (see `pg-connection`).
 * @internal
 */
export function clientDb(client: PgClientLike, shared: boolean): Db {
  return connectionDb(connectionOf(client, shared), 0);
}

function connectionDb(conn: PgConnection, depth: number): Db {
  // Top-level operations queue per connection; inside a transaction they run as they come.
  const turn = <T>(fn: () => Promise<T>): Promise<T> => (depth === 0 ? enqueue(conn, fn) : fn());
  const run = (sql: string) => driverCall(conn, () => driverQuery(conn, sql) as Promise<unknown>);
  return brand({
    driver: 'pg' as const,
    query<R>(text: string, params?: readonly unknown[]) {
      return turn(() =>
        driverCall(conn, async () =>
          pgResult<R>(
            (await driverQuery(conn, text, params)) as { rows: unknown[]; rowCount: number | null },
          ),
        ),
      );
    },
    exec(text: string) {
      return turn(async () => {
        await run(text);
      });
    },
    transaction<T>(fn: (tx: Db) => Promise<T>, options: Parameters<Db['transaction']>[1] = {}) {
      const inner = connectionDb(conn, depth + 1);
      if (depth > 0) return runInTransaction(run, depth, inner, fn);
      return enqueue(conn, async () => {
        throwIfAborted(options.signal, 'database work');
        if (conn.shared && inTransaction(conn)) throw hostTransactionError();
        const stop = whenAborted(options.signal, () => cancelStatement(conn));
        try {
          const body = (tx: Db) => withinTransaction(conn, () => fn(tx));
          return await runInTransaction(run, 0, inner, body, options);
        } finally {
          stop();
          await leaveTransaction(conn, run);
        }
      });
    },
    copyFrom(copySql: string, chunks: Iterable<string> | AsyncIterable<string>) {
      return turn(() => driverCall(conn, () => copy(conn, copySql, chunks)));
    },
  });
}

async function copy(
  conn: PgConnection,
  copySql: string,
  chunks: Iterable<string> | AsyncIterable<string>,
): Promise<number> {
  const stream = driverQuery(conn, copyFromStream(copySql)) as Writable & { rowCount?: number };
  // `pipeline` reports the stream's errors; this listener keeps one that comes after it settled
  // (a connection dying under a destroyed COPY) from becoming an uncaught exception.
  stream.on('error', () => {});
  await pipeline(Readable.from(chunks, { objectMode: false }), stream);
  return stream.rowCount ?? 0;
}

/**
 * After a top-level transaction the connection must be outside any transaction. If the ROLLBACK
 * failed (a cancel request that arrived late), try once more; a connection still inside one is
 * marked broken so a pool never hands it out again.
 */
async function leaveTransaction(conn: PgConnection, run: (sql: string) => Promise<unknown>) {
  if (conn.lost || !inTransaction(conn)) return;
  try {
    await run('ROLLBACK');
  } catch {
    // judged below
  }
  if (inTransaction(conn)) conn.broken = true;
}

function hostTransactionError(): DatabaseError {
  return new DatabaseError(
    'The pg.Client passed as db is inside a transaction that stock-etl did not open: stock-etl will not run its work inside it (nor commit it). Finish that transaction first, or pass a pg.Pool.',
    { sqlstate: '25001', retryable: false },
  );
}

/**
 * Wraps a pool. Every operation checks out a client for its duration; a client whose connection
 * was lost (or that could not leave a transaction) is released with the error, so the pool
 * discards it and opens a new one for the next operation.
 * @internal
 */
export function poolDb(pool: PgPoolLike): Db {
  async function withClient<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    let client: PgPoolClientLike;
    try {
      client = await pool.connect();
    } catch (error) {
      throw toDatabaseError(error) ?? error;
    }
    const conn = connectionOf(client, false);
    watch(conn);
    try {
      return await fn(connectionDb(conn, 0));
    } finally {
      unwatch(conn);
      const broken = conn.broken ? new Error('connection left inside a transaction') : undefined;
      client.release(conn.lost ?? broken);
    }
  }
  return brand({
    driver: 'pg' as const,
    query<R>(text: string, params?: readonly unknown[]) {
      return withClient((db) => db.query<R>(text, params));
    },
    exec(text: string) {
      return withClient((db) => db.exec(text));
    },
    transaction<T>(fn: (tx: Db) => Promise<T>, options?: Parameters<Db['transaction']>[1]) {
      return withClient((db) => db.transaction(fn, options));
    },
    copyFrom(copySql: string, chunks: Iterable<string> | AsyncIterable<string>) {
      return withClient((db) => db.copyFrom(copySql, chunks));
    },
  });
}
