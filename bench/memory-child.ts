/**
 * Runs one long 1-minute backfill of one symbol in a process of its own and reports its memory,
 * so nothing the benchmark parent holds (a million pre-generated rows) pollutes the figure.
 *
 * argv[2] is JSON `{ url, databaseUrl, schema, symbol, from, to }`. Prints one JSON line:
 * `{ status, peakRssMb, baselineRssMb, monthRssMb, monthHeapMb, rows, seconds }`. Started with `--expose-gc` so RSS and
 * heap after each month are measured after a full collection (what is retained, not garbage).
 */
import pg from 'pg';
import { AlphaVantageExtractor } from '../src/alpha-vantage';
import { Pipeline } from '../src/pipeline';

interface Args {
  url: string;
  databaseUrl: string;
  schema: string;
  symbol: string;
  from: string;
  to: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const MB = 1024 * 1024;
const baseline = process.memoryUsage().rss;
let peak = baseline;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);
const pool = new pg.Pool({ connectionString: args.databaseUrl, max: 4 });
const extractor = new AlphaVantageExtractor({
  apiKey: 'bench-memory',
  baseUrl: args.url,
  plan: 'premium-1200',
  rateLimit: { perSecond: null, perMinute: null, perDay: null },
  malformedRows: 'report',
});
const monthRss: number[] = [];
const monthHeap: number[] = [];
const gc = (globalThis as { gc?: () => void }).gc;
const pipeline = new Pipeline({ db: pool, extractor, schema: args.schema });
const started = performance.now();
const result = await pipeline.backfillIntraday(args.symbol, {
  interval: '1min',
  from: args.from,
  to: args.to,
  onProgress: () => {
    gc?.();
    const m = process.memoryUsage();
    monthRss.push(m.rss / MB);
    monthHeap.push(m.heapUsed / MB);
  },
});
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
await pool.end();
// maxRSS (kB) is the kernel's own high-water mark: it catches peaks between two samples.
const peakRssMb = Math.max(peak / MB, process.resourceUsage().maxRSS / 1024);
process.stdout.write(
  `${JSON.stringify({
    status: result.status,
    error: result.error?.message,
    peakRssMb,
    baselineRssMb: baseline / MB,
    monthRssMb: monthRss,
    monthHeapMb: monthHeap,
    rows: result.inserted,
    seconds,
  })}\n`,
);
