import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFromStream } from 'pg-copy-streams';
import { ValidationError } from '../errors/validation-error';
import type {
  Db,
  DbHandle,
  PgClientLike,
  PgliteLike,
  PgPoolClientLike,
  PgPoolLike,
  QueryResult,
} from './types';

const DB_BRAND = Symbol.for('stock-etl.db');

/**
 * Wraps what the user passed as `db` — a `pg.Pool`, `pg.Client`, `pg.PoolClient` or PGlite
 * instance — in the internal {@link Db} interface. An already wrapped `Db` is returned as is.
 * Throws {@link ValidationError} for anything else.
 */
export function toDb(handle: DbHandle): Db {
  if (handle === null || typeof handle !== 'object') {
    throw new ValidationError('db must be a pg.Pool, pg.Client or PGlite instance', {
      field: 'db',
    });
  }
  if ((handle as { [DB_BRAND]?: true })[DB_BRAND] || isDbShaped(handle)) return handle as Db;
  if (isPglite(handle)) return pgliteDb(handle, 0);
  if (isPgPool(handle)) return poolDb(handle);
  if (typeof (handle as PgClientLike).query === 'function') {
    return clientDb(handle as PgClientLike, 0);
  }
  throw new ValidationError('db must be a pg.Pool, pg.Client or PGlite instance', {
    field: 'db',
  });
}

/** Something that already implements {@link Db} (e.g. a wrapper a user built around one). */
function isDbShaped(handle: object): boolean {
  const h = handle as Partial<Db>;
  return (
    (h.driver === 'pg' || h.driver === 'pglite') &&
    typeof h.transaction === 'function' &&
    typeof h.copyFrom === 'function' &&
    typeof h.exec === 'function' &&
    typeof h.query === 'function'
  );
}

function isPglite(handle: object): handle is PgliteLike {
  const h = handle as Partial<PgliteLike> & { waitReady?: unknown; transaction?: unknown };
  return (
    typeof h.exec === 'function' &&
    typeof h.query === 'function' &&
    // PGlite has `waitReady`; a PGlite transaction object has `rollback` and `exec` but no `connect`.
    ('waitReady' in h || typeof (h as { rollback?: unknown }).rollback === 'function') &&
    typeof (h as { connect?: unknown }).connect !== 'function'
  );
}

/** True for a `pg.Pool` (a pool of connections, not one session). @internal */
export function isPgPool(handle: object): handle is PgPoolLike {
  return (
    typeof (handle as PgPoolLike).connect === 'function' &&
    typeof (handle as { totalCount?: unknown }).totalCount === 'number'
  );
}

function brand<T extends Db>(db: T): T {
  Object.defineProperty(db, DB_BRAND, { value: true });
  return db;
}

