import { randomBytes } from 'node:crypto';
import type { BudgetScope } from '../alpha-vantage/budget-store';
import type {
  RateAcquireResult,
  RateTicket,
  RateWindow,
  SharedRateLimit,
} from '../alpha-vantage/shared-rate-limit';
import { toDb } from '../db/adapters';
import { DEFAULT_SCHEMA, quoteSchema } from '../db/identifier';
import { installSchema } from '../db/install';
import type { Db, DbHandle } from '../db/types';
import { ValidationError } from '../errors/validation-error';

// The port this implements, re-exported so the public entry lists the feature in one place.
export type {
  RateAcquireResult,
  RateTicket,
  RateWindow,
  SharedRateLimit,
} from '../alpha-vantage/shared-rate-limit';

/** How long a slot stays taken when its holder never releases it (crashed): 2 minutes. */
export const DEFAULT_IN_FLIGHT_TIMEOUT_MS = 120_000;

/** Options of {@link PostgresRateLimit}. */
export interface PostgresRateLimitOptions {
  /**
   * Schema holding the `api_rate_slots` table (created by `installSchema`). Use the same schema as
   * the `PostgresBudgetStore` of the key: one key, one budget.
   * @default 'stock_etl'
   * @example 'stock_etl_budget'
   */
  schema?: string;
  /**
   * Install (or upgrade) the schema with `installSchema` before the first use.
   * @default false
   */
  install?: boolean;
  /**
   * How long a slot taken by a request stays taken when its answer is never reported (the process
   * died mid-request); after that the slot serves again, one window later. Keep it above the
   * extractor's `timeoutMs`.
   * @default DEFAULT_IN_FLIGHT_TIMEOUT_MS (120000)
   */
  inFlightTimeoutMs?: number;
}

/**
 * A {@link SharedRateLimit} in PostgreSQL: the per-second and per-minute windows of one API key
 * at one service, shared by every process and machine that uses it. Each window of `limit`
 * requests is a ring of `limit` rows; one statement takes the longest-free slot of every window
 * (`FOR UPDATE SKIP LOCKED`, so takers never wait on each other) or none, and answers how long to
 * wait otherwise. A slot is free again one window after the request's answer arrived, so N
 * processes together never exceed the limit. Times are the database server's clock. Costs two
 * short statements per request (take, release).
 *
 * @example
 * ```ts
 * const extractor = new AlphaVantageExtractor({
 *   apiKey, plan: 'premium-300',
 *   budgetStore: new PostgresBudgetStore(pool),
 *   sharedRateLimit: new PostgresRateLimit(pool),
 * });
 * ```
 */
export class PostgresRateLimit implements SharedRateLimit {
  /** The schema the slots live in. */
  readonly schema: string;
  readonly #db: Db;
  readonly #table: string;
  readonly #install: boolean;
  readonly #holdMs: number;
  readonly #seeded = new Map<string, Promise<unknown>>();
  #installed: Promise<unknown> | undefined;

