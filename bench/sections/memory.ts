/**
 * Memory of a long backfill: peak RSS of a child process backfilling 24 months of 1-minute bars
 * of one symbol, and the least-squares slope of its post-GC RSS after each month (≈ 0 when
 * months stream through and nothing accumulates).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type pg from 'pg';
import { DATABASE_URL, freshSchema } from '../lib/db';
import { startRemoteFake } from '../lib/fake';
import { lastCompleteMonths } from '../lib/months';
import { type Figure, figure, slope } from '../lib/stats';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('../memory-child.ts', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../.tmp/bench-memory-child.mjs', import.meta.url));

/**
 * Bundles the child to plain JavaScript (dependencies stay external), so it runs on bare `node`
 * like an application using the built package: under tsx the loader thread and transpiled sources
 * alone add ~30 MB that no user would have.
 */
async function bundleChild(): Promise<string> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [CHILD],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return BUNDLE;
}

/** Settings of the memory section. */
export interface MemorySizes {
  /** Months backfilled. */
  months: number;
  /** Runs (each in a fresh child process and schema). */
  runs: number;
}

interface ChildReport {
  status: string;
  error?: string;
  peakRssMb: number;
  baselineRssMb: number;
  monthRssMb: number[];
  monthHeapMb: number[];
  rows: number;
  seconds: number;
}

/** Runs the section. */
export async function benchMemory(
  pool: pg.Pool,
  sizes: MemorySizes,
  log: (line: string) => void,
): Promise<Record<string, Figure>> {
  const child = await bundleChild();
  const fake = await startRemoteFake();
  const range = lastCompleteMonths(sizes.months);
  const peaks: number[] = [];
  const growth: number[] = [];
  const heapGrowth: number[] = [];
  let rows = 0;
  try {
    for (let i = 0; i < sizes.runs; i++) {
      const schema = await freshSchema(pool);
      try {
        const arg = JSON.stringify({
          url: fake.url,
          databaseUrl: DATABASE_URL,
          schema: schema.name,
          symbol: 'IBM',
          from: range.from,
          to: range.to,
        });
        const { stdout } = await run(process.execPath, ['--expose-gc', child, arg], {
          maxBuffer: 1024 * 1024,
        });
        const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildReport;
        if (report.status !== 'success') throw new Error(`memory backfill failed: ${report.error}`);
        const g = tailSlope(report.monthRssMb);
        const h = tailSlope(report.monthHeapMb);
        peaks.push(report.peakRssMb);
        growth.push(g);
        heapGrowth.push(h);
        rows = report.rows;
        log(
          `  memory run ${i + 1}/${sizes.runs}: ${report.rows} rows in ${report.seconds.toFixed(1)} s, ` +
            `peak ${report.peakRssMb.toFixed(0)} MB (idle process ${report.baselineRssMb.toFixed(0)} MB), RSS growth ${g.toFixed(2)} MB/month, heap growth ${h.toFixed(2)} MB/month ` +
            `(post-GC RSS per month: ${report.monthRssMb.map((m) => m.toFixed(0)).join(' ')})`,
        );
      } finally {
        await schema.drop();
      }
    }
  } finally {
    await fake.close();
  }
  return {
    backfill_peak_rss_mb: figure(
      'MB',
      peaks,
      `child process, ${sizes.months}-month 1-min backfill of one symbol (${rows} rows)`,
    ),
    rss_growth_mb_per_month: figure(
      'MB/month',
      growth,
      'least-squares slope of post-GC RSS after each month, second half of the months',
    ),
    heap_growth_mb_per_month: figure(
      'MB/month',
      heapGrowth,
      'the same slope of post-GC heapUsed: what JavaScript really retains',
    ),
  };
}

/** The first months include warm-up (JIT, pools, caches): fit the slope on the second half. */
function tailSlope(perMonth: readonly number[]): number {
  const tail = perMonth.slice(Math.floor(perMonth.length / 2));
  return slope(
    tail.map((_, j) => j),
    tail,
  );
}
