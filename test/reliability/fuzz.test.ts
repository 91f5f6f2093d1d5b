/**
 * Reliability §5, fuzzing: fast-check mutates real recorded responses (fuzz-model.ts) and feeds
 * them through the extractor's parse (a stub fetch) and the Transformer in memory — and a sampled
 * subset through the fake server and a Pipeline into PostgreSQL. Every case must end as a typed
 * error (StockEtlError) or as rows and rejects, never an untyped throw, an unhandled rejection, a
 * row that is not in the input (or is invalid), or a watermark past the newest stored bar.
 * Seeded: RELIABILITY_SEED=<n> replays a run; a failure prints its seed and the mutations.
 */
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlphaVantageExtractor } from '../../src/alpha-vantage/extractor';
import type { PriceBar, TimeSeries } from '../../src/alpha-vantage/types';
import { isStockEtlError } from '../../src/errors/stock-etl-error';
import { type Dataset, Pipeline } from '../../src/pipeline';
import { Transformer } from '../../src/transform/transformer';
import {
  BASES,
  conflictingKeys,
  inputBars,
  type Model,
  modelOf,
  type PlainRow,
  render,
  wallClockOf,
  wrongRow,
  zoneOf,
} from './fuzz-model';
import { fuzzCase } from './fuzz-mutations';
import {
  API_KEY,
  dropSchemas,
  fakeServer,
  freshSchema,
  HAS_PG,
  instantClock,
  KNOWN_CODES,
  pgPool,
  report,
  sized,
} from './harness';

const SEED = Number(process.env.RELIABILITY_SEED ?? 20_261_201);
const NOW = Date.parse('2026-05-16T12:00:00Z');
const NOW_DATE = '2026-05-16';

/** An extractor whose every request is answered with `body()`. */
function stubExtractor(body: () => string, report: boolean): AlphaVantageExtractor {
  return new AlphaVantageExtractor({
    apiKey: API_KEY,
    baseUrl: 'http://fuzz.invalid',
    plan: 'premium-1200',
    rateLimit: { perSecond: null, perMinute: null, perDay: null },
    retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1 },
    clock: instantClock(),
    malformedRows: report ? 'report' : 'throw',
    fetch: async () =>
      new Response(body(), { status: 200, headers: { 'content-type': 'application/json' } }),
  });
}

/** Parse + transform one body in memory; returns the rows in a common shape, or the typed error. */
async function inMemory(model: Model, body: string, report: boolean) {
  const { base } = model;
  const extractor = stubExtractor(() => body, report);
  const transformer = new Transformer({ clock: { now: () => NOW, sleep: async () => {} } });
  try {
    if (base.kind === 'daily') {
      const series = await extractor.daily(base.symbol);
      const out = transformer.daily(series, { symbol: base.symbol, now: NOW });
      return {
        rows: out.rows.map((r) => ({ key: r.tradeDate, ...pick(r) })),
        rejects: out.rejects.length,
      };
    }
    const interval = base.interval as '1min' | '5min';
    const series: TimeSeries<PriceBar> = await extractor.intraday(base.symbol, { interval });
    const out = transformer.intraday(series, { symbol: base.symbol, interval, now: NOW });
    return {
      rows: out.rows.map((r) => ({ key: wallClockOf(r.ts, zoneOf(model)), ...pick(r) })),
      rejects: out.rejects.length,
    };
  } catch (error) {
    return { error };
  }
}

function pick(r: { open: string; high: string; low: string; close: string; volume: string }) {
  return { open: r.open, high: r.high, low: r.low, close: r.close, volume: String(r.volume) };
}

let lastProblem = '';
/** An error for a broken invariant; its text is kept for the failure message. */
function problem(text: string): Error {
  lastProblem = text.slice(0, 2000);
  return new Error(lastProblem);
}

/** Names the case for a failure message. */
const describeCase = (model: Model, labels: string[]) => `${model.base.name}: ${labels.join('; ')}`;

