/** The result of one statement on an {@link EmbeddedDb}. */
export interface EmbeddedQueryResult<R = Record<string, unknown>> {
  /** Rows returned. */
  rows: R[];
  /** Rows affected by INSERT, UPDATE or DELETE. */
  affectedRows?: number;
  /** The result's columns. */
  fields: {
    /** Column name. */
    name: string;
    /** PostgreSQL type OID. */
    dataTypeID: number;
  }[];
}

/** The transaction handle {@link EmbeddedDb.transaction} passes to its callback. */
export interface EmbeddedTransaction {
  /** A parameterised statement inside the transaction. */
  query<R = Record<string, unknown>>(
    text: string,
    params?: unknown[],
  ): Promise<EmbeddedQueryResult<R>>;
  /** Multi-statement text inside the transaction. */
  exec(text: string): Promise<EmbeddedQueryResult[]>;
  /** Rolls the transaction back (the callback's promise still settles). */
  rollback(): Promise<void>;
  /** True once the transaction committed or rolled back. */
  readonly closed: boolean;
}

/**
 * The embedded database {@link createEmbeddedDb} opens: pass it anywhere a `db` is taken, query it
 * yourself, and `close()` it when done.
 *
 * It is a PGlite instance at run time. This type names only what stock-etl promises, so the
 * package's published types do not depend on PGlite's (which need `@types/emscripten` under
 * `skipLibCheck: false`). For the rest of PGlite's API (`listen`, `dumpDataDir`, extensions),
 * cast it: `db as unknown as PGlite` with `import type { PGlite } from '@electric-sql/pglite'`.
 */
export interface EmbeddedDb {
  /**
   * A parameterised statement (`$1`, `$2`, …).
   * @example const { rows } = await db.query<{ n: number }>('select count(*)::int as n from stock_etl.stocks')
   */
  query<R = Record<string, unknown>>(
    text: string,
    params?: unknown[],
    options?: { blob?: Blob },
  ): Promise<EmbeddedQueryResult<R>>;
  /** Multi-statement text, without parameters; one result per statement. */
  exec(text: string): Promise<EmbeddedQueryResult[]>;
  /** Runs `callback` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(callback: (tx: EmbeddedTransaction) => Promise<T>): Promise<T>;
  /** Closes the database and releases the data folder's lock (see {@link EmbeddedDbOptions.dataDir}). */
  close(): Promise<void>;
  /** True once {@link EmbeddedDb.close} has run. */
  readonly closed: boolean;
}
