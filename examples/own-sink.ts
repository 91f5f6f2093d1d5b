/**
 * Bring your own sink or observer.
 *
 * - Sink: a `Loader` subclass that also writes what a step added (a `range` column) to the host's
 *   own table — through `options.tx`, the job's transaction, so both commit or roll back together.
 * - Observer: `rows:committed`, emitted after the job's transaction committed (never before, never
 *   for a rollback) with the counts and key range, to invalidate a cache or publish a message.
 *
 *   extract ──► transform ──► withRange ──► RangeLoader ──┬─► stock_prices        ─┐ one
 *                                                          └─► host.daily_ranges  ─┘ transaction
 *                                                                       │ commit
 *                                                                       ▼
 *                                                       'rows:committed' ──► cache, message bus
 *
 *   npx tsx examples/own-sink.ts
 */
import assert from 'node:assert/strict';
import {
  AlphaVantageExtractor,
  createEmbeddedDb,
  type DailyPriceRow,
  installSchema,
  type LoadCounts,
  Loader,
  type LoadTable,
  type LoadTables,
  Pipeline,
  type TableLoadOptions,
} from 'stock-etl';
import { startFakeAlphaVantage } from 'stock-etl/testing';

/** A step: adds the bar's range, a column stock-etl does not have (the host keeps it). */
const withRange = (rows: readonly DailyPriceRow[]) =>
  rows.map((r) => ({ ...r, range: (Number(r.high) - Number(r.low)).toFixed(4) }));

/** The sink: stock-etl's tables as usual, plus the host's table, in the same transaction. */
class RangeLoader extends Loader {
  override async load<T extends LoadTable>(
    table: T,
    rows: readonly LoadTables[T][],
    options: TableLoadOptions = {},
  ): Promise<LoadCounts> {
    const counts = await super.load(table, rows, options);
    if (table === 'stock_prices') {
      const daily = rows as readonly (DailyPriceRow & { range?: string })[];
      await (options.tx ?? this.db).query(
        `INSERT INTO host.daily_ranges (symbol, trade_date, range)
         SELECT * FROM unnest($1::text[], $2::date[], $3::numeric[])
         ON CONFLICT (symbol, trade_date) DO UPDATE SET range = EXCLUDED.range`,
        [
          daily.map((r) => r.symbol),
          daily.map((r) => r.tradeDate),
          daily.map((r) => r.range ?? null),
        ],
      );
    }
    return counts;
  }
}

// The fake market's clock is frozen: during a session the day's bar moves as it trades, and the
// second run below is meant to see the same data.
const marketNow = new Date();
const fake = await startFakeAlphaVantage({ now: () => marketNow });
const db = await createEmbeddedDb();
try {
  await installSchema(db);
  await db.exec(`CREATE SCHEMA host;
    CREATE TABLE host.daily_ranges (symbol text, trade_date date, range numeric,
                                    PRIMARY KEY (symbol, trade_date))`);
  const extractor = new AlphaVantageExtractor({
    apiKey: 'demo-key',
    baseUrl: fake.url,
    plan: 'premium-1200',
  });
  const pipeline = new Pipeline({
    db,
    extractor,
    loader: new RangeLoader({ db }),
    steps: { daily: [withRange] },
  });

  // The observer: a cache of the latest bars per symbol, dropped when they change.
  const cache = new Map<string, string>([['IBM', 'cached bars']]);
  const published: string[] = [];
  pipeline.on('rows:committed', (e) => {
    if (e.inserted + e.updated === 0) return; // nothing changed: keep the cache
    cache.delete(e.symbol);
    published.push(`${e.table} ${e.symbol} ${e.from}..${e.to} +${e.inserted} ~${e.updated}`);
  });

  const first = await pipeline.run('IBM', 'daily');
  const again = await pipeline.run('IBM', 'daily');
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM host.daily_ranges WHERE range IS NOT NULL',
  );
  console.log(`first run: ${first.inserted} bars, host table: ${rows[0]?.n} ranges`);
  console.log(`second run: ${again.unchanged} unchanged; messages published: ${published.length}`);
  for (const message of published) console.log(`  published: ${message}`);
  assert.equal(rows[0]?.n, first.inserted);
  assert.equal(published.length, 1);
  assert.equal(cache.has('IBM'), false);
  console.log('own-sink: ok');
} finally {
  await db.close();
  await fake.close();
}