describe('fuzzing mutated recorded responses', () => {
  it('in memory: parse + Transformer end in a typed error or correct rows', async () => {
    const numRuns = sized(400, 11_000);
    let cases = 0;
    let typedErrors = 0;
    let withRows = 0;
    let unhandled = 0;
    const onUnhandled = () => {
      unhandled++;
    };
    process.on('unhandledRejection', onUnhandled);
    let failure: string | undefined;
    try {
      await fc.assert(
        fc.asyncProperty(fuzzCase, async (c) => {
          cases++;
          const model = modelOf(BASES[c.base] as (typeof BASES)[number]);
          for (const m of c.mutations) m.apply(model);
          const body = render(model);
          const out = await inMemory(model, body, c.report);
          const what = describeCase(
            model,
            c.mutations.map((m) => m.label),
          );
          if ('error' in out) {
            if (!isStockEtlError(out.error) || !KNOWN_CODES.has(out.error.code)) {
              throw problem(`untyped error for ${what}: ${String(out.error)}`);
            }
            typedErrors++;
            return;
          }
          const input = inputBars(model);
          const conflicts = conflictingKeys(input);
          const keys = new Set<string>();
          for (const row of out.rows as PlainRow[]) {
            const wrong = wrongRow(row, model.base.kind, input, conflicts, NOW_DATE);
            if (wrong) throw problem(`wrong row for ${what}: ${wrong}`);
            if (keys.has(row.key)) throw problem(`row ${row.key} twice for ${what}`);
            keys.add(row.key);
          }
          if (out.rows.length > 0) withRows++;
        }),
        { seed: SEED, numRuns, endOnFailure: true },
      );
    } catch (error) {
      failure = `${lastProblem}\n${String(error).slice(0, 3000)}`;
    } finally {
      await new Promise((resolve) => setTimeout(resolve, 50));
      process.off('unhandledRejection', onUnhandled);
    }
    const crashed = failure?.includes('untyped error') || unhandled > 0 ? 1 : 0;
    const wrong = failure && !crashed ? 1 : 0;
    report({
      fuzz_cases: cases,
      fuzz_crashes: crashed + unhandled,
      fuzz_wrong_rows: wrong,
      summary: `seed ${SEED}: ${cases} cases, ${typedErrors} typed errors, ${withRows} with rows, ${unhandled} unhandled rejections`,
    });
    expect(failure, failure).toBeUndefined();
    expect(unhandled).toBe(0);
    expect(cases).toBe(numRuns);
  });

  it('a 50 MB body (5 MB at the quick size) ends as rows or a typed error, bounded', async () => {
    const model = modelOf(BASES[0] as (typeof BASES)[number]);
    const mb = sized(5, 50);
    model.extra.push(['padding', 'x'.repeat(mb * 1024 * 1024)]);
    const body = render(model);
    expect(body.length).toBeGreaterThan(mb * 1024 * 1024);
    const out = await inMemory(model, body, true);
    if ('error' in out) {
      expect(isStockEtlError(out.error), String(out.error)).toBe(true);
    } else {
      const input = inputBars(model);
      for (const row of out.rows) {
        expect(wrongRow(row, 'daily', input, new Set(), NOW_DATE)).toBeNull();
      }
    }
    report({
      fuzz_cases: 1,
      summary:
        'error' in out
          ? `${mb} MB: typed ${(out.error as { code: string }).code}`
          : `${mb} MB: ${out.rows.length} rows, ${out.rejects} rejects`,
    });
  });
});

