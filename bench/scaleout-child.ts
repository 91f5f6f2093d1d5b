/**
 * One "worker process" of the scaleout section: an extractor on the shared key whose limits live
 * in PostgreSQL (`PostgresRateLimit`), kept saturated by `callers` concurrent calls from `startAt`
 * for `seconds`.
 *
 * Protocol (Node IPC): started with the JSON of {@link ChildArgs} as argv[2]; sends `{ ready }`
 * once connected, starts at the `{ startAt }` (epoch ms) the parent answers, and sends
 * `{ completed, refused }` when the window ends.
 */
import pg from 'pg';
import { AlphaVantageExtractor } from '../src/alpha-vantage';
import { PostgresRateLimit } from '../src/load/postgres-rate-limit';

/** What the parent passes. */
export interface ChildArgs {
  url: string;
  databaseUrl: string;
  schema: string;
  apiKey: string;
  perSecond: number;
  seconds: number;
  callers: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const pool = new pg.Pool({ connectionString: args.databaseUrl, max: 2 });
const shared = new PostgresRateLimit(pool, { schema: args.schema });
const extractor = new AlphaVantageExtractor({
  apiKey: args.apiKey,
  baseUrl: args.url,
  plan: 'premium-1200',
  rateLimit: { perSecond: args.perSecond, perMinute: null, perDay: null },
  retry: { retries: 0 },
  sharedRateLimit: shared,
});
await pool.query('SELECT 1');
// Every process starts at the instant the parent names once all are ready.
const startAt = await new Promise<number>((resolve) => {
  process.once('message', (m) => resolve((m as { startAt: number }).startAt));
  process.send?.({ ready: true });
});
await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
const end = startAt + args.seconds * 1000;
const stop = new AbortController();
const timer = setTimeout(() => stop.abort(), Math.max(0, end - Date.now()));
let completed = 0;
let refused = 0;
const caller = async () => {
  while (Date.now() < end) {
    try {
      await extractor.indexCatalog({ signal: stop.signal });
      if (Date.now() <= end) completed++;
    } catch (error) {
      if (stop.signal.aborted) return;
      if ((error as { code?: string }).code !== 'RATE_LIMITED') throw error;
      refused++;
    }
  }
};
await Promise.all(Array.from({ length: args.callers }, caller));
clearTimeout(timer);
process.send?.({ completed, refused });
await pool.end();
process.disconnect();
