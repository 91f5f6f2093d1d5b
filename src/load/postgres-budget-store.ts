import type { BudgetStore, BudgetUsage } from '../alpha-vantage/budget-store';
import { toDb } from '../db/adapters';
import { DEFAULT_SCHEMA, quoteSchema } from '../db/identifier';
import type { Db, DbHandle } from '../db/types';

/** Options of {@link PostgresBudgetStore}. */
export interface PostgresBudgetStoreOptions {
  /**
   * Schema holding the `api_usage` table (created by `installSchema`).
   * @default 'stock_etl'
   */
  schema?: string;
}

/**
 * A {@link BudgetStore} in PostgreSQL (or PGlite): several processes sharing one API key share one
 * daily budget. Uses `<schema>.api_usage(key_hash, day, used, exhausted, updated_at)`; the take is
 * one atomic `INSERT … ON CONFLICT … DO UPDATE … WHERE used < limit`, so concurrent takers can never
 * spend more than the limit together. Only the SHA-256 of the key is stored.
 */
export class PostgresBudgetStore implements BudgetStore {
  readonly #db: Db;
  readonly #table: string;

  /**
   * @param db - a `pg.Pool`, `pg.Client` or PGlite instance (or a wrapped `Db`)
   * @param options - schema name
   * @throws ValidationError when the schema name is not a plain identifier
   */
  constructor(db: DbHandle, options: PostgresBudgetStoreOptions = {}) {
    this.#db = toDb(db);
    this.#table = `${quoteSchema(options.schema ?? DEFAULT_SCHEMA, 'options.schema')}.api_usage`;
  }

  /** {@inheritDoc BudgetStore.take} */
  async take(keyHash: string, day: string, limit: number | null): Promise<number | null> {
    const result = await this.#db.query<{ used: number }>(
      `INSERT INTO ${this.#table} AS u (key_hash, day, used)
       SELECT $1, $2::date, 1 WHERE $3::int IS NULL OR $3::int > 0
       ON CONFLICT (key_hash, day) DO UPDATE SET used = u.used + 1, updated_at = now()
         WHERE ($3::int IS NULL OR u.used < $3::int) AND NOT u.exhausted
       RETURNING u.used`,
      [keyHash, day, limit],
    );
    const row = result.rows[0];
    return row ? Number(row.used) : null;
  }

  /** {@inheritDoc BudgetStore.markExhausted} */
  async markExhausted(keyHash: string, day: string): Promise<void> {
    await this.#db.query(
      `INSERT INTO ${this.#table} AS u (key_hash, day, exhausted) VALUES ($1, $2::date, true)
       ON CONFLICT (key_hash, day) DO UPDATE SET exhausted = true, updated_at = now()`,
      [keyHash, day],
    );
  }

  /** {@inheritDoc BudgetStore.usage} */
  async usage(keyHash: string, day: string): Promise<BudgetUsage> {
    const result = await this.#db.query<{ used: number; exhausted: boolean }>(
      `SELECT used, exhausted FROM ${this.#table} WHERE key_hash = $1 AND day = $2::date`,
      [keyHash, day],
    );
    const row = result.rows[0];
    return row
      ? { used: Number(row.used), exhausted: row.exhausted === true }
      : { used: 0, exhausted: false };
  }
}
