/**
 * A pipeline in a process of its own, for tests that SIGKILL it at a random point or run two at
 * once. Configured by environment:
 * - `CHILD_DB`: `pg` (connects to `DATABASE_URL`) or the folder of an embedded database;
 * - `CHILD_SCHEMA`, `CHILD_AV_URL` (the fake Alpha Vantage server);
 * - `CHILD_WORK`: JSON list of `{ "batch": [symbols, datasets] }` and
 *   `{ "backfill": [symbol, interval, from, to] }`, run in order.
 * Prints one JSON line per pipeline event on stdout, then `{"event":"done"}`.
 */
import pg from 'pg';
import { AlphaVantageExtractor } from '../../src/alpha-vantage/extractor';
import type { IntradayInterval } from '../../src/alpha-vantage/types';
import { createEmbeddedDb } from '../../src/db/embedded';
import { installSchema } from '../../src/db/install';
import type { DbHandle } from '../../src/db/types';
import { type Dataset, Pipeline } from '../../src/pipeline';

type Work =
  | { batch: [string[], Dataset[]] }
  | { backfill: [string, IntradayInterval, string, string] };

const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function main(): Promise<void> {
  const target = process.env.CHILD_DB ?? 'pg';
  let db: DbHandle;
  let close: () => Promise<void>;
  if (target === 'pg') {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
    db = pool;
    close = () => pool.end();
  } else {
    const embedded = await createEmbeddedDb({ dataDir: target });
    db = embedded;
    close = () => embedded.close();
  }
  const extractor = new AlphaVantageExtractor({
    apiKey: 'CHILD-KEY-0123456789',
    baseUrl: process.env.CHILD_AV_URL,
    plan: 'premium-1200',
    rateLimit: { perSecond: null, perMinute: null, perDay: null },
    retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 },
  });
  const schema = process.env.CHILD_SCHEMA;
  await installSchema(db, { schema });
  const pipeline = new Pipeline({ db, extractor, schema });
  for (const event of ['job:start', 'job:wait', 'job:finish', 'job:error', 'jobs:stale']) {
    pipeline.on(event, (e) => say({ event, ...(e as object) }));
  }
  pipeline.on('backfill:month', (p) => say({ event: 'backfill:month', month: p.month }));
  for (const work of JSON.parse(process.env.CHILD_WORK ?? '[]') as Work[]) {
    if ('batch' in work) {
      const r = await pipeline.runBatch(work.batch[0], work.batch[1]);
      say({ event: 'batch', failed: r.failed, apiCalls: r.totals.apiCalls });
    } else {
      const [symbol, interval, from, to] = work.backfill;
      const r = await pipeline.backfillIntraday(symbol, { interval, from, to });
      say({ event: 'backfill', status: r.status, apiCalls: r.apiCalls, error: r.error });
    }
  }
  await close();
  say({ event: 'done' });
}

main().catch((error) => {
  say({ event: 'crash', error: String(error) });
  process.exitCode = 1;
});
