/**
 * The Pipeline composed from stages: a FileExtractor as the source, a Transformer with steps of
 * the host, a Loader subclass that also writes the host's table in the job's transaction, and
 * the rows:committed event — after the commit, never before, never for a rollback.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../../src/db/types';
import type { LoadTable, LoadTables, TableLoadOptions } from '../../src/load/load-tables';
import { Loader } from '../../src/load/loader';
import { Pipeline } from '../../src/pipeline';
import type { RowsCommitted } from '../../src/pipeline/types';
import { FileExtractor } from '../../src/sources';
import { Transformer } from '../../src/transform';
import type { DailyPriceRow } from '../../src/transform/rows';
import { describeEachDb } from '../helpers/db';
import { TestClock } from '../helpers/pipeline';

const clock = new TestClock(Date.parse('2026-05-18T22:00:00Z'));
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stock-etl-composed-'));
  // A real recording (100 IBM bars up to 2026-05-15) and a small series with a zero-volume bar.
  copyFileSync(
    'test/fixtures/alpha-vantage/TIME_SERIES_DAILY__IBM_compact_csv_2026-05-15__portfoliotree.csv',
    join(dir, 'TIME_SERIES_DAILY__IBM.csv'),
  );
  writeFileSync(
    join(dir, 'TIME_SERIES_DAILY__MSFT.csv'),
    'timestamp,open,high,low,close,volume\n2026-05-15,420.0,425.0,418.0,424.0,0\n2026-05-14,415.0,421.0,414.0,420.0,1000\n2026-05-13,410.0,416.0,409.0,415.0,900\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dropZeroVolume = <R extends { volume: string | null }>(rows: readonly R[]) =>
  rows.filter((r) => r.volume !== '0');

/** A Db that logs its top-level commits (branded, so the pipeline takes it as already wrapped). */
function commitLogging(db: Db, log: string[]): Db {
  return Object.defineProperty(
    {
      driver: db.driver,
      query: db.query.bind(db),
      exec: db.exec.bind(db),
      copyFrom: db.copyFrom.bind(db),
      transaction: async <T>(fn: (tx: Db) => Promise<T>, options?: object) => {
        const result = await db.transaction(fn, options);
        log.push('commit');
        return result;
      },
    },
    Symbol.for('stock-etl.db'),
    { value: true },
  );
}

