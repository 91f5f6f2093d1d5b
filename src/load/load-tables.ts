import type { Db } from '../db/types';
import type {
  DailyPriceRow,
  IndexPriceRow,
  IntradayPriceRow,
  PeriodPriceRow,
  QuoteRow,
  StockRow,
} from '../transform/rows';

/**
 * The tables `Loader.load` writes, each with the row type it takes (what the `Transformer` method
 * of the same data produces).
 */
export interface LoadTables {
  /** Daily bars (`Transformer.daily`). */
  stock_prices: DailyPriceRow;
  /** Weekly bars keyed by the week's Monday (`Transformer.weekly`). */
  stock_prices_weekly: PeriodPriceRow;
  /** Monthly bars keyed by the month's 1st (`Transformer.monthly`). */
  stock_prices_monthly: PeriodPriceRow;
  /** Intraday bars (`Transformer.intraday`). */
  stock_prices_intraday: IntradayPriceRow;
  /** Quote snapshots (`Transformer.quote`, `Transformer.bulkQuotes`). */
  stock_quotes: QuoteRow;
  /** Index levels (`Transformer.index`); the index is registered in `market_indices`. */
  market_index_prices: IndexPriceRow;
  /** Master data (`Transformer.overview`, `Transformer.listing`). */
  stocks: StockRow;
}

/** A table name `Loader.load` accepts. */
export type LoadTable = keyof LoadTables;

/** Per-call options of `Loader.load`. */
export interface TableLoadOptions {
  /** Run inside this transaction (from `db.transaction`) instead of a new one. */
  tx?: Db;
  /**
   * `stock_prices`, `stock_prices_weekly`, `stock_prices_monthly`: whether the rows come from an
   * adjusted series. An adjusted load overwrites the adjusted columns of existing rows; an
   * unadjusted one keeps what an adjusted load stored there.
   * @default true when every row carries an adjusted close, else false
   */
  adjusted?: boolean;
  /**
   * `stock_quotes`: a quote equal to the latest stored one of its symbol (every value but the
   * observation time) is not stored again and counts as `unchanged`.
   * @default false
   */
  skipUnchanged?: boolean;
}