/** Nested transactions become savepoints; `depth` names them uniquely per connection. */
async function runInTransaction<T>(
  run: (sql: string) => Promise<unknown>,
  depth: number,
  inner: Db,
  fn: (tx: Db) => Promise<T>,
): Promise<T> {
  const sp = `stock_etl_sp_${depth}`;
  await run(depth === 0 ? 'BEGIN' : `SAVEPOINT ${sp}`);
  try {
    const result = await fn(inner);
    await run(depth === 0 ? 'COMMIT' : `RELEASE SAVEPOINT ${sp}`);
    return result;
  } catch (error) {
    try {
      await run(depth === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${sp}`);
    } catch {
      // The original error matters more than a failed rollback (e.g. a broken connection).
    }
    throw error;
  }
}

function pgResult<R>(result: { rows: unknown[]; rowCount: number | null }): QueryResult<R> {
  return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
}

/**
 * One queue per connection. A single connection runs one transaction at a time, and a statement
 * sent while another caller's transaction is open would run inside it; so every top-level
 * operation on a connection waits for the previous one. Statements of a transaction (`tx`) run
 * directly: the queue is already theirs.
 */
const connectionQueues = new WeakMap<object, { tail: Promise<unknown> }>();

function serialized<T>(connection: object, fn: () => Promise<T>): Promise<T> {
  let queue = connectionQueues.get(connection);
  if (!queue) {
    queue = { tail: Promise.resolve() };
    connectionQueues.set(connection, queue);
  }
  const run = queue.tail.then(fn, fn);
  queue.tail = run.catch(() => undefined);
  return run;
}

function clientDb(client: PgClientLike, depth: number): Db {
  // Top-level operations queue per connection; inside a transaction they run as they come.
  const turn = <T>(fn: () => Promise<T>): Promise<T> =>
    depth === 0 ? serialized(client, fn) : fn();
  const db: Db = brand({
    driver: 'pg' as const,
    query<R>(text: string, params?: readonly unknown[]) {
      return turn(async () =>
        pgResult<R>(await client.query(text, params as unknown[] | undefined)),
      );
    },
    exec(text: string) {
      return turn(async () => {
        await client.query(text);
      });
    },
    transaction<T>(fn: (tx: Db) => Promise<T>) {
      return turn(() =>
        runInTransaction((sql) => client.query(sql), depth, clientDb(client, depth + 1), fn),
      );
    },
    copyFrom(copySql: string, chunks: Iterable<string> | AsyncIterable<string>) {
      return turn(async () => {
        const stream = client.query(copyFromStream(copySql)) as NodeJS.WritableStream & {
          rowCount?: number;
        };
        await pipeline(Readable.from(chunks, { objectMode: false }), stream);
        return stream.rowCount ?? 0;
      });
    },
  });
  return db;
}

function poolDb(pool: PgPoolLike): Db {
  async function withClient<T>(fn: (client: PgPoolClientLike) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await fn(client);
    } catch (error) {
      // A failed COPY or a connection error can leave the client unusable; don't return it.
      if (error instanceof Error && /connection|terminat|COPY/i.test(error.message)) broken = error;
      throw error;
    } finally {
      client.release(broken);
    }
  }
  return brand({
    driver: 'pg' as const,
    async query<R>(text: string, params?: readonly unknown[]) {
      return pgResult<R>(await pool.query(text, params as unknown[] | undefined));
    },
    async exec(text: string) {
      await pool.query(text);
    },
    transaction<T>(fn: (tx: Db) => Promise<T>) {
      return withClient((client) => clientDb(client, 0).transaction(fn));
    },
    copyFrom(copySql: string, chunks: Iterable<string> | AsyncIterable<string>) {
      return withClient((client) => clientDb(client, 0).copyFrom(copySql, chunks));
    },
  });
}

function pgliteDb(pg: PgliteLike, depth: number): Db {
  return brand({
    driver: 'pglite' as const,
    async query<R>(text: string, params?: readonly unknown[]) {
      const result = await pg.query<R>(text, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(text: string) {
      await pg.exec(text);
    },
    transaction<T>(fn: (tx: Db) => Promise<T>) {
      const withTx = (pg as { transaction?: PgliteTransactionFn }).transaction;
      if (depth === 0 && typeof withTx === 'function') {
        // PGlite serialises work through its own transaction mutex; use it so concurrent
        // callers on one instance never interleave statements inside our transaction.
        return withTx.call(pg, (tx) => fn(pgliteDb(tx, 1))) as Promise<T>;
      }
      return runInTransaction((sql) => pg.exec(sql), depth, pgliteDb(pg, depth + 1), fn);
    },
    async copyFrom(copySql: string, chunks: Iterable<string> | AsyncIterable<string>) {
      // PGlite reads COPY data from a virtual file: collect the text into a Blob.
      const parts: string[] = [];
      for await (const chunk of chunks as AsyncIterable<string>) parts.push(chunk);
      const sql = copySql.replace(/\bFROM\s+STDIN\b/i, "FROM '/dev/blob'");
      const result = await pg.query(sql, [], { blob: new Blob(parts) });
      return result.affectedRows ?? 0;
    },
  });
}

type PgliteTransactionFn = (fn: (tx: PgliteLike) => Promise<unknown>) => Promise<unknown>;
