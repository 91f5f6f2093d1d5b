/**
 * Add your own steps between transform and load: pure, synchronous functions from the
 * transformed rows of one response to the rows to load — typed per kind of rows.
 *
 *   extract ──► transform ──► minVolume(100) ──► requireSector ──► load
 *                              (filter)          (enrich or fail)
 *
 * A step that throws fails that job only, with the code `STEP`; the other jobs of the batch go on,
 * and nothing of the failed job's response is loaded.
 *
 *   npx tsx examples/own-step.ts
 */
import assert from 'node:assert/strict';
import {
  AlphaVantageExtractor,
  createEmbeddedDb,
  type IntradayPriceRow,
  installSchema,
  Pipeline,
  type StepContext,
} from 'stock-etl';
import { startFakeAlphaVantage } from 'stock-etl/testing';

/** Drops bars that traded fewer than `min` shares (`minVolume(1)` drops the volume-0 bars). */
const minVolume = (min: number) =>
  function minVolume<R extends { volume: string | null }>(rows: readonly R[]): R[] {
    return rows.filter((r) => r.volume !== null && Number(r.volume) >= min);
  };

/** The host's own reference data: no entry for MSFT. */
const SECTOR: Record<string, string> = { IBM: 'Technology', AAPL: 'Technology' };

/** Refuses symbols the host knows nothing about (a step may throw: its job fails, not the batch). */
function requireSector(rows: readonly IntradayPriceRow[], ctx: StepContext<IntradayPriceRow>) {
  if (SECTOR[ctx.symbol] === undefined) throw new Error(`no sector on file for ${ctx.symbol}`);
  return rows;
}

// A fake market frozen on a Saturday: the newest 100 one-minute bars are Friday's thin
// after-hours trading.
const fake = await startFakeAlphaVantage({ now: () => new Date('2024-03-16T12:00:00Z') });
const db = await createEmbeddedDb();
try {
  await installSchema(db);
  const extractor = new AlphaVantageExtractor({
    apiKey: 'demo-key',
    baseUrl: fake.url,
    plan: 'premium-1200',
  });
  // `steps` is shorthand for `transformer: new Transformer({ steps })`.
  const pipeline = new Pipeline({
    db,
    extractor,
    steps: { intraday: [minVolume(100), requireSector] },
  });

  const batch = await pipeline.runBatch(['IBM', 'MSFT'], 'intraday:1min', {
    outputsize: 'compact', // the newest 100 bars
  });
  for (const job of batch.jobs) {
    console.log(
      job.status === 'success'
        ? `${job.symbol}: ${job.extracted} bars extracted, ${job.inserted} loaded (thin bars dropped)`
        : `${job.symbol}: failed ${job.error?.code}: ${job.error?.message}`,
    );
  }
  const [ibm, msft] = batch.jobs;
  assert.equal(ibm?.status, 'success');
  assert.ok((ibm?.inserted ?? 0) < (ibm?.extracted ?? 0));
  assert.equal(msft?.error?.code, 'STEP');
  console.log('own-step: ok');
} finally {
  await db.close();
  await fake.close();
}
