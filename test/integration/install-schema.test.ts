import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { toDb } from '../../src/db/adapters';
import { getInstallSql, installSchema, SCHEMA_VERSION } from '../../src/db/install';
import { MIGRATIONS } from '../../src/db/migrations.generated';
import { isSchemaError, isValidationError } from '../../src/errors';
import { describeEachDb, uniqueSchema } from '../helpers/db';

/** Every shipped migration id: a fresh install applies them all. */
const ALL = MIGRATIONS.map((m) => m.id);

/** Every table and column the public contract (CONTRACT.md) promises. */
const CONTRACT: Record<string, string[]> = {
  stocks: [
    'symbol',
    'name',
    'exchange',
    'asset_type',
    'currency',
    'sector',
    'industry',
    'is_active',
    'created_at',
    'updated_at',
  ],
  stock_prices: [
    'symbol',
    'trade_date',
    'open',
    'high',
    'low',
    'close',
    'volume',
    'adjusted_close',
    'dividend_amount',
    'split_coefficient',
  ],
  stock_prices_weekly: [
    'symbol',
    'period_start',
    'last_trade_date',
    'open',
    'high',
    'low',
    'close',
    'volume',
    'adjusted_close',
    'dividend_amount',
  ],
  stock_prices_monthly: [
    'symbol',
    'period_start',
    'last_trade_date',
    'open',
    'high',
    'low',
    'close',
    'volume',
    'adjusted_close',
    'dividend_amount',
  ],
  stock_prices_intraday: ['symbol', 'interval', 'ts', 'open', 'high', 'low', 'close', 'volume'],
  stock_quotes: [
    'symbol',
    'observed_at',
    'latest_trading_day',
    'price',
    'open',
    'high',
    'low',
    'volume',
    'previous_close',
    'change',
    'change_percent',
  ],
  etl_job_logs: [
    'id',
    'dataset',
    'symbol',
    'status',
    'started_at',
    'finished_at',
    'rows_extracted',
    'rows_inserted',
    'rows_updated',
    'rows_unchanged',
    'rows_rejected',
    'api_calls',
    'error_code',
    'error_message',
  ],
  market_indices: ['symbol'],
  market_index_prices: ['symbol', 'trade_date', 'open', 'high', 'low', 'close', 'volume'],
};
const KEYS: Record<string, string[]> = {
  stocks: ['symbol'],
  stock_prices: ['symbol', 'trade_date'],
  stock_prices_weekly: ['symbol', 'period_start'],
  stock_prices_monthly: ['symbol', 'period_start'],
  stock_prices_intraday: ['symbol', 'interval', 'ts'],
  stock_quotes: ['symbol', 'observed_at'],
  etl_job_logs: ['id'],
  market_indices: ['symbol'],
  market_index_prices: ['symbol', 'trade_date'],
};

