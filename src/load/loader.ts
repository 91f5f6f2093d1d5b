import { toDb } from '../db/adapters';
import { DEFAULT_SCHEMA, quoteSchema } from '../db/identifier';
import type { Db, DbHandle } from '../db/types';
import { ValidationError } from '../errors/validation-error';
import type {
  DailyPriceRow,
  IndexPriceRow,
  IntradayPriceRow,
  PeriodPriceRow,
  QuoteRow,
  RejectedRow,
  StockRow,
} from '../transform/rows';
import { resolveUpsertOptions, type UpsertOptions } from './load-options';
import type { LoadTable, LoadTables, TableLoadOptions } from './load-tables';
import { quarantineRows } from './progress';
import { unchangedQuotes } from './quotes';
import { deactivateStocks, upsertStocks } from './stocks';
import { dailySpec, indexPriceSpec, intradaySpec, periodSpec, quoteSpec } from './tables';
import { type LoadCounts, upsertRows } from './upsert';

/** Options of {@link Loader}: the database, the schema, and the load tuning ({@link UpsertOptions}). */
export interface LoaderOptions extends UpsertOptions {
  /** A `pg.Pool`, `pg.Client` or PGlite instance. */
  db: DbHandle;
  /**
   * Schema holding the stock-etl tables.
   * @default 'stock_etl'
   */
  schema?: string;
}

/** Per-call options of the `load*` methods. */
export interface LoadCallOptions {
  /** Run inside this transaction (from `db.transaction`) instead of a new one. */
  tx?: Db;
}

/** How `load` reaches each table's method (a subclass overriding one of them is called too). */
const BY_TABLE: {
  [T in LoadTable]: (
    loader: Loader,
    rows: readonly LoadTables[T][],
    options: TableLoadOptions,
  ) => Promise<LoadCounts>;
} = {
  stock_prices: (l, rows, o) => l.loadDaily(rows, { ...o, adjusted: adjustedOf(rows, o) }),
  stock_prices_weekly: (l, rows, o) =>
    l.loadPeriod('weekly', rows, { ...o, adjusted: adjustedOf(rows, o) }),
  stock_prices_monthly: (l, rows, o) =>
    l.loadPeriod('monthly', rows, { ...o, adjusted: adjustedOf(rows, o) }),
  stock_prices_intraday: (l, rows, o) => l.loadIntraday(rows, o),
  stock_quotes: (l, rows, o) => l.loadQuotes(rows, o),
  market_index_prices: (l, rows, o) => l.loadIndexPrices(rows, o),
  stocks: (l, rows, o) => l.loadStocks(rows, o),
};

/** `options.adjusted`, else whether every row carries an adjusted close. */
function adjustedOf(
  rows: readonly { adjustedClose: string | null }[],
  options: TableLoadOptions,
): boolean {
  if (options.adjusted !== undefined) return options.adjusted;
  if (rows.length === 0) return false;
  for (const row of rows) if (row.adjustedClose === null) return false;
  return true;
}

/**
 * The load stage: writes canonical rows (from the {@link Transformer}) into the stock-etl tables
 * with raw-SQL batch upserts. Every call is one transaction (or a savepoint of the `tx` passed):
 * all rows or none. Re-loading unchanged rows rewrites nothing and reports them as `unchanged`;
 * counts are exact. Needs no `Pipeline`.
 *
 * Subclass it to write somewhere else too (your own table, in the same transaction via
 * `options.tx`) and pass it to `new Pipeline({ loader })`: the pipeline writes every job's rows
 * through {@link Loader.load}, which calls the per-table method (`loadDaily`, …), so overriding
 * either sees the pipeline's rows.
 *
 * @example
 * ```ts
 * const loader = new Loader({ db: pool });
 * const { inserted, updated, unchanged } = await loader.load('stock_prices', rows);
 * ```
 */
export class Loader {
  /** The wrapped database. */
  readonly db: Db;
  /** Schema name. */
  readonly schema: string;
  readonly #q: string;
  readonly #upsert: UpsertOptions;

  /** @param options - database, schema and tuning */
  constructor(options: LoaderOptions) {
    this.db = toDb(options.db);
    this.schema = options.schema ?? DEFAULT_SCHEMA;
    this.#q = quoteSchema(this.schema);
    this.#upsert = resolveUpsertOptions(options, 'options');
  }

  /**
   * Writes `rows` into `table` — the one entry for every table, typed per table (see
   * {@link LoadTables}) — and returns exact counts. Calls the table's own method (`loadDaily`,
   * `loadPeriod`, `loadIntraday`, `loadQuotes`, `loadIndexPrices`, `loadStocks`).
   * @throws {@link ValidationError} for a table it does not load
   */
  load<T extends LoadTable>(
    table: T,
    rows: readonly LoadTables[T][],
    options: TableLoadOptions = {},
  ): Promise<LoadCounts> {
    const write = Object.hasOwn(BY_TABLE, table) ? BY_TABLE[table] : undefined;
    if (!write) {
      return Promise.reject(
        new ValidationError(
          `Loader.load: unknown table ${JSON.stringify(table)}; use one of ${Object.keys(BY_TABLE).join(', ')}`,
          { field: 'table' },
        ),
      );
    }
    if (!Array.isArray(rows)) {
      return Promise.reject(
        new ValidationError('Loader.load: rows must be an array', { field: 'rows' }),
      );
    }
    return write(this, rows, options);
  }

