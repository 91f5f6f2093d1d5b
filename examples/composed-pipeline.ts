/**
 * The Pipeline composed from its stages, each given explicitly. Leave any of them out and the
 * Pipeline builds the default (as `new Pipeline({ db, extractor })` always did).
 *
 *   ┌───────────┐   ┌─────────────┐   ┌──────────────┐   ┌────────┐
 *   │ Extractor │──►│ Transformer │──►│ your steps … │──►│ Loader │──► PostgreSQL / PGlite
 *   └───────────┘   └─────────────┘   └──────────────┘   └────────┘
 *     fetch + parse    validate, reject     filter, enrich     upsert rows, rejects and the
 *                                                              watermark in one transaction,
 *                                                              then 'rows:committed'
 *
 *   npx tsx examples/composed-pipeline.ts
 */
import assert from 'node:assert/strict';
import {
  AlphaVantageExtractor,
  createEmbeddedDb,
  installSchema,
  Loader,
  Pipeline,
  Transformer,
} from 'stock-etl';
import { startFakeAlphaVantage } from 'stock-etl/testing';

const fake = await startFakeAlphaVantage();
const db = await createEmbeddedDb();
try {
  await installSchema(db, { schema: 'market' });
  const dropZeroVolume = <R extends { volume: string | null }>(rows: readonly R[]) =>
    rows.filter((r) => r.volume !== '0');

  const extractor = new AlphaVantageExtractor({
    apiKey: 'demo-key',
    baseUrl: fake.url,
    plan: 'premium-1200',
  });
  const transformer = new Transformer({
    rejectPolicy: 'quarantine',
    steps: { daily: [dropZeroVolume], weekly: [dropZeroVolume] },
  });
  const loader = new Loader({ db, schema: 'market', method: 'auto' });
  // The schema comes from the loader: a job's rows, watermark and log share one schema.
  const pipeline = new Pipeline({ db, extractor, transformer, loader });

  let committed = 0;
  pipeline.on('rows:committed', (e) => {
    committed += e.inserted + e.updated;
  });
  const batch = await pipeline.runBatch(['IBM', 'MSFT'], ['daily', 'weekly', 'quote'], {
    outputsize: 'compact', // the newest 100 daily bars; weekly is always the whole history
  });
  for (const job of batch.jobs) {
    console.log(
      `  ${job.symbol.padEnd(5)} ${job.dataset.padEnd(8)} ${job.status} ${job.inserted} inserted, ${job.rejected} rejected`,
    );
  }
  console.log(`${pipeline.schema}: ${batch.succeeded} jobs, ${committed} rows committed`);
  assert.equal(batch.failed, 0);
  assert.equal(committed, batch.totals.inserted + batch.totals.updated);
  console.log('composed-pipeline: ok');
} finally {
  await db.close();
  await fake.close();
}
