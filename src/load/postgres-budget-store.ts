import type {
  BudgetScope,
  BudgetStore,
  BudgetUsage,
  KnownRefusal,
} from '../alpha-vantage/budget-store';
import { toDb } from '../db/adapters';
import { DEFAULT_SCHEMA, quoteSchema } from '../db/identifier';
import { installSchema } from '../db/install';
import type { Db, DbHandle } from '../db/types';
import { deleteRefusals, selectRefusals, upsertRefusal } from './api-refusals';

/** Options of {@link PostgresBudgetStore}. */
export interface PostgresBudgetStoreOptions {
  /**
   * Schema holding the `api_usage` and `api_refusals` tables (created by `installSchema`). Keep
   * one budget schema for every data schema that uses the key: one key, one budget.
   * @default 'stock_etl'
   * @example 'stock_etl_budget'
   */
  schema?: string;
  /**
   * Install (or upgrade) the budget schema with `installSchema` before the first use, so a budget
   * schema other than the data schema needs no separate set-up.
   * @default false
   */
  install?: boolean;
}

/**
 * A {@link BudgetStore} in PostgreSQL (or PGlite): every process and every data schema using one
 * API key against one service shares one daily budget, one daily-limit mark and one memory of
 * premium refusals. The take is one atomic `INSERT … ON CONFLICT … DO UPDATE … WHERE used < limit`,
 * so concurrent takers can never spend more than the limit together. Only the SHA-256 of the key
 * is stored.
 */
export class PostgresBudgetStore implements BudgetStore {
  /** The schema the budget lives in. */
  readonly schema: string;
  readonly #db: Db;
  readonly #usage: string;
  readonly #refusals: string;
  readonly #install: boolean;
  #installed: Promise<unknown> | undefined;

  /**
   * @param db - a `pg.Pool`, `pg.Client` or PGlite instance (or a wrapped `Db`)
   * @param options - schema name, install on first use
   * @throws ValidationError when the schema name is not a plain identifier
   */
  constructor(db: DbHandle, options: PostgresBudgetStoreOptions = {}) {
    this.#db = toDb(db);
    this.schema = options.schema ?? DEFAULT_SCHEMA;
    const q = quoteSchema(this.schema, 'options.schema');
    this.#usage = `${q}.api_usage`;
    this.#refusals = `${q}.api_refusals`;
    this.#install = options.install ?? false;
  }

  /** {@inheritDoc BudgetStore.take} */
  async take(scope: BudgetScope, day: string, limit: number | null): Promise<number | null> {
    const result = await this.#query<{ used: number }>(
      `INSERT INTO ${this.#usage} AS u (key_hash, origin, day, used)
       SELECT $1, $2, $3::date, 1 WHERE $4::int IS NULL OR $4::int > 0
       ON CONFLICT (key_hash, origin, day) DO UPDATE SET used = u.used + 1, updated_at = now()
         WHERE ($4::int IS NULL OR u.used < $4::int) AND NOT u.exhausted
       RETURNING u.used`,
      [scope.keyHash, scope.origin, day, limit],
    );
    const row = result[0];
    return row ? Number(row.used) : null;
  }

  /** {@inheritDoc BudgetStore.refund} */
  async refund(scope: BudgetScope, day: string): Promise<void> {
    await this.#query(
      `UPDATE ${this.#usage} SET used = used - 1, updated_at = now()
        WHERE key_hash = $1 AND origin = $2 AND day = $3::date AND used > 0`,
      [scope.keyHash, scope.origin, day],
    );
  }

  /** {@inheritDoc BudgetStore.markExhausted} */
  async markExhausted(scope: BudgetScope, day: string): Promise<void> {
    await this.#query(
      `INSERT INTO ${this.#usage} AS u (key_hash, origin, day, exhausted)
       VALUES ($1, $2, $3::date, true)
       ON CONFLICT (key_hash, origin, day) DO UPDATE SET exhausted = true, updated_at = now()`,
      [scope.keyHash, scope.origin, day],
    );
  }

  /** {@inheritDoc BudgetStore.clearExhausted} */
  async clearExhausted(scope: BudgetScope, day: string): Promise<boolean> {
    const rows = await this.#query(
      `UPDATE ${this.#usage} SET exhausted = false, updated_at = now()
        WHERE key_hash = $1 AND origin = $2 AND day = $3::date AND exhausted
       RETURNING 1`,
      [scope.keyHash, scope.origin, day],
    );
    return rows.length > 0;
  }

  /** {@inheritDoc BudgetStore.usage} */
  async usage(scope: BudgetScope, day: string): Promise<BudgetUsage> {
    const rows = await this.#query<{ used: number; exhausted: boolean }>(
      `SELECT used, exhausted FROM ${this.#usage}
        WHERE key_hash = $1 AND origin = $2 AND day = $3::date`,
      [scope.keyHash, scope.origin, day],
    );
    const row = rows[0];
    return row
      ? { used: Number(row.used), exhausted: row.exhausted === true }
      : { used: 0, exhausted: false };
  }

  /** {@inheritDoc BudgetStore.recordRefusal} */
  async recordRefusal(scope: BudgetScope, refusal: KnownRefusal): Promise<void> {
    await this.#ready();
    await upsertRefusal(this.#db, this.#refusals, scope, refusal);
  }

  /** {@inheritDoc BudgetStore.refusals} */
  async refusals(scope: BudgetScope, since: Date): Promise<KnownRefusal[]> {
    await this.#ready();
    return selectRefusals(this.#db, this.#refusals, scope, since);
  }

  /** {@inheritDoc BudgetStore.forgetRefusals} */
  async forgetRefusals(scope: BudgetScope): Promise<number> {
    await this.#ready();
    return deleteRefusals(this.#db, this.#refusals, scope);
  }

  async #query<R>(sql: string, values: unknown[]): Promise<R[]> {
    await this.#ready();
    return (await this.#db.query<R>(sql, values)).rows;
  }

  #ready(): Promise<unknown> | undefined {
    if (!this.#install) return undefined;
    this.#installed ??= installSchema(this.#db, { schema: this.schema }).catch((error) => {
      this.#installed = undefined; // try again next time
      throw error;
    });
    return this.#installed;
  }
}