  /** Daily bars into `stock_prices`. An unadjusted load (`adjusted: false`) keeps adjusted columns. */
  loadDaily(
    rows: readonly DailyPriceRow[],
    options: LoadCallOptions & { adjusted: boolean },
  ): Promise<LoadCounts> {
    return upsertRows(
      options.tx ?? this.db,
      this.#q,
      dailySpec(options.adjusted),
      rows,
      this.#upsert,
    );
  }

  /** Weekly or monthly bars, keyed by `period_start`. */
  loadPeriod(
    period: 'weekly' | 'monthly',
    rows: readonly PeriodPriceRow[],
    options: LoadCallOptions & { adjusted: boolean },
  ): Promise<LoadCounts> {
    return upsertRows(
      options.tx ?? this.db,
      this.#q,
      periodSpec(period, options.adjusted),
      rows,
      this.#upsert,
    );
  }

  /** Intraday bars into `stock_prices_intraday`. */
  loadIntraday(
    rows: readonly IntradayPriceRow[],
    options: LoadCallOptions = {},
  ): Promise<LoadCounts> {
    return upsertRows(options.tx ?? this.db, this.#q, intradaySpec, rows, this.#upsert);
  }

  /**
   * Quote snapshots into `stock_quotes`. With `skipUnchanged`, a quote equal to the latest stored
   * one of its symbol (all values but the observation time) is not stored again and counts as
   * `unchanged` — so polling or re-running an unchanged quote adds nothing.
   */
  async loadQuotes(
    rows: readonly QuoteRow[],
    options: LoadCallOptions & { skipUnchanged?: boolean } = {},
  ): Promise<LoadCounts> {
    const db = options.tx ?? this.db;
    if (!options.skipUnchanged) return upsertRows(db, this.#q, quoteSpec, rows, this.#upsert);
    const same = await unchangedQuotes(db, this.#q, rows);
    const fresh = rows.filter((_, i) => !same.has(i));
    const counts = await upsertRows(db, this.#q, quoteSpec, fresh, this.#upsert);
    return { ...counts, unchanged: counts.unchanged + same.size };
  }

  /** Daily index levels into `market_index_prices` (the index is registered in `market_indices`). */
  async loadIndexPrices(
    rows: readonly IndexPriceRow[],
    options: LoadCallOptions = {},
  ): Promise<LoadCounts> {
    const run = async (tx: Db) => {
      await this.upsertIndices(
        [...new Set(rows.map((r) => r.symbol))].map((symbol) => ({ symbol, name: null })),
        { tx },
      );
      return upsertRows(tx, this.#q, indexPriceSpec, rows, this.#upsert);
    };
    return options.tx ? run(options.tx) : this.db.transaction(run);
  }

  /** Registers indices in `market_indices`; a known name is never erased by a null one. */
  async upsertIndices(
    entries: readonly { symbol: string; name: string | null }[],
    options: LoadCallOptions = {},
  ): Promise<number> {
    if (entries.length === 0) return 0;
    const { rowCount } = await (options.tx ?? this.db).query(
      `INSERT INTO ${this.#q}.market_indices AS t (symbol, name)
       SELECT DISTINCT ON (symbol) symbol, name FROM unnest($1::text[], $2::text[]) AS s(symbol, name)
       ON CONFLICT (symbol) DO UPDATE SET name = COALESCE(EXCLUDED.name, t.name), updated_at = now()
       WHERE EXCLUDED.name IS NOT NULL AND EXCLUDED.name IS DISTINCT FROM t.name`,
      [entries.map((e) => e.symbol), entries.map((e) => e.name)],
    );
    return rowCount;
  }

  /** Master data into `stocks`; rows with `isActive: false` soft-delete their symbol. */
  loadStocks(rows: readonly StockRow[], options: LoadCallOptions = {}): Promise<LoadCounts> {
    return upsertStocks(options.tx ?? this.db, this.#q, rows);
  }

  /** Soft-deletes symbols (`is_active = false`); returns how many were active. */
  deactivateStocks(symbols: readonly string[], options: LoadCallOptions = {}): Promise<number> {
    return deactivateStocks(options.tx ?? this.db, this.#q, symbols);
  }

  /** Stores rejected rows in the quarantine table `etl_rejected_rows`. */
  quarantine(
    rejects: readonly RejectedRow[],
    options: LoadCallOptions & { jobId?: number | null } = {},
  ): Promise<number> {
    return quarantineRows(options.tx ?? this.db, this.#q, options.jobId ?? null, rejects);
  }
}
