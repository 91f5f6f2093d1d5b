/**
 * The database as stock-etl sees it: a tiny structural interface with adapters for `pg.Pool`,
 * `pg.Client` / `PoolClient` and PGlite. Users never implement it; they pass their own object and
 * {@link toDb} wraps it.
 */

/** Result of one statement. */
export interface QueryResult<R> {
  /** Rows returned (empty for statements without RETURNING). */
  rows: R[];
  /** Rows affected or returned. */
  rowCount: number;
}

/**
 * Settings of one transaction opened by {@link Db.transaction}. They apply to a top-level
 * transaction; a nested call (a savepoint) runs under the settings of the transaction around it.
 */
export interface TransactionOptions {
  /**
   * `SET LOCAL statement_timeout`: the longest one statement may run, in milliseconds; `0` turns
   * the limit off. Omitted: the session's own setting applies.
   */
  statementTimeoutMs?: number;
  /**
   * `SET LOCAL lock_timeout`: the longest a statement waits for a lock another session holds, in
   * milliseconds; `0` turns the limit off. Omitted: the session's own setting applies.
   */
  lockTimeoutMs?: number;
  /**
   * Abort: the statement in flight is cancelled (on a PostgreSQL server, with a protocol cancel
   * request on a separate socket, so no pool slot is needed), and the transaction never commits
   * once the signal has fired — it rolls back and throws `AbortedError`.
   */
  signal?: AbortSignal;
}

/** The internal database interface. */
export interface Db {
  /** Which driver is behind it. */
  readonly driver: 'pg' | 'pglite';
  /** Runs one parameterised statement (`$1`, `$2`, …). */
  query<R = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>>;
  /** Runs one or more statements without parameters (simple protocol). */
  exec(text: string): Promise<void>;
  /**
   * Runs `fn` in a transaction: COMMIT when it resolves, ROLLBACK when it throws. Nested calls use
   * a SAVEPOINT. `options` (timeouts, abort) apply to a top-level transaction.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Streams text-format COPY data (`COPY … FROM STDIN`) and resolves to the number of rows copied.
   * `chunks` are pieces of COPY text (tab-separated columns, newline-terminated rows).
   */
  copyFrom(copySql: string, chunks: Iterable<string> | AsyncIterable<string>): Promise<number>;
}

/** Minimal structural type of a `pg.Client` / `pg.PoolClient`. */
export interface PgClientLike {
  /** `client.query(text, values)`. */
  query(
    text: string,
    values?: unknown[],
  ): Promise<{
    /** Rows returned. */
    rows: unknown[];
    /** Rows affected or returned; `null` for statements that report no count. */
    rowCount: number | null;
  }>;
  /** `client.query(copyStream)`, used for COPY. */
  query(stream: unknown): unknown;
}

/** Minimal structural type of a `pg.PoolClient` (a client checked out of a pool). */
export interface PgPoolClientLike extends PgClientLike {
  /** Returns the client to its pool. */
  release(error?: Error | boolean): void;
}

/** Minimal structural type of a `pg.Pool`. */
export interface PgPoolLike {
  /** Checks out a client. */
  connect(): Promise<PgPoolClientLike>;
  /** Runs a statement on any client. */
  query(
    text: string,
    values?: unknown[],
  ): Promise<{
    /** Rows returned. */
    rows: unknown[];
    /** Rows affected or returned; `null` for statements that report no count. */
    rowCount: number | null;
  }>;
  /** Pool size counter (present on `pg.Pool`; used to tell a pool from a client). */
  readonly totalCount: number;
}

/** Minimal structural type of a PGlite instance or PGlite transaction. */
export interface PgliteLike {
  /** Parameterised statement. */
  query<R>(
    text: string,
    params?: unknown[],
    options?: { blob?: Blob },
  ): Promise<{
    /** Rows returned. */
    rows: R[];
    /** Rows affected by INSERT, UPDATE or DELETE. */
    affectedRows?: number;
  }>;
  /** Multi-statement text. */
  exec(text: string): Promise<unknown>;
}

/**
 * Anything accepted where the contract says `db`: a `pg.Pool`, a `pg.Client`, a `pg.PoolClient`, a
 * PGlite instance — or an already wrapped {@link Db}.
 */
export type DbHandle = PgPoolLike | PgClientLike | PgliteLike | Db;
