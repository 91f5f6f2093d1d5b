/**
 * The original system's jobs, embedded in your own process with `createSchedule` — the same
 * scheduler `stock-etl schedule` runs:
 *
 * - daily   : 16:30 New York time on trading days (after the close; holidays skipped) — daily bars;
 * - intraday: every 15 minutes from the open to the close (early closes included) — 5-minute bars;
 * - weekly  : Saturday 10:00 — weekly and monthly histories and company overviews;
 * - health  : every 30 minutes — healthCheck.
 *
 *   npx tsx examples/scheduled-jobs.ts          # run until Ctrl-C (aborts) or SIGTERM (finishes)
 *   npx tsx examples/scheduled-jobs.ts --once   # run every job once now, then exit
 *
 * Like the main job it uses the embedded database and the fake Alpha Vantage server unless
 * DATABASE_URL / ALPHA_VANTAGE_API_KEY / ALPHA_VANTAGE_BASE_URL are set.
 */
import pg from 'pg';
import {
  AlphaVantageExtractor,
  createEmbeddedDb,
  createSchedule,
  defaultScheduleJobs,
  installSchema,
  Pipeline,
} from 'stock-etl';
import { startFakeAlphaVantage } from 'stock-etl/testing';

const symbols = (process.env.SYMBOLS ?? 'IBM,MSFT').split(',');
const once = process.argv.includes('--once');

const apiKey = process.env.ALPHA_VANTAGE_API_KEY || undefined;
const baseUrl = process.env.ALPHA_VANTAGE_BASE_URL || undefined;
const fake = apiKey || baseUrl ? undefined : await startFakeAlphaVantage();
const extractor = new AlphaVantageExtractor({
  apiKey: apiKey ?? 'demo-key',
  ...(fake ? { baseUrl: fake.url, plan: 'premium-1200' as const } : baseUrl ? { baseUrl } : {}),
});
const pool = process.env.DATABASE_URL
  ? new pg.Pool({ connectionString: process.env.DATABASE_URL })
  : undefined;
const embedded = pool ? undefined : await createEmbeddedDb();
const db = pool ?? (embedded as NonNullable<typeof embedded>);
await installSchema(db);
const pipeline = new Pipeline({ db, extractor });

const schedule = createSchedule({
  pipeline,
  db,
  symbols,
  budget: extractor, // checked at start against the key's daily limit; reported by the health job
  // The built-in jobs; change one with e.g. { intraday: { cron: '0 10-16 * * 1-5' } }.
  jobs: defaultScheduleJobs(),
});
schedule.on('job:finish', (r) =>
  console.log(`[${r.startedAt.toISOString()}] ${r.job}: ${r.summary} (${r.durationMs} ms)`),
);
schedule.on('job:skipped', (e) =>
  console.log(
    `[${e.scheduledAt.toISOString()}] ${e.job}: skipped, the previous run is still going`,
  ),
);
schedule.on('budget:exceeded', (e) => console.warn(`warning: ${e.message}`));

try {
  if (once) {
    await schedule.runOnce();
  } else {
    const stopped = new Promise<void>((resolve) => schedule.on('stop', () => resolve()));
    process.once('SIGINT', () => void schedule.stop({ abort: true }));
    process.once('SIGTERM', () => void schedule.stop());
    for (const run of await schedule.start()) {
      console.log(`${run.job}: next run ${run.at.toISOString()}`);
    }
    await stopped;
  }
} finally {
  await fake?.close();
  await pool?.end();
  await embedded?.close();
}