describeEachDb('Pipeline composed from stages', (ctx) => {
  const count = async (table: string, where = '') =>
    (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ctx.q}.${table} ${where}`))
      .rows[0]?.n;

  it('loads from a FileExtractor with no API call, and again unchanged', async () => {
    const pipeline = new Pipeline({
      db: ctx.handle,
      schema: ctx.schema,
      extractor: new FileExtractor({ dir }),
      clock,
    });
    const first = await pipeline.run('IBM', 'daily');
    expect(first).toMatchObject({ status: 'success', extracted: 100, inserted: 100, apiCalls: 0 });
    const again = await pipeline.run('IBM', 'daily');
    expect(again).toMatchObject({ status: 'success', inserted: 0, updated: 0, unchanged: 100 });
    const batch = await pipeline.runBatch(['IBM', 'AAPL'], 'daily');
    expect(batch.jobs[1]).toMatchObject({
      symbol: 'AAPL',
      status: 'failed',
      error: {
        code: 'SOURCE_FILE',
        message: expect.stringContaining('TIME_SERIES_DAILY__AAPL.json'),
      },
    });
    expect(batch.jobs[0]?.status).toBe('success');
  });

  it('backfills months from their own files, one rows:committed per month', async () => {
    copyFileSync(
      'test/fixtures/alpha-vantage/TIME_SERIES_INTRADAY__MSFT_1min_compact_json_2017-12-18__romeltorres.json',
      join(dir, 'TIME_SERIES_INTRADAY__MSFT__1min__2017-12.json'),
    );
    const pipeline = new Pipeline({
      db: ctx.handle,
      schema: ctx.schema,
      extractor: new FileExtractor({ dir }),
      clock,
    });
    const events: RowsCommitted[] = [];
    pipeline.on('rows:committed', (e) => events.push(e));
    const result = await pipeline.backfillIntraday('MSFT', {
      interval: '1min',
      from: '2017-11',
      to: '2017-12',
    });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({
      code: 'SOURCE_FILE',
      message: expect.stringContaining('TIME_SERIES_INTRADAY__MSFT__1min__2017-11.json'),
    });
    const fixed = await pipeline.backfillIntraday('MSFT', {
      interval: '1min',
      from: '2017-12',
      to: '2017-12',
    });
    expect(fixed).toMatchObject({ status: 'success', inserted: 100, apiCalls: 0 });
    expect(events).toEqual([
      expect.objectContaining({
        symbol: 'MSFT',
        dataset: 'intraday:1min',
        table: 'stock_prices_intraday',
        month: '2017-12',
        inserted: 100,
        from: '2017-12-18T18:17:00.000Z',
        to: '2017-12-18T19:56:00.000Z',
      }),
    ]);
    // The range is the stored rows' key range.
    const { rows } = await ctx.db.query<{ lo: string; hi: string }>(
      `SELECT to_char(min(ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS lo, to_char(max(ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS hi FROM ${ctx.q}.stock_prices_intraday`,
    );
    expect(rows[0]).toEqual({ lo: '2017-12-18T18:17', hi: '2017-12-18T19:56' });
  });

  it('runs the host steps; a step that throws fails its job only, with code STEP, loading nothing', async () => {
    const extractor = new FileExtractor({ dir });
    const pipeline = new Pipeline({
      db: ctx.handle,
      schema: ctx.schema,
      extractor,
      clock,
      steps: { daily: [dropZeroVolume] },
    });
    const msft = await pipeline.run('MSFT', 'daily');
    expect(msft).toMatchObject({ status: 'success', extracted: 3, inserted: 2, rejected: 0 });

    let failIbm = true;
    const checkIbm = (rows: readonly DailyPriceRow[]) => {
      if (failIbm && rows[0]?.symbol === 'IBM') throw new Error('reference data unavailable');
      return rows;
    };
    const strict = new Pipeline({
      db: ctx.handle,
      schema: ctx.schema,
      extractor,
      clock,
      transformer: new Transformer({ steps: { daily: [dropZeroVolume, checkIbm] } }),
    });
    const batch = await strict.runBatch(['IBM', 'MSFT'], 'daily');
    expect(batch.jobs[0]).toMatchObject({
      symbol: 'IBM',
      status: 'failed',
      error: {
        code: 'STEP',
        message: 'step "checkIbm" of daily for IBM threw: reference data unavailable',
      },
    });
    expect(batch.jobs[1]).toMatchObject({ symbol: 'MSFT', status: 'success', unchanged: 2 });
    expect(await count('stock_prices', "WHERE symbol = 'IBM'")).toBe(0);
    expect(await count('etl_watermarks', "WHERE symbol = 'IBM'")).toBe(0);
    const { rows } = await ctx.db.query<{ error_code: string }>(
      `SELECT error_code FROM ${ctx.q}.etl_job_logs WHERE symbol = 'IBM'`,
    );
    expect(rows).toEqual([{ error_code: 'STEP' }]);
    failIbm = false;
    expect((await strict.run('IBM', 'daily')).inserted).toBe(100);
  });

  it('quarantines what a step rejects, under the transformer policy', async () => {
    const noZeroVolume = (
      rows: readonly DailyPriceRow[],
      step: { reject(r: DailyPriceRow, why: string): void },
    ) => {
      for (const r of rows) if (r.volume === '0') step.reject(r, 'no trades');
      return rows;
    };
    const pipeline = new Pipeline({
      db: ctx.handle,
      schema: ctx.schema,
      extractor: new FileExtractor({ dir }),
      clock,
      steps: { daily: [noZeroVolume] },
    });
    expect(await pipeline.run('MSFT', 'daily')).toMatchObject({ inserted: 2, rejected: 1 });
    const { rows } = await ctx.db.query<{ source_key: string; reason: string }>(
      `SELECT source_key, reason FROM ${ctx.q}.etl_rejected_rows`,
    );
    expect(rows).toEqual([{ source_key: '2026-05-15', reason: 'step noZeroVolume: no trades' }]);
  });

  it('writes the host table through a Loader subclass in the job transaction, and emits after commit only', async () => {
    await ctx.db.exec(
      `CREATE TABLE ${ctx.q}.host_ranges (symbol text, trade_date date, range numeric, PRIMARY KEY (symbol, trade_date))`,
    );
    const log: string[] = [];
    let failAfterWrite = false;
    class RangeLoader extends Loader {
      override async load<T extends LoadTable>(
        table: T,
        rows: readonly LoadTables[T][],
        options: TableLoadOptions = {},
      ) {
        const counts = await super.load(table, rows, options);
        if (table === 'stock_prices' && options.tx) {
          const daily = rows as readonly (DailyPriceRow & { range?: string })[];
          await options.tx.query(
            `INSERT INTO ${ctx.q}.host_ranges SELECT * FROM unnest($1::text[], $2::date[], $3::numeric[])
             ON CONFLICT (symbol, trade_date) DO UPDATE SET range = EXCLUDED.range`,
            [
              daily.map((r) => r.symbol),
              daily.map((r) => r.tradeDate),
              daily.map((r) => r.range ?? null),
            ],
          );
        }
        log.push('load');
        if (failAfterWrite) throw new Error('sink unavailable');
        return counts;
      }
    }
    const withRange = (rows: readonly DailyPriceRow[]) =>
      rows.map((r) => ({ ...r, range: (Number(r.high) - Number(r.low)).toFixed(4) }));
    const db = commitLogging(ctx.db, log);
    const pipeline = new Pipeline({
      db,
      extractor: new FileExtractor({ dir }),
      clock,
      loader: new RangeLoader({ db, schema: ctx.schema }),
      steps: { daily: [withRange] },
    });
    expect(pipeline.schema).toBe(ctx.schema);
    const events: RowsCommitted[] = [];
    const seen: Promise<number | undefined>[] = [];
    pipeline.on('rows:committed', (e) => {
      log.push('event');
      events.push(e);
      // Another session (on pg) must see the rows already: the transaction has committed.
      seen.push(count('stock_prices', `WHERE symbol = '${e.symbol}'`));
    });
    // A listener that throws is logged and changes nothing: the rows stay committed.
    pipeline.on('rows:committed', () => {
      throw new Error('cache down');
    });
    const result = await pipeline.run('IBM', 'daily');
    expect(result).toMatchObject({ status: 'success', inserted: 100 });
    expect(events).toEqual([
      {
        jobId: result.jobId,
        symbol: 'IBM',
        dataset: 'daily',
        table: 'stock_prices',
        inserted: 100,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        from: '2025-12-22',
        to: '2026-05-15',
      },
    ]);
    expect(await Promise.all(seen)).toEqual([100]);
    const i = log.indexOf('load');
    expect(log.slice(i, i + 3)).toEqual(['load', 'commit', 'event']);
    expect(await count('host_ranges', "WHERE symbol = 'IBM' AND range = 3.2950")).toBe(1);

    failAfterWrite = true;
    const failed = await pipeline.run('MSFT', 'daily');
    expect(failed).toMatchObject({
      status: 'failed',
      error: { code: 'INTERNAL', message: 'sink unavailable' },
    });
    expect(events).toHaveLength(1); // no event for the rolled-back job
    expect(await count('stock_prices', "WHERE symbol = 'MSFT'")).toBe(0);
    expect(await count('host_ranges', "WHERE symbol = 'MSFT'")).toBe(0);
  });

  it('refuses stage options that contradict the stage given', () => {
    const base = { db: ctx.handle, extractor: new FileExtractor({ dir }) };
    const loader = new Loader({ db: ctx.handle, schema: ctx.schema });
    const cases: [object, string][] = [
      [
        { transformer: new Transformer({ rejectPolicy: 'skip' }), rejectPolicy: 'throw' },
        'options.rejectPolicy',
      ],
      [{ transformer: new Transformer(), steps: { daily: [] } }, 'options.steps'],
      [{ loader, load: { method: 'copy' } }, 'options.load'],
      [{ loader, schema: 'elsewhere' }, 'options.schema'],
      [{ loader: {} }, 'options.loader'],
      [{ transformer: {} }, 'options.transformer'],
    ];
    for (const [options, field] of cases) {
      expect(() => new Pipeline({ ...base, ...options } as never)).toThrow(
        expect.objectContaining({ code: 'VALIDATION', field }),
      );
    }
    const skip = new Pipeline({
      ...base,
      transformer: new Transformer({ rejectPolicy: 'skip' }),
      rejectPolicy: 'skip',
    });
    expect(skip.schema).toBe('stock_etl');
  });
});
