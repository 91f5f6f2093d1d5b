/**
 * How one canonical row type maps onto its table. The upsert code is generic over this, so every
 * table loads through the same two code paths (unnest and COPY) instead of one SQL string each.
 */

/** PostgreSQL type of a column, as used in casts (`$1::numeric[]`). */
export type ColumnType =
  | 'text'
  | 'date'
  | 'numeric'
  | 'bigint'
  | 'timestamptz'
  | 'boolean'
  | 'jsonb';

/** One column: its name, SQL type and how to read it from a row (as text, or null). */
export interface ColumnSpec<R> {
  /** Column name. */
  name: string;
  /** SQL type. */
  type: ColumnType;
  /** Reads the value from a row, as text (or null). */
  get: (row: R) => string | null;
}

/** A table's load definition. */
export interface TableSpec<R> {
  /** Table name inside the stock-etl schema. */
  table: string;
  /** Columns written on insert, in order. */
  columns: readonly ColumnSpec<R>[];
  /** Conflict key (the primary key). */
  key: readonly string[];
  /**
   * Columns overwritten when the key already exists. Only a row whose values differ in one of
   * them (`IS DISTINCT FROM`) is rewritten, so re-loading unchanged data writes nothing.
   */
  update: readonly string[];
  /** Set `updated_at = now()` on insert and on a real update. */
  touchUpdatedAt: boolean;
  /**
   * The key as "equal columns + one ordered column" (e.g. symbol, interval + ts). Lets a large load
   * prove with one index probe that none of its keys exist yet and COPY straight into the table.
   */
  range?: {
    /** The key columns that must be equal (e.g. symbol, interval). */
    within: readonly string[];
    /** The ordered key column (e.g. ts). */
    column: string;
  };
}
