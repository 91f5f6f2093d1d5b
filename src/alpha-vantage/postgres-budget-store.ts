import type { Db } from '../db/types';
import { ValidationError } from '../errors/validation-error';
import type { BudgetStore, BudgetUsage } from './budget-store';

/** Options of {@link PostgresBudgetStore}. */
export interface PostgresBudgetStoreOptions {
  /**
   * Schema holding the `api_usage` table (created by `installSchema`).
   * @default 'stock_etl'
   */
  schema?: string;
}

const IDENTIFIER_RE = /^[a-z_][a-z0-9_]{0,62}$/;

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
   * @param db - a {@link Db} (wrap a pool/client/PGlite with the db module's `toDb`)
   * @param options - schema name
   * @throws ValidationError when the schema name is not a plain lower-case identifier
   */
  constructor(db: Db, options: PostgresBudgetStoreOptions = {}) {
    const schema = options.schema ?? 'stock_etl';
    if (!IDENTIFIER_RE.test(schema)) {
      throw new ValidationError(
        `schema must be a lower-case SQL identifier (letters, digits, _), got ${JSON.stringify(schema)}`,
        { field: 'options.schema' },
      );
    }
    this.#db = db;
    this.#table = `"${schema}".api_usage`;
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
