/**
 * Use a stage alone: extract, transform and load by hand — no Pipeline, no job log, no
 * watermark. Useful when your own code already decides what to fetch and when.
 *
 *   extractor.daily()  ──►  Transformer.daily()  ──►  Loader.load('stock_prices', rows)
 *        (fetch)            { rows, rejects }          { inserted, updated, unchanged }
 *
 *   npx tsx examples/stage-alone.ts
 *
 * Offline: the fake Alpha Vantage server (stock-etl/testing) and an in-memory embedded database.
 */
import assert from 'node:assert/strict';
import {
  AlphaVantageExtractor,
  createEmbeddedDb,
  installSchema,
  Loader,
  Transformer,
} from 'stock-etl';
import { startFakeAlphaVantage } from 'stock-etl/testing';

const fake = await startFakeAlphaVantage();
const db = await createEmbeddedDb();
try {
  await installSchema(db);
  const extractor = new AlphaVantageExtractor({
    apiKey: 'demo-key',
    baseUrl: fake.url,
    plan: 'premium-1200',
  });

  // Extract: the parsed TIME_SERIES_DAILY response (decimals stay text, newest bar first).
  const series = await extractor.daily('IBM', { outputsize: 'compact' });

  // Transform: validated, de-duplicated rows for `stock_prices`, and the rows that failed with
  // their reasons. `new Transformer()` works too; every option has a default.
  const t = new Transformer({ rejectPolicy: 'quarantine' });
  const { rows, rejects } = t.daily(series, { symbol: 'IBM' });
  console.log(
    `transformed ${series.bars.length} bars: ${rows.length} rows, ${rejects.length} rejected`,
  );

  // Load: one transaction per call, exact counts straight from PostgreSQL.
  const loader = new Loader({ db });
  const first = await loader.load('stock_prices', rows);
  console.log(
    `first load:  inserted ${first.inserted}, updated ${first.updated}, unchanged ${first.unchanged}`,
  );
  if (rejects.length > 0) await loader.quarantine(rejects); // into etl_rejected_rows, with reasons

  // The same rows again: compared, not rewritten.
  const second = await loader.load('stock_prices', rows);
  console.log(
    `second load: inserted ${second.inserted}, updated ${second.updated}, unchanged ${second.unchanged}`,
  );
  assert.equal(first.inserted, rows.length);
  assert.equal(second.unchanged, rows.length);

  // The typed per-table methods do the same: loadDaily, loadPeriod, loadIntraday, loadQuotes, …
  const quote = t.quote(await extractor.quote('IBM'));
  const quoteCounts = await loader.loadQuotes(quote.rows, { skipUnchanged: true });
  console.log(`quote: inserted ${quoteCounts.inserted}`);
  console.log('stage-alone: ok');
} finally {
  await db.close();
  await fake.close();
}