describe.runIf(HAS_PG)('fuzzing through the fake server and a Pipeline [pg]', () => {
  let pool: pg.Pool;
  const schemas: string[] = [];
  beforeAll(() => {
    pool = pgPool();
  });
  afterAll(async () => {
    await dropSchemas(pool, schemas);
    await pool.end();
  });

  it('stored rows are input rows, the watermark is the newest stored bar', async () => {
    const numRuns = sized(15, 150);
    const schema = await freshSchema(pool, 'fuzz_db', schemas);
    const q = `"${schema}"`;
    let cases = 0;
    let stored = 0;
    let failedJobs = 0;
    let failure: string | undefined;
    try {
      await fc.assert(
        fc.asyncProperty(fuzzCase, async (c) => {
          cases++;
          const model = modelOf(BASES[c.base] as (typeof BASES)[number]);
          for (const m of c.mutations) m.apply(model);
          const { base } = model;
          const fn = base.kind === 'daily' ? 'TIME_SERIES_DAILY' : 'TIME_SERIES_INTRADAY';
          const server = await fakeServer({
            fixtures: [{ match: { function: fn, symbol: base.symbol }, body: render(model) }],
          });
          try {
            await pool.query(
              `TRUNCATE ${q}.stock_prices, ${q}.stock_prices_intraday, ${q}.etl_watermarks, ${q}.etl_rejected_rows, ${q}.etl_backfill_ledger`,
            );
            const pipeline = new Pipeline({
              db: pool,
              schema,
              extractor: new AlphaVantageExtractor({
                apiKey: API_KEY,
                baseUrl: server.url,
                plan: 'premium-1200',
                rateLimit: { perSecond: null, perMinute: null, perDay: null },
                retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1 },
                clock: instantClock(),
                malformedRows: c.report ? 'report' : 'throw',
              }),
            });
            const dataset: Dataset =
              base.kind === 'daily' ? 'daily' : `intraday:${base.interval ?? '5min'}`;
            const job = await pipeline.run(base.symbol, dataset);
            const what = describeCase(
              model,
              c.mutations.map((m) => m.label),
            );
            if (job.status === 'failed') {
              failedJobs++;
              if (!KNOWN_CODES.has(job.error?.code ?? '')) {
                throw problem(`untyped job error for ${what}: ${JSON.stringify(job.error)}`);
              }
            }
            const { rows } = await pool.query<PlainRow & { at: string }>(
              base.kind === 'daily'
                ? `SELECT trade_date::text AS key, trade_date::text AS at, open::text, high::text, low::text, close::text, volume::text FROM ${q}.stock_prices`
                : `SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, open::text, high::text, low::text, close::text, volume::text FROM ${q}.stock_prices_intraday`,
            );
            const input = inputBars(model);
            const conflicts = conflictingKeys(input);
            let newest = Number.NEGATIVE_INFINITY;
            for (const r of rows) {
              const row = {
                ...r,
                key: base.kind === 'daily' ? r.key : wallClockOf(r.at, zoneOf(model)),
              };
              const wrong = wrongRow(row, base.kind, input, conflicts, NOW_DATE);
              if (wrong) throw problem(`wrong stored row for ${what}: ${wrong}`);
              newest = Math.max(newest, Date.parse(r.at));
            }
            stored += rows.length;
            const marks = await pool.query<{ last_point: string }>(
              `SELECT last_point FROM ${q}.etl_watermarks WHERE symbol = $1`,
              [base.symbol],
            );
            for (const m of marks.rows) {
              if (!(Date.parse(m.last_point) <= newest)) {
                throw problem(
                  `watermark ${m.last_point} past the newest stored bar (${rows.length} rows) for ${what}`,
                );
              }
            }
          } finally {
            await server.close();
          }
        }),
        { seed: SEED + 1, numRuns, endOnFailure: true },
      );
    } catch (error) {
      failure = `${lastProblem}\n${String(error).slice(0, 3000)}`;
    }
    const crashed = failure?.includes('untyped') ? 1 : 0;
    report({
      fuzz_cases: cases,
      fuzz_crashes: crashed,
      fuzz_wrong_rows: failure && !crashed ? 1 : 0,
      summary: `seed ${SEED + 1}: ${cases} cases through PostgreSQL, ${stored} rows stored, ${failedJobs} jobs failed typed`,
    });
    expect(failure, failure).toBeUndefined();
  });
});
