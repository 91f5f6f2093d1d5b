/**
 * The `backfill_rejects` migration on a database that v0.1 wrote: the ledger gains its reject
 * columns (old months count as complete, fetched once), and a watermark that a future-dated bar
 * had moved into the future goes back to the newest stored point that can exist.
 */
import { expect, it } from 'vitest';
import { installSchema } from '../../src/db/install';
import { MIGRATIONS } from '../../src/db/migrations.generated';
import { describeEachDb } from '../helpers/db';

const migration = MIGRATIONS.find((m) => m.name === 'backfill_rejects');

describeEachDb('migration backfill_rejects (issue 10)', (ctx) => {
  /** Puts the schema back to just before the migration (whatever its number after a merge). */
  const undoMigration = async () => {
    await ctx.db.exec(`
      DELETE FROM ${ctx.q}.schema_migrations WHERE id = ${migration?.id};
      DROP INDEX ${ctx.q}.etl_backfill_ledger_rejects_idx;
      ALTER TABLE ${ctx.q}.etl_backfill_ledger DROP COLUMN rows_rejected, DROP COLUMN fetches;
    `);
  };

  it('keeps old ledger months and repairs watermarks stuck in the future', async () => {
    expect(migration).toBeDefined();
    await undoMigration();
    await ctx.db.exec(`
      INSERT INTO ${ctx.q}.etl_backfill_ledger (symbol, dataset, month, rows_loaded)
        VALUES ('IBM', 'intraday:60min', '2024-01-01', 336);
      INSERT INTO ${ctx.q}.stock_prices (symbol, trade_date, open, high, low, close, volume) VALUES
        ('IBM', '2024-03-14', 1, 2, 1, 2, 10),
        ('IBM', '2024-03-15', 1, 2, 1, 2, 10),
        ('IBM', '2099-12-31', 1, 2, 1, 2, 10);
      INSERT INTO ${ctx.q}.stock_prices_intraday (symbol, interval, ts, open, high, low, close, volume) VALUES
        ('IBM', '5min', '2024-03-15T23:55:00Z', 1, 2, 1, 2, 10),
        ('IBM', '5min', '2099-12-31T15:00:00Z', 1, 2, 1, 2, 10);
      INSERT INTO ${ctx.q}.etl_watermarks (symbol, dataset, last_point) VALUES
        ('IBM', 'daily', '2099-12-31'),
        ('IBM', 'intraday:5min', '2099-12-31T15:00:00.000Z'),
        ('MSFT', 'daily', '2896-01-01'),
        ('AAPL', 'daily', '2024-03-15');
    `);
    const result = await installSchema(ctx.handle, { schema: ctx.schema });
    expect(result.applied).toEqual([migration?.id]);
    const watermarks = await ctx.db.query<{ symbol: string; dataset: string; last_point: string }>(
      `SELECT symbol, dataset, last_point FROM ${ctx.q}.etl_watermarks ORDER BY symbol, dataset`,
    );
    expect(watermarks.rows).toEqual([
      { symbol: 'AAPL', dataset: 'daily', last_point: '2024-03-15' },
      { symbol: 'IBM', dataset: 'daily', last_point: '2024-03-15' },
      { symbol: 'IBM', dataset: 'intraday:5min', last_point: '2024-03-15T23:55:00.000Z' },
      // MSFT had nothing that can exist: no watermark, so its next run fetches `full`.
    ]);
    const ledger = await ctx.db.query(
      `SELECT rows_loaded, rows_rejected, fetches FROM ${ctx.q}.etl_backfill_ledger`,
    );
    expect(ledger.rows).toEqual([{ rows_loaded: 336, rows_rejected: 0, fetches: 1 }]);
  });
});