  /**
   * @param db - a `pg.Pool`, `pg.Client` or PGlite instance (or a wrapped `Db`)
   * @param options - schema, install on first use, in-flight timeout
   * @throws ValidationError for a bad schema name or timeout
   */
  constructor(db: DbHandle, options: PostgresRateLimitOptions = {}) {
    this.#db = toDb(db);
    this.schema = options.schema ?? DEFAULT_SCHEMA;
    this.#table = `${quoteSchema(this.schema, 'options.schema')}.api_rate_slots`;
    this.#install = options.install ?? false;
    this.#holdMs = options.inFlightTimeoutMs ?? DEFAULT_IN_FLIGHT_TIMEOUT_MS;
    if (!(Number.isInteger(this.#holdMs) && this.#holdMs > 0)) {
      throw new ValidationError('options.inFlightTimeoutMs must be a positive integer', {
        field: 'options.inFlightTimeoutMs',
      });
    }
  }

  /** {@inheritDoc SharedRateLimit.tryAcquire} */
  async tryAcquire(scope: BudgetScope, windows: readonly RateWindow[]): Promise<RateAcquireResult> {
    const ms = windows.map((w) => Math.round(w.windowMs));
    const limits = windows.map((w) => Math.max(1, Math.floor(w.limit)));
    await this.#seed(scope, ms, limits);
    const holder = (randomBytes(8).readBigUInt64BE() >> 9n).toString();
    const { rows } = await this.#db.query<{
      slots: [number, number][] | null;
      wait_ms: string;
      missing: boolean | null;
    }>(acquireSql(this.#table), [scope.keyHash, scope.origin, ms, limits, this.#holdMs, holder]);
    const row = rows[0];
    if (row?.slots && row.slots.length === windows.length) {
      const slots = row.slots.map(([windowMs, slot]) => ({ windowMs, slot }));
      return { acquired: true, ticket: { holder, slots } };
    }
    if (row?.missing) {
      this.#seeded.clear();
      return { acquired: false, waitMs: 1 };
    }
    return { acquired: false, waitMs: Math.max(1, Number(row?.wait_ms ?? 1)) };
  }

  /** {@inheritDoc SharedRateLimit.release} */
  async release(
    scope: BudgetScope,
    ticket: RateTicket,
    delivered: boolean,
    answeredMsAgo = 0,
  ): Promise<void> {
    if (ticket.slots.length === 0) return;
    await this.#db.query(
      `UPDATE ${this.#table} r
          SET free_at = CASE WHEN $6::boolean
                THEN (extract(epoch FROM clock_timestamp()) * 1000)::bigint - $7::bigint + r.window_ms
                ELSE 0 END,
              released = true, holder = 0
         FROM unnest($3::int[], $4::int[]) AS t(window_ms, slot)
        WHERE r.key_hash = $1 AND r.origin = $2 AND r.window_ms = t.window_ms
          AND r.slot = t.slot AND r.holder = $5::bigint AND NOT r.released`,
      [
        scope.keyHash,
        scope.origin,
        ticket.slots.map((s) => s.windowMs),
        ticket.slots.map((s) => s.slot),
        ticket.holder,
        delivered,
        Math.max(0, Math.round(answeredMsAgo)),
      ],
    );
  }

  /** Creates the slot rows of a scope's windows once per process (a no-op when they exist). */
  #seed(scope: BudgetScope, ms: number[], limits: number[]): Promise<unknown> {
    const id = `${scope.origin} ${scope.keyHash} ${ms.join(',')} ${limits.join(',')}`;
    let seeded = this.#seeded.get(id);
    if (!seeded) {
      seeded = (async () => {
        await this.#ready();
        const inserted = await this.#db.query(
          `INSERT INTO ${this.#table} (key_hash, origin, window_ms, slot)
           SELECT $1, $2, w.window_ms, s
             FROM unnest($3::int[], $4::int[]) AS w(window_ms, lim),
                  generate_series(0, w.lim - 1) AS s
           ON CONFLICT DO NOTHING`,
          [scope.keyHash, scope.origin, ms, limits],
        );
        // Fresh statistics after new rings, so a release finds its slot by the primary key and not
        // by scanning the ring through the free-time index (measured: 2.4 → 0.3 ms). Needs
        // ownership; optional. Not when the rings existed: every worker start would analyze.
        if (inserted.rowCount > 0) {
          await this.#db.query(`ANALYZE ${this.#table}`).catch(() => undefined);
        }
      })().catch((error) => {
        this.#seeded.delete(id); // try again next time
        throw error;
      });
      this.#seeded.set(id, seeded);
    }
    return seeded;
  }

  #ready(): Promise<unknown> | undefined {
    if (!this.#install) return undefined;
    this.#installed ??= installSchema(this.#db, { schema: this.schema }).catch((error) => {
      this.#installed = undefined;
      throw error;
    });
    return this.#installed;
  }
}

/**
 * Takes the longest-free slot of every window, all or none, in one statement; answers the slots
 * taken, else how long until every window may have one free (an in-flight slot counts as free
 * one window from now at the earliest, so this is a lower bound).
 */
function acquireSql(table: string): string {
  return `WITH clock AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now),
w AS (SELECT * FROM unnest($3::int[], $4::int[]) AS w(window_ms, lim)),
pick AS (
  SELECT p.window_ms, p.slot FROM w CROSS JOIN clock CROSS JOIN LATERAL (
    SELECT r.window_ms, r.slot FROM ${table} r
     WHERE r.key_hash = $1 AND r.origin = $2 AND r.window_ms = w.window_ms AND r.slot < w.lim
       AND r.free_at <= clock.now
     ORDER BY r.free_at LIMIT 1 FOR UPDATE SKIP LOCKED) p),
taken AS (
  UPDATE ${table} r SET free_at = clock.now + r.window_ms + $5, released = false, holder = $6::bigint
    FROM pick, clock
   WHERE (SELECT count(*) FROM pick) = cardinality($3::int[])
     AND r.key_hash = $1 AND r.origin = $2 AND r.window_ms = pick.window_ms AND r.slot = pick.slot
  RETURNING r.window_ms, r.slot)
SELECT slots, CASE WHEN slots IS NULL THEN (
    -- Only when nothing was taken: the soonest slot of each window (an in-flight slot frees one
    -- window after its answer, so never sooner than a window from now), the latest of those.
    SELECT max(least(
             (SELECT min(r.free_at) FROM ${table} r
               WHERE r.key_hash = $1 AND r.origin = $2 AND r.window_ms = w.window_ms
                 AND r.slot < w.lim),
             c.now + w.window_ms)) - c.now
      FROM w CROSS JOIN clock c GROUP BY c.now) END AS wait_ms,
  -- A window's ring is gone (the unlogged table was emptied by a database crash): create it again.
  CASE WHEN slots IS NULL THEN EXISTS (
    SELECT 1 FROM w WHERE NOT EXISTS (
      SELECT 1 FROM ${table} r WHERE r.key_hash = $1 AND r.origin = $2
         AND r.window_ms = w.window_ms AND r.slot = w.lim - 1)) END AS missing
  FROM (SELECT json_agg(json_build_array(window_ms, slot)) AS slots FROM taken) t`;
}