describeEachDb(
  'installSchema',
  (ctx) => {
    it('creates every contract table and column with the contract types and keys', async () => {
      const result = await installSchema(ctx.handle, { schema: ctx.schema });
      expect(result).toEqual({ schema: ctx.schema, applied: ALL, current: SCHEMA_VERSION });
      const { rows } = await ctx.db.query<{
        table_name: string;
        column_name: string;
        data_type: string;
      }>(
        `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = $1`,
        [ctx.schema],
      );
      const columns = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r.data_type]));
      for (const [table, cols] of Object.entries(CONTRACT)) {
        for (const col of cols)
          expect(columns.has(`${table}.${col}`), `${table}.${col}`).toBe(true);
      }
      for (const table of [
        'stock_prices',
        'stock_prices_intraday',
        'stock_prices_weekly',
        'stock_quotes',
        'market_index_prices',
      ]) {
        expect(columns.get(`${table}.close`) ?? columns.get(`${table}.price`)).toBe('numeric');
        expect(columns.get(`${table}.volume`)).toBe('bigint');
      }
      expect(columns.get('stock_prices_intraday.ts')).toBe('timestamp with time zone');
      expect(columns.get('stock_prices.trade_date')).toBe('date');
      const keys = await ctx.db.query<{ table_name: string; cols: string[] | string }>(
        `SELECT tc.table_name, array_agg(kcu.column_name::text ORDER BY kcu.ordinal_position) AS cols
           FROM information_schema.table_constraints tc
           JOIN information_schema.key_column_usage kcu
             ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
          WHERE tc.table_schema = $1 AND tc.constraint_type = 'PRIMARY KEY'
          GROUP BY tc.table_name`,
        [ctx.schema],
      );
      const pk = new Map(keys.rows.map((r) => [r.table_name, r.cols]));
      for (const [table, cols] of Object.entries(KEYS)) expect(pk.get(table), table).toEqual(cols);
    });

    it('is a no-op the second time', async () => {
      const first = await installSchema(ctx.handle, { schema: ctx.schema });
      const second = await installSchema(ctx.handle, { schema: ctx.schema });
      expect(first.applied).toEqual(ALL);
      expect(second).toEqual({ schema: ctx.schema, applied: [], current: SCHEMA_VERSION });
      const { rows } = await ctx.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${ctx.q}.schema_migrations`,
      );
      expect(rows[0]?.n).toBe(SCHEMA_VERSION);
    });

    it('refuses a database whose applied migration was edited', async () => {
      await installSchema(ctx.handle, { schema: ctx.schema });
      await ctx.db.exec(`UPDATE ${ctx.q}.schema_migrations SET checksum = 'deadbeef' WHERE id = 1`);
      const error = await installSchema(ctx.handle, { schema: ctx.schema }).catch((e) => e);
      expect(isSchemaError(error)).toBe(true);
      expect(error.reason).toBe('checksum-mismatch');
      expect(error.message).toMatch(/edited/);
    });

    it('refuses a database that is ahead on a breaking migration, tolerates a non-breaking one', async () => {
      await installSchema(ctx.handle, { schema: ctx.schema });
      const next = SCHEMA_VERSION + 1;
      await ctx.db.query(
        `INSERT INTO ${ctx.q}.schema_migrations (id, name, checksum, breaking) VALUES ($1, 'future', 'x', false)`,
        [next],
      );
      const tolerated = await installSchema(ctx.handle, { schema: ctx.schema });
      expect(tolerated.applied).toEqual([]);
      expect(tolerated.current).toBe(next);
      await ctx.db.query(
        `INSERT INTO ${ctx.q}.schema_migrations (id, name, checksum, breaking) VALUES ($1, 'future_breaking', 'y', true)`,
        [next + 1],
      );
      const error = await installSchema(ctx.handle, { schema: ctx.schema }).catch((e) => e);
      expect(isSchemaError(error)).toBe(true);
      expect(error.reason).toBe('database-ahead');
      expect(error.message).toMatch(/Upgrade stock-etl/);
    });

    it('rejects a hostile schema name before touching the database', async () => {
      for (const bad of ['x"; drop table y; --', '', 'a b', '1abc', 'x'.repeat(64), 'sch-ema']) {
        const error = await installSchema(ctx.handle, { schema: bad }).catch((e) => e);
        expect(isValidationError(error), bad).toBe(true);
      }
      const { rows } = await ctx.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_namespace WHERE nspname LIKE 'x"%'`,
      );
      expect(rows[0]?.n).toBe(0);
    });

    it('keeps two schemas side by side independent', async () => {
      const other = uniqueSchema('side_by_side');
      try {
        await installSchema(ctx.handle, { schema: ctx.schema });
        await installSchema(ctx.handle, { schema: other });
        await ctx.db.query(
          `INSERT INTO ${ctx.q}.stocks (symbol, name) VALUES ('IBM', 'International Business Machines')`,
        );
        const mine = await ctx.db.query(`SELECT symbol FROM ${ctx.q}.stocks`);
        const theirs = await ctx.db.query(`SELECT symbol FROM "${other}".stocks`);
        expect(mine.rows).toHaveLength(1);
        expect(theirs.rows).toHaveLength(0);
        await ctx.db.exec(`UPDATE "${other}".schema_migrations SET checksum = 'z' WHERE id = 1`);
        expect((await installSchema(ctx.handle, { schema: ctx.schema })).applied).toEqual([]);
      } finally {
        await ctx.db.exec(`DROP SCHEMA IF EXISTS "${other}" CASCADE`);
      }
    });

    it('honours an aborted signal and commits nothing', async () => {
      const controller = new AbortController();
      controller.abort();
      const error = await installSchema(ctx.handle, {
        schema: ctx.schema,
        signal: controller.signal,
      }).catch((e) => e);
      expect(error.code).toBe('ABORTED');
      const { rows } = await ctx.db.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [
        ctx.schema,
      ]);
      expect(rows).toHaveLength(0);
    });

    it('getInstallSql produces a schema that installSchema then sees as current', async () => {
      await ctx.db.exec(getInstallSql({ schema: ctx.schema }));
      const result = await installSchema(ctx.handle, { schema: ctx.schema });
      expect(result).toEqual({ schema: ctx.schema, applied: [], current: SCHEMA_VERSION });
      expect(() => getInstallSql({ schema: 'x"; drop' })).toThrow(/plain identifier/);
    });
  },
  { install: false },
);

describe.runIf(process.env.DATABASE_URL)('installSchema under concurrency [pg]', () => {
  it('5 concurrent installs from separate pools all succeed with one set of tables', async () => {
    const schema = uniqueSchema('concurrent');
    const pools = Array.from(
      { length: 5 },
      () => new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 }),
    );
    try {
      const results = await Promise.all(pools.map((p) => installSchema(p, { schema })));
      expect(results.every((r) => r.current === SCHEMA_VERSION)).toBe(true);
      expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
      const db = toDb(pools[0]!);
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'stock_prices'`,
        [schema],
      );
      expect(rows[0]?.n).toBe(1);
      await db.exec(`DROP SCHEMA "${schema}" CASCADE`);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});
