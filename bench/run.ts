/**
 * `npm run bench [-- --quick] [--only load,pipeline] [--out file.json] [--limiter-leeway ms]`
 *
 * Measures the figures of issue 4 against DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test) and embedded PGlite, prints a table and writes
 * `bench/results.json` (`--quick`: tiny sizes for CI, written to `.tmp/bench-results.quick.json`).
 * Always exits 0 when the measurements ran: missed targets are flagged, not fatal, so a noisy CI
 * machine never fails a build on timing. A crash (e.g. no database) exits 1.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newPool, serverVersion } from './lib/db';
import { describeMachine } from './lib/machine';
import { evaluateTargets, renderTable } from './lib/report';
import { type Figure, ratioFigure } from './lib/stats';
import { benchLimiter, type LimiterSizes } from './sections/limiter';
import { benchLoad, type LoadSizes } from './sections/load';
import { benchMemory, type MemorySizes } from './sections/memory';
import { benchPglite, type PgliteSizes } from './sections/pglite';
import { benchPipeline, type PipelineSizes } from './sections/pipeline';
import { benchScaleout, type ScaleoutSizes } from './sections/scaleout';
import { benchStream, type StreamSizes } from './sections/stream';

interface Plan {
  load: LoadSizes;
  pipeline: PipelineSizes;
  limiter: LimiterSizes;
  memory: MemorySizes;
  pglite: PgliteSizes;
  stream: StreamSizes;
  scaleout: ScaleoutSizes;
}

const FULL: Plan = {
  load: {
    symbols: 100,
    bars: 10_000,
    updateRows: 250_000,
    naiveRows: 5_000,
    valuesRows: 100_000,
    runs: 3,
  },
  pipeline: { symbols: 3, months: 12, runs: 3 },
  limiter: { perSecond: 20, seconds: 10, callers: 4, runs: 3, leewayMs: 0 },
  memory: { months: 24, runs: 3 },
  pglite: { symbols: 10, bars: 10_000, runs: 3 },
  stream: { symbols: 10, perDay: 1000, runs: 3 },
  scaleout: { perSecond: 20, seconds: 10, callers: 4, runs: 3, costRequests: 2_000 },
};

const QUICK: Plan = {
  load: { symbols: 5, bars: 1_000, updateRows: 5_000, naiveRows: 500, valuesRows: 5_000, runs: 3 },
  pipeline: { symbols: 2, months: 1, runs: 3 },
  limiter: { perSecond: 20, seconds: 2, callers: 4, runs: 3, leewayMs: 0 },
  memory: { months: 2, runs: 1 },
  pglite: { symbols: 2, bars: 1_000, runs: 3 },
  stream: { symbols: 5, perDay: 150, runs: 1 },
  scaleout: { perSecond: 20, seconds: 2, callers: 4, runs: 1, costRequests: 200 },
};

const SECTIONS = ['load', 'pipeline', 'limiter', 'memory', 'pglite', 'stream', 'scaleout'] as const;
type Section = (typeof SECTIONS)[number];

function parseArgs(argv: readonly string[]) {
  const quick = argv.includes('--quick');
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const only = value('--only')?.split(',') ?? [...SECTIONS];
  for (const s of only) {
    if (!SECTIONS.includes(s as Section))
      throw new Error(`unknown section ${s}; one of ${SECTIONS.join(', ')}`);
  }
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const out =
    value('--out') ?? resolve(root, quick ? '.tmp/bench-results.quick.json' : 'bench/results.json');
  const leeway = value('--limiter-leeway');
  return {
    quick,
    only: new Set(only as Section[]),
    out,
    leewayMs: leeway === undefined ? undefined : Number(leeway),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const base = args.quick ? QUICK : FULL;
  const plan: Plan =
    args.leewayMs === undefined
      ? base
      : { ...base, limiter: { ...base.limiter, leewayMs: args.leewayMs } };
  const log = (line: string) => console.log(line);
  const started = performance.now();
  const pool = newPool();
  const figures: Record<string, Figure> = {};
  let postgres = 'unknown';
  try {
    postgres = await serverVersion(pool);
    log(`stock-etl benchmark (${args.quick ? 'quick' : 'full'}), PostgreSQL ${postgres}`);
    const section = async (name: Section, fn: () => Promise<Record<string, Figure>>) => {
      if (!args.only.has(name)) return;
      const t = performance.now();
      log(`${name}…`);
      Object.assign(figures, await fn());
      log(`  (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    };
    await section('load', () => benchLoad(pool, plan.load, log));
    await section('pipeline', () => benchPipeline(pool, plan.pipeline, log));
    await section('limiter', () => benchLimiter(plan.limiter, log));
    await section('memory', () => benchMemory(pool, plan.memory, log));
    await section('pglite', () => benchPglite(plan.pglite, log));
    await section('stream', () => benchStream(plan.stream, log));
    await section('scaleout', () => benchScaleout(pool, plan.scaleout, log));
  } finally {
    await pool.end();
  }
  // Ratios pair run i with run i: both were measured in the same iteration of the same process.
  const { pipeline_backfill_rows_s: pipe, copy_ceiling_rows_s: copy } = figures;
  const { loader_insert_rows_s: ins, naive_insert_rows_s: naive } = figures;
  if (pipe && copy) {
    figures.ratio_pipeline_to_copy = ratioFigure(
      pipe,
      copy,
      'pipeline_backfill_rows_s ÷ copy_ceiling_rows_s',
    );
  }
  if (ins && naive) {
    figures.ratio_loader_to_naive = ratioFigure(
      ins,
      naive,
      'loader_insert_rows_s ÷ naive_insert_rows_s',
    );
  }
  // A partial run (--only) replaces its own figures and keeps the other sections' (merge by key).
  const previous = readPrevious(args.out, args.quick ? 'quick' : 'full');
  const merged = { ...previous.figures, ...figures };
  const targets = evaluateTargets(merged);
  const totalSeconds = (performance.now() - started) / 1000;
  const sizes = Object.fromEntries(
    Object.entries(plan).filter(([name]) => args.only.has(name as Section)),
  );
  const results = {
    machine: describeMachine(postgres),
    generatedAt: new Date().toISOString(),
    mode: args.quick ? 'quick' : 'full',
    totalSeconds: Math.round(totalSeconds * 10) / 10,
    sizes: { ...previous.sizes, ...sizes },
    figures: merged,
    targets,
  };
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  log('');
  log(renderTable(figures, targets));
  const missed = Object.entries(targets).filter(([, t]) => !t.met);
  log('');
  log(
    missed.length === 0
      ? 'All targets met.'
      : `TARGETS MISSED: ${missed.map(([name]) => name).join(', ')} (see bench/README.md)`,
  );
  log(`Wrote ${args.out} in ${totalSeconds.toFixed(1)} s.`);
}

/** The figures and sizes already in `out` from a run of the same mode, to merge into. */
function readPrevious(
  out: string,
  mode: string,
): { figures: Record<string, Figure>; sizes: Record<string, unknown> } {
  if (!existsSync(out)) return { figures: {}, sizes: {} };
  try {
    const old = JSON.parse(readFileSync(out, 'utf8')) as {
      mode?: string;
      figures?: Record<string, Figure>;
      sizes?: Record<string, unknown>;
    };
    if (old.mode !== mode) return { figures: {}, sizes: {} };
    return { figures: old.figures ?? {}, sizes: old.sizes ?? {} };
  } catch {
    return { figures: {}, sizes: {} };
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
