/**
 * Market-aware scheduling of the jobs the original system ran, wired by the host application
 * (stock-etl owns correctness, not the scheduler):
 *
 * - daily   : 30 minutes after each session's close (13:30 ET on early-close days) — daily +
 *             daily_adjusted bars for every symbol;
 * - intraday: every 15 minutes while the market is open (extended hours) — 5-minute bars;
 * - weekly  : Saturday 10:00 ET — weekly and monthly bars and company overviews;
 * - health  : every hour — healthCheck, logged; failures would page someone.
 *
 *   npx tsx examples/scheduled-jobs.ts          # run forever (Ctrl-C stops cleanly)
 *   npx tsx examples/scheduled-jobs.ts --once   # run every job once now, then exit
 *
 * Like the main job it uses the embedded database and the fake Alpha Vantage server unless
 * DATABASE_URL / ALPHA_VANTAGE_API_KEY are set.
 */
import pg from 'pg';
import {
  AlphaVantageExtractor,
  createEmbeddedDb,
  type Dataset,
  healthCheck,
  installSchema,
  MarketCalendar,
  Pipeline,
} from 'stock-etl';
import { startFakeAlphaVantage } from 'stock-etl/testing';

const symbols = (process.env.SYMBOLS ?? 'IBM,MSFT').split(',');
const once = process.argv.includes('--once');
const calendar = new MarketCalendar();
const MINUTE = 60_000;

/** A job: what to run and when it runs next after `now`. */
interface Job {
  name: string;
  run: (signal: AbortSignal) => Promise<string>;
  next: (now: Date) => Date;
}

/** The first instant ≥ `now` that is `minutesAfterClose` after a session's close. */
function afterClose(now: Date, minutesAfterClose: number): Date {
  for (let day = now; ; day = new Date(day.getTime() + 86_400_000)) {
    const session = calendar.session(day);
    if (session) {
      const at = new Date(session.close.getTime() + minutesAfterClose * MINUTE);
      if (at >= now) return at;
    }
  }
}

/** Every `minutes` while the (extended-hours) market is open; else its next open. */
function whileOpen(now: Date, minutes: number): Date {
  if (calendar.isOpen(now, { extendedHours: true }))
    return new Date(now.getTime() + minutes * MINUTE);
  return calendar.nextOpen(now, { extendedHours: true });
}

/** Next Saturday 10:00 America/New_York (15:00 UTC in winter, 14:00 in summer). */
function saturdayMorning(now: Date): Date {
  for (let d = 0; d < 8; d++) {
    const day = new Date(now.getTime() + d * 86_400_000);
    if (day.getUTCDay() !== 6) continue;
    // 10:00 ET is 14:00 UTC during daylight saving time and 15:00 UTC otherwise.
    for (const hour of [14, 15]) {
      const at = new Date(
        Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hour),
      );
      const et = at.toLocaleString('en-US', {
        timeZone: 'America/New_York',
        hour: 'numeric',
        hour12: false,
      });
      if (et === '10' && at > now) return at;
    }
  }
  return new Date(now.getTime() + 7 * 86_400_000);
}

const apiKey = process.env.ALPHA_VANTAGE_API_KEY || undefined;
const fake = apiKey ? undefined : await startFakeAlphaVantage();
const extractor = new AlphaVantageExtractor({
  apiKey: apiKey ?? 'demo-key',
  ...(fake ? { baseUrl: fake.url, plan: 'premium-1200' as const } : {}),
});
const pool = process.env.DATABASE_URL
  ? new pg.Pool({ connectionString: process.env.DATABASE_URL })
  : undefined;
const embedded = pool ? undefined : await createEmbeddedDb();
const db = pool ?? (embedded as NonNullable<typeof embedded>);
await installSchema(db);
const pipeline = new Pipeline({ db, extractor });

const batch = (datasets: Dataset[]) => async (signal: AbortSignal) => {
  const r = await pipeline.runBatch(symbols, datasets, { signal });
  return `${r.succeeded} ok, ${r.failed} failed, ${r.totals.inserted} inserted, ${r.totals.updated} updated`;
};
const jobs: Job[] = [
  { name: 'daily', run: batch(['daily', 'daily_adjusted']), next: (now) => afterClose(now, 30) },
  { name: 'intraday', run: batch(['intraday:5min']), next: (now) => whileOpen(now, 15) },
  { name: 'weekly', run: batch(['weekly', 'monthly', 'overview']), next: saturdayMorning },
  {
    name: 'health',
    run: async () => {
      const h = await healthCheck(db, { extractor });
      return `${h.ok ? 'healthy' : 'UNHEALTHY'}: ${h.checks.map((c) => `${c.name} ${c.ok ? 'ok' : c.detail}`).join('; ')}`;
    },
    next: (now) => new Date(now.getTime() + 60 * MINUTE),
  },
];

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

async function runJob(job: Job): Promise<void> {
  const started = Date.now();
  try {
    console.log(
      `[${new Date().toISOString()}] ${job.name}: ${await job.run(controller.signal)} (${Date.now() - started} ms)`,
    );
  } catch (error) {
    console.error(`[${new Date().toISOString()}] ${job.name} failed: ${(error as Error).message}`);
  }
}

try {
  if (once) {
    for (const job of jobs) await runJob(job);
  } else {
    const timers = jobs.map((job) => {
      const schedule = (): NodeJS.Timeout => {
        const at = job.next(new Date());
        console.log(`${job.name}: next run ${at.toISOString()}`);
        // setTimeout holds at most ~24.8 days; re-plan in steps so long waits stay correct.
        const wait = Math.min(at.getTime() - Date.now(), 2 ** 31 - 1);
        return setTimeout(
          () => void runJob(job).then(() => (timers[jobs.indexOf(job)] = schedule())),
          Math.max(0, wait),
        );
      };
      return schedule();
    });
    await new Promise<void>((resolve) =>
      controller.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    for (const t of timers) clearTimeout(t);
  }
} finally {
  await fake?.close();
  await pool?.end();
  await embedded?.close();
}
