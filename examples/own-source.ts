/**
 * Bring your own source: the Pipeline reads from any `Extractor`. stock-etl ships two — the live
 * `AlphaVantageExtractor` and `FileExtractor`, which replays saved Alpha Vantage responses (JSON
 * or CSV) from a folder: for tests without a network, for reprocessing after a fix, and for
 * importing history bought elsewhere in the same format.
 *
 *   Alpha Vantage ──► AlphaVantageExtractor + recordingFetch ──► ./folder of responses
 *                                                                       │
 *   vendor CSV files (same format) ─────────────────────────────────────┤
 *                                                                       ▼
 *                                  Pipeline({ extractor: new FileExtractor({ dir }) })
 *
 *   npx tsx examples/own-source.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AlphaVantageExtractor,
  createEmbeddedDb,
  type Extractor,
  FileExtractor,
  installSchema,
  Pipeline,
  recordingFetch,
} from 'stock-etl';
import { startFakeAlphaVantage } from 'stock-etl/testing';

const dir = mkdtempSync(join(tmpdir(), 'stock-etl-recorded-'));
const db = await createEmbeddedDb();
try {
  // 1. Record: every response the live extractor gets is also saved, named so FileExtractor finds
  //    it (TIME_SERIES_DAILY__IBM.json, …). The API key never reaches the folder.
  const fake = await startFakeAlphaVantage(); // stands in for https://www.alphavantage.co
  const live = new AlphaVantageExtractor({
    apiKey: 'demo-key',
    baseUrl: fake.url,
    plan: 'premium-1200',
    fetch: recordingFetch({ dir }),
  });
  await live.daily('IBM', { outputsize: 'compact' });
  await live.intraday('IBM', { interval: '5min', outputsize: 'compact' });
  await fake.close(); // no network from here on

  // 2. Import: history bought elsewhere, in Alpha Vantage's CSV format, dropped into the folder.
  writeFileSync(
    join(dir, 'TIME_SERIES_DAILY__ACME.csv'),
    [
      'timestamp,open,high,low,close,volume',
      '2024-03-13,41.2000,41.9000,40.8000,41.5000,120000',
      '2024-03-12,40.9000,41.4000,40.5000,41.2000,98000',
      '2024-03-11,40.1000,41.0000,40.0000,40.9000,101500',
    ].join('\n'),
  );
  console.log(`folder: ${readdirSync(dir).sort().join(', ')}`);

  // 3. Replay through the pipeline, as often as you like.
  await installSchema(db);
  const source: Extractor = new FileExtractor({ dir });
  const pipeline = new Pipeline({ db, extractor: source });
  const batch = await pipeline.runBatch(['IBM', 'ACME'], ['daily', 'intraday:5min']);
  for (const job of batch.jobs) {
    console.log(
      `  ${job.symbol.padEnd(5)} ${job.dataset.padEnd(14)} ${
        job.status === 'success'
          ? `${job.inserted} inserted, ${job.apiCalls} API calls`
          : `failed ${job.error?.code}: ${job.error?.message}`
      }`,
    );
  }
  // ACME has no intraday file: that job fails with a typed error naming the file; the rest load.
  assert.equal(batch.succeeded, 3);
  assert.equal(batch.jobs.find((j) => j.status === 'failed')?.error?.code, 'SOURCE_FILE');

  // Reprocess (after fixing a step, say): the same files again change nothing.
  const again = await pipeline.run('IBM', 'daily');
  console.log(`reprocessed IBM daily: ${again.unchanged} unchanged, ${again.inserted} inserted`);
  assert.equal(again.inserted, 0);
  console.log('own-source: ok');
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
