/**
 * End-to-end backfill throughput (fake server → extractor → transform → Loader) and the
 * transform alone (parse + validate + time-zone conversion, no network, no database).
 */
import type pg from 'pg';
import { AlphaVantageExtractor } from '../../src/alpha-vantage';
import { Pipeline } from '../../src/pipeline';
import { transformIntraday } from '../../src/transform';
import { freshSchema } from '../lib/db';
import { startRemoteFake } from '../lib/fake';
import { lastCompleteMonths } from '../lib/months';
import { type Figure, figure, rate, seconds } from '../lib/stats';

/** Sizes of the pipeline section. */
export interface PipelineSizes {
  /** Symbols backfilled concurrently. */
  symbols: number;
  /** Months of 1-minute extended-hours bars per symbol. */
  months: number;
  /** Runs of each figure. */
  runs: number;
}

const NO_LIMIT = { perSecond: null, perMinute: null, perDay: null };
const SYMBOLS = ['IBM', 'MSFT', 'AAPL', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA'];

/** Runs the section. */
export async function benchPipeline(
  pool: pg.Pool,
  sizes: PipelineSizes,
  log: (line: string) => void,
): Promise<Record<string, Figure>> {
  const fake = await startRemoteFake();
  const range = lastCompleteMonths(sizes.months);
  const symbols = SYMBOLS.slice(0, sizes.symbols);
  const extractor = new AlphaVantageExtractor({
    apiKey: 'bench-key',
    baseUrl: fake.url,
    plan: 'premium-1200',
    rateLimit: NO_LIMIT,
    malformedRows: 'report',
  });
  const backfill: number[] = [];
  const transform: number[] = [];
  try {
    const bodies = await fetchBodies(fake.url, symbols[0] as string, range.list);
    for (let run = 0; run < sizes.runs; run++) {
      const schema = await freshSchema(pool);
      try {
        const pipeline = new Pipeline({ db: pool, extractor, schema: schema.name });
        let rows = 0;
        const secs = await seconds(async () => {
          const results = await Promise.all(
            symbols.map((s) =>
              pipeline.backfillIntraday(s, { interval: '1min', from: range.from, to: range.to }),
            ),
          );
          for (const r of results) {
            if (r.status !== 'success')
              throw new Error(`backfill ${r.symbol} failed: ${r.error?.message}`);
            rows += r.inserted;
          }
        });
        backfill.push(rate(rows, secs));
        const t = await transformOnly(symbols[0] as string, bodies);
        transform.push(t);
        log(
          `  pipeline run ${run + 1}/${sizes.runs}: ${rows} rows in ${secs.toFixed(1)} s = ` +
            `${Math.round(rate(rows, secs) / 1000)}k rows/s; transform alone ${Math.round(t / 1000)}k rows/s`,
        );
      } finally {
        await schema.drop();
      }
    }
  } finally {
    await fake.close();
  }
  return {
    pipeline_backfill_rows_s: figure(
      'rows/s',
      backfill,
      `${symbols.length} symbols × ${sizes.months} months of 1-min extended-hours bars, backfilled concurrently (fake server in a child process, no limiter)`,
    ),
    transform_rows_s: figure(
      'rows/s',
      transform,
      `${sizes.months} month bodies of ${symbols[0]}: JSON parse + validation + transform, in memory`,
    ),
  };
}

/** Downloads month bodies once so the transform figure excludes the network. */
async function fetchBodies(url: string, symbol: string, months: readonly string[]) {
  const bodies = new Map<string, string>();
  for (const month of months) {
    const q = new URLSearchParams({
      function: 'TIME_SERIES_INTRADAY',
      symbol,
      interval: '1min',
      month,
      outputsize: 'full',
      extended_hours: 'true',
      apikey: 'bench-key',
    });
    const res = await fetch(`${url}/query?${q}`);
    bodies.set(month, await res.text());
  }
  return bodies;
}

/**
 * The extractor's own parse and validation (through an in-memory `fetch`) plus the transformer:
 * everything the pipeline does per month except HTTP and the database.
 */
async function transformOnly(symbol: string, bodies: Map<string, string>): Promise<number> {
  const memoryFetch = (async (input: string | URL | Request) => {
    const month = new URL(String(input)).searchParams.get('month') ?? '';
    return new Response(bodies.get(month) ?? '{}', {
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  const extractor = new AlphaVantageExtractor({
    apiKey: 'bench-key',
    plan: 'premium-1200',
    rateLimit: NO_LIMIT,
    fetch: memoryFetch,
    malformedRows: 'report',
  });
  let rows = 0;
  const secs = await seconds(async () => {
    for (const month of bodies.keys()) {
      const series = await extractor.intraday(symbol, {
        interval: '1min',
        month,
        outputsize: 'full',
        extendedHours: true,
      });
      const t = transformIntraday(series, {
        symbol,
        dataset: 'intraday:1min',
        interval: '1min',
        month,
        extendedHours: true,
      });
      rows += t.rows.length;
    }
  });
  if (rows === 0) throw new Error('transform produced no rows');
  return rate(rows, secs);
}
