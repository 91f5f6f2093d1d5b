/**
 * The main job, end to end: install the schema, then run daily + 5-minute intraday jobs and a short
 * 1-minute intraday backfill for a few symbols through the Pipeline, and print what happened.
 *
 *   npm run example
 *
 * With no configuration it needs no server and no API key: it uses the embedded database (PGlite,
 * in memory) and starts the bundled fake Alpha Vantage server. Set ALPHA_VANTAGE_API_KEY to use the
 * live API instead (mind the free plan: 25 requests a day), DATABASE_URL to use that PostgreSQL
 * server, and SYMBOLS (comma-separated) to choose the symbols.
 */
import pg from 'pg';
import {
  AlphaVantageExtractor,
  createEmbeddedDb,
  type DbHandle,
  getStatus,
  installSchema,
  Pipeline,
  toDb,
} from 'stock-etl';
import { startFakeAlphaVantage } from 'stock-etl/testing';

const started = Date.now();
const apiKey = process.env.ALPHA_VANTAGE_API_KEY || undefined;
const symbols = (process.env.SYMBOLS ?? 'IBM,MSFT,AAPL').split(',').map((s) => s.trim());
const schema = process.env.STOCK_ETL_SCHEMA ?? 'stock_etl';

// The source: the live API when a key is set, else the fake server shipped in stock-etl/testing.
// Its market stands still at the moment the example starts, so the re-run below sees the same data
// even while a session is open (a live session would add trades to today's bar in between).
const fake = apiKey ? undefined : await startFakeAlphaVantage({ now: () => new Date(started) });
const extractor = new AlphaVantageExtractor({
  apiKey: apiKey ?? 'demo-key',
  ...(fake ? { baseUrl: fake.url, plan: 'premium-1200' as const } : { plan: 'free' as const }),
  malformedRows: 'report',
});

// The database: DATABASE_URL when set, else embedded PostgreSQL (PGlite) in memory.
const pool = process.env.DATABASE_URL
  ? new pg.Pool({ connectionString: process.env.DATABASE_URL })
  : undefined;
const embedded = pool ? undefined : await createEmbeddedDb();
const db: DbHandle = pool ?? (embedded as NonNullable<typeof embedded>);
const where = pool ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite (in memory)';
const source = fake ? `fake Alpha Vantage at ${fake.url}` : 'live Alpha Vantage API';
console.log(
  `stock-etl main job: ${symbols.join(', ')} from the ${source} into ${where}, schema ${schema}`,
);

try {
  const install = await installSchema(db, { schema });
  console.log(
    `schema: version ${install.current}${install.applied.length ? ` (applied ${install.applied.join(', ')})` : ' (already current)'}`,
  );

  const pipeline = new Pipeline({ db, extractor, schema });
  pipeline.on('rows:rejected', (e) =>
    console.log(`  ${e.count} row(s) of ${e.symbol} ${e.dataset} quarantined`),
  );

  const batch = await pipeline.runBatch(symbols, ['daily', 'intraday:5min']);
  for (const job of batch.jobs) {
    const what =
      job.status === 'success'
        ? `${job.extracted} extracted, ${job.inserted} inserted, ${job.updated} updated, ${job.unchanged} unchanged (${job.outputsize ?? ''})`
        : `FAILED ${job.error?.code}: ${job.error?.message}`;
    console.log(`  ${job.symbol.padEnd(5)} ${job.dataset.padEnd(14)} ${what}`);
  }

  // A short backfill: the previous two months of 1-minute bars for the first symbol. Resumable:
  // run it again on a persistent database and the finished months are skipped.
  const now = new Date();
  const month = (back: number) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    return d.toISOString().slice(0, 7);
  };
  const first = symbols[0] ?? 'IBM';
  const backfill = await pipeline.backfillIntraday(first, {
    interval: '1min',
    from: month(2),
    to: month(1),
    onProgress: (p) =>
      console.log(
        `  backfill ${first} ${p.month.month}: ${p.month.status}, ${p.month.inserted} bars inserted`,
      ),
  });
  console.log(
    `backfill ${backfill.status}: ${backfill.inserted} inserted in ${backfill.apiCalls} API calls`,
  );

  // A second run of the same daily job changes nothing: the load is idempotent.
  const again = await pipeline.run(first, 'daily');
  console.log(
    `re-run ${first} daily: inserted ${again.inserted}, updated ${again.updated}, unchanged ${again.unchanged}`,
  );

  const q = `"${schema}"`;
  const { rows } = await toDb(db).query<Record<string, unknown>>(
    `SELECT symbol, to_char(trade_date, 'YYYY-MM-DD') AS day, open::text, high::text, low::text, close::text, volume::text
       FROM ${q}.stock_prices WHERE symbol = $1 ORDER BY trade_date DESC LIMIT 3`,
    [first],
  );
  console.log(`latest daily bars of ${first}:`);
  console.table(rows);

  const status = await getStatus(db, { schema });
  console.log(
    `tables: ${status.tables
      .filter((t) => t.rows > 0)
      .map((t) => `${t.table} ${t.rows}`)
      .join(', ')}`,
  );
  console.log(
    `done: ${batch.succeeded + (backfill.status === 'success' ? 1 : 0)} job(s) succeeded, ${batch.failed} failed, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (batch.failed > 0 || backfill.status !== 'success') process.exitCode = 1;
} finally {
  await fake?.close();
  await pool?.end();
  await embedded?.close();
}
