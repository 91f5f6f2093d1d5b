import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/types';
import { failStaleJobs, finishJobLog, heartbeatJobLog, startJobLog } from '../../src/load/job-log';
import { Loader } from '../../src/load/loader';
import {
  advanceWatermark,
  markMonthComplete,
  readLedger,
  readWatermark,
} from '../../src/load/progress';
import type {
  DailyPriceRow,
  IntradayPriceRow,
  PeriodPriceRow,
  StockRow,
} from '../../src/transform/rows';
import { describeEachDb } from '../helpers/db';

function intradayRows(symbol: string, n: number, base = 100): IntradayPriceRow[] {
  const start = Date.UTC(2024, 2, 11, 13, 30);
  return Array.from({ length: n }, (_, i) => {
    const p = (base + (i % 50) / 100).toFixed(4);
    return {
      symbol,
      interval: '1min' as const,
      ts: new Date(start + i * 60_000).toISOString(),
      open: p,
      high: (Number(p) + 0.5).toFixed(4),
      low: (Number(p) - 0.5).toFixed(4),
      close: p,
      volume: String(1000 + i),
    };
  });
}

function daily(symbol: string, tradeDate: string, close: string, adjusted = false): DailyPriceRow {
  return {
    symbol,
    tradeDate,
    open: '10.0000',
    high: '12.0000',
    low: '9.0000',
    close,
    volume: '5000000000',
    adjustedClose: adjusted ? '10.1234567890123' : null,
    dividendAmount: adjusted ? '0.0000' : null,
    splitCoefficient: adjusted ? '1.0' : null,
  };
}

function stock(symbol: string, over: Partial<StockRow> = {}): StockRow {
  return {
    symbol,
    name: null,
    exchange: null,
    assetType: null,
    currency: null,
    sector: null,
    industry: null,
    country: null,
    ipoDate: null,
    delistingDate: null,
    isActive: true,
    overview: null,
    ...over,
  };
}

describeEachDb('Loader', (ctx) => {
  for (const method of ['unnest', 'copy'] as const) {
    it(`counts inserted / unchanged / updated exactly (${method})`, async () => {
      const loader = new Loader({ db: ctx.handle, schema: ctx.schema, method, batchSize: 700 });
      const rows = [...intradayRows('AAA', 1500), ...intradayRows('BBB', 500)];
      expect(await loader.loadIntraday(rows)).toEqual({ inserted: 2000, updated: 0, unchanged: 0 });
      expect(await loader.loadIntraday(rows)).toEqual({ inserted: 0, updated: 0, unchanged: 2000 });
      const changed = rows.map((r, i) => (i % 10 === 0 ? { ...r, close: r.high } : r));
      const extra = intradayRows('CCC', 3);
      expect(await loader.loadIntraday([...changed, ...extra])).toEqual({
        inserted: 3,
        updated: 200,
        unchanged: 1800,
      });
      const { rows: count } = await ctx.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${ctx.q}.stock_prices_intraday`,
      );
      expect(count[0]?.n).toBe(2003);
    });
  }

  it('COPYs straight into the table when every key is new, merges through staging otherwise', async () => {
    const copies: string[] = [];
    // A Db that records COPY statements (branded so toDb takes it as already wrapped).
    const recording = (db: Db): Db =>
      Object.defineProperty(
        {
          driver: db.driver,
          query: db.query.bind(db),
          exec: db.exec.bind(db),
          transaction: <T>(fn: (tx: Db) => Promise<T>) => db.transaction((tx) => fn(recording(tx))),
          copyFrom: (sql: string, chunks: Iterable<string> | AsyncIterable<string>) => {
            copies.push(sql.replace(ctx.q, 'S'));
            return db.copyFrom(sql, chunks);
          },
        },
        Symbol.for('stock-etl.db'),
        { value: true },
      );
    const loader = new Loader({ db: recording(ctx.db), schema: ctx.schema, method: 'copy' });
    const march = intradayRows('AAA', 1000);
    expect(await loader.loadIntraday(march)).toEqual({ inserted: 1000, updated: 0, unchanged: 0 });
    expect(copies).toEqual([
      'COPY S.stock_prices_intraday (symbol, interval, ts, open, high, low, close, volume) FROM STDIN',
    ]);
    // Later bars of the same symbol, and an earlier symbol's range untouched: still all new.
    const later = intradayRows('AAA', 2000).slice(1000);
    expect(await loader.loadIntraday([...later, ...intradayRows('BBB', 10)])).toEqual({
      inserted: 1010,
      updated: 0,
      unchanged: 0,
    });
    expect(copies).toHaveLength(2);
    expect(copies[1]).toMatch(/^COPY S\.stock_prices_intraday/);
    // Overlapping keys: staged, then merged (5 changed, 5 unchanged, 3 new).
    const overlap = [
      ...march.slice(0, 5).map((r) => ({ ...r, close: r.high })),
      ...march.slice(5, 10),
      ...intradayRows('CCC', 3),
    ];
    expect(await loader.loadIntraday(overlap)).toEqual({ inserted: 3, updated: 5, unchanged: 5 });
    expect(copies[2]).toMatch(/^COPY stock_etl_stage_stock_prices_intraday/);
    // Every row of AAA new except one stored key in the middle of the range: not "all new".
    const gap = intradayRows('AAA', 3000).slice(1999);
    expect(await loader.loadIntraday(gap)).toEqual({ inserted: 1000, updated: 0, unchanged: 1 });
    expect(copies[3]).toMatch(/^COPY stock_etl_stage_/);
  });

  it('treats numerically equal decimals as unchanged and keeps full precision', async () => {
    const loader = new Loader({ db: ctx.handle, schema: ctx.schema });
    await loader.loadDaily([daily('IBM', '2024-01-02', '10.5000', true)], { adjusted: true });
    const again = await loader.loadDaily([daily('IBM', '2024-01-02', '10.5', true)], {
      adjusted: true,
    });
    expect(again).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
    const { rows } = await ctx.db.query<{ adjusted_close: string; volume: string }>(
      `SELECT adjusted_close::text, volume::text FROM ${ctx.q}.stock_prices`,
    );
    expect(rows[0]).toEqual({ adjusted_close: '10.1234567890123', volume: '5000000000' });
  });

  it('deduplicates keys inside a batch (last wins)', async () => {
    const loader = new Loader({ db: ctx.handle, schema: ctx.schema, method: 'copy' });
    const [a] = intradayRows('DUP', 1);
    const result = await loader.loadIntraday([a!, { ...a!, close: a!.high }]);
    expect(result).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    const { rows } = await ctx.db.query<{ close: string }>(
      `SELECT close::text FROM ${ctx.q}.stock_prices_intraday`,
    );
    expect(rows[0]?.close).toBe(a!.high);
    // A duplicate far apart in an otherwise ordered batch, against existing rows (staged path).
    const [b, c, d] = intradayRows('DUP', 4).slice(1);
    const again = await loader.loadIntraday([b!, c!, d!, { ...b!, close: b!.low }, a!]);
    expect(again).toEqual({ inserted: 3, updated: 1, unchanged: 0 });
    const stored = await ctx.db.query<{ close: string }>(
      `SELECT close::text FROM ${ctx.q}.stock_prices_intraday WHERE ts = $1`,
      [b!.ts],
    );
    expect(stored.rows[0]?.close).toBe(b!.low);
  });

  it('writes nothing of a batch that fails', async () => {
    const loader = new Loader({
      db: ctx.handle,
      schema: ctx.schema,
      batchSize: 10,
      method: 'unnest',
    });
    const rows = intradayRows('BAD', 50);
    rows[45] = { ...rows[45]!, interval: '2min' as never }; // violates the CHECK in the last batch
    await expect(loader.loadIntraday(rows)).rejects.toThrow();
    const { rows: count } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${ctx.q}.stock_prices_intraday`,
    );
    expect(count[0]?.n).toBe(0);
  });

  it('never clears adjusted columns with an unadjusted load', async () => {
    const loader = new Loader({ db: ctx.handle, schema: ctx.schema });
    await loader.loadDaily([daily('IBM', '2024-01-02', '10.5', true)], { adjusted: true });
    const r = await loader.loadDaily([daily('IBM', '2024-01-02', '10.6')], { adjusted: false });
    expect(r).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    const { rows } = await ctx.db.query<{ close: string; adjusted_close: string | null }>(
      `SELECT close::text, adjusted_close::text FROM ${ctx.q}.stock_prices`,
    );
    expect(rows[0]).toEqual({ close: '10.6', adjusted_close: '10.1234567890123' });
  });

  it('keeps one weekly row while the open week moves its date key', async () => {
    const loader = new Loader({ db: ctx.handle, schema: ctx.schema });
    const week = (lastTradeDate: string, close: string): PeriodPriceRow => ({
      symbol: 'IBM',
      periodStart: '2024-03-11',
      lastTradeDate,
      open: '10',
      high: '12',
      low: '9',
      close,
      volume: '100',
      adjustedClose: null,
      dividendAmount: null,
    });
    expect(
      await loader.loadPeriod('weekly', [week('2024-03-13', '11')], { adjusted: false }),
    ).toEqual({
      inserted: 1,
      updated: 0,
      unchanged: 0,
    });
    expect(
      await loader.loadPeriod('weekly', [week('2024-03-15', '11.5')], { adjusted: false }),
    ).toEqual({
      inserted: 0,
      updated: 1,
      unchanged: 0,
    });
    const { rows } = await ctx.db.query<{ last: string }>(
      `SELECT to_char(last_trade_date, 'YYYY-MM-DD') AS last FROM ${ctx.q}.stock_prices_weekly`,
    );
    expect(rows).toEqual([{ last: '2024-03-15' }]);
  });

  it('merges master data without erasing known fields and soft-deletes delisted symbols', async () => {
    const loader = new Loader({ db: ctx.handle, schema: ctx.schema });
    await loader.loadStocks([
      stock('IBM', { name: 'IBM', sector: 'TECHNOLOGY', overview: { Symbol: 'IBM' } }),
      stock('OLD', { name: 'Old Co' }),
    ]);
    const listing = await loader.loadStocks([
      stock('IBM', {
        name: 'International Business Machines Corp',
        exchange: 'NYSE',
        ipoDate: '1962-01-02',
      }),
      stock('OLD', { name: 'Old Co', isActive: false, delistingDate: '2024-05-01' }),
    ]);
    expect(listing).toEqual({ inserted: 0, updated: 2, unchanged: 0 });
    const { rows } = await ctx.db.query<Record<string, unknown>>(
      `SELECT symbol, name, sector, exchange, is_active, deactivated_at IS NOT NULL AS gone, overview
         FROM ${ctx.q}.stocks ORDER BY symbol`,
    );
    expect(rows).toEqual([
      {
        symbol: 'IBM',
        name: 'International Business Machines Corp',
        sector: 'TECHNOLOGY',
        exchange: 'NYSE',
        is_active: true,
        gone: false,
        overview: { Symbol: 'IBM' },
      },
      {
        symbol: 'OLD',
        name: 'Old Co',
        sector: null,
        exchange: null,
        is_active: false,
        gone: true,
        overview: null,
      },
    ]);
    expect(await loader.deactivateStocks(['IBM', 'OLD', 'NOPE'])).toBe(1);
    const again = await loader.loadStocks([stock('OLD', { name: 'Old Co' })]);
    expect(again.updated).toBe(1); // relisted → reactivated
  });

  it('stores quarantined rows with reason and raw values', async () => {
    const loader = new Loader({ db: ctx.handle, schema: ctx.schema });
    const n = await loader.quarantine([
      {
        dataset: 'daily',
        symbol: 'IBM',
        sourceKey: '2024-01-02',
        reason: 'low > high',
        raw: { low: '3', high: '2' },
      },
    ]);
    expect(n).toBe(1);
    const { rows } = await ctx.db.query<Record<string, unknown>>(
      `SELECT dataset, symbol, source_key, reason, raw FROM ${ctx.q}.etl_rejected_rows`,
    );
    expect(rows).toEqual([
      {
        dataset: 'daily',
        symbol: 'IBM',
        source_key: '2024-01-02',
        reason: 'low > high',
        raw: { low: '3', high: '2' },
      },
    ]);
  });

  it('loads index prices and registers the index', async () => {
    const loader = new Loader({ db: ctx.handle, schema: ctx.schema });
    await loader.upsertIndices([{ symbol: 'SPX', name: 'S&P 500' }]);
    const r = await loader.loadIndexPrices([
      {
        symbol: 'SPX',
        tradeDate: '2024-01-02',
        open: '4745.2',
        high: '4754.33',
        low: '4722.67',
        close: '4742.83',
        volume: null,
      },
      {
        symbol: 'DJI',
        tradeDate: '2024-01-02',
        open: '1',
        high: '2',
        low: '1',
        close: '2',
        volume: '5',
      },
    ]);
    expect(r.inserted).toBe(2);
    const { rows } = await ctx.db.query<{ symbol: string; name: string | null }>(
      `SELECT symbol, name FROM ${ctx.q}.market_indices ORDER BY symbol`,
    );
    expect(rows).toEqual([
      { symbol: 'DJI', name: null },
      { symbol: 'SPX', name: 'S&P 500' },
    ]);
  });

  it('moves watermarks forward only and keeps the backfill ledger', async () => {
    const at = new Date('2024-06-01T00:00:00Z');
    await advanceWatermark(ctx.db, ctx.q, 'IBM', 'daily', '2024-05-31', at);
    await advanceWatermark(ctx.db, ctx.q, 'IBM', 'daily', '2024-05-01', at);
    expect((await readWatermark(ctx.db, ctx.q, 'IBM', 'daily'))?.lastPoint).toBe('2024-05-31');
    expect(await readWatermark(ctx.db, ctx.q, 'IBM', 'weekly')).toBeNull();
    await markMonthComplete(ctx.db, ctx.q, 'IBM', 'intraday:1min', '2024-03', 100, at);
    await markMonthComplete(ctx.db, ctx.q, 'IBM', 'intraday:1min', '2024-04', 90, at);
    expect(
      await markMonthComplete(ctx.db, ctx.q, 'IBM', 'intraday:1min', '2024-04', 95, at, 2),
    ).toBe(2);
    expect(await readLedger(ctx.db, ctx.q, 'IBM', 'intraday:1min')).toEqual(
      new Map([
        ['2024-03', { rowsLoaded: 100, rowsRejected: 0, fetches: 1 }],
        ['2024-04', { rowsLoaded: 95, rowsRejected: 2, fetches: 2 }],
      ]),
    );
  });

  it('records jobs and fails stale running ones', async () => {
    const t0 = new Date('2024-06-01T00:00:00Z');
    const a = await startJobLog(ctx.db, ctx.q, { dataset: 'daily', symbol: 'IBM', startedAt: t0 });
    const b = await startJobLog(ctx.db, ctx.q, { dataset: 'daily', symbol: 'MSFT', startedAt: t0 });
    await heartbeatJobLog(ctx.db, ctx.q, b, new Date('2024-06-01T00:50:00Z'));
    await finishJobLog(
      ctx.db,
      ctx.q,
      a,
      {
        status: 'success',
        extracted: 3,
        inserted: 2,
        updated: 1,
        unchanged: 0,
        rejected: 0,
        apiCalls: 1,
        durationMs: 12.4,
      },
      new Date('2024-06-01T00:00:01Z'),
    );
    const c = await startJobLog(ctx.db, ctx.q, { dataset: 'daily', symbol: 'AAPL', startedAt: t0 });
    expect(await failStaleJobs(ctx.db, ctx.q, new Date('2024-06-01T01:00:00Z'), 30 * 60_000)).toBe(
      1,
    );
    const { rows } = await ctx.db.query<{ id: number; status: string; error_code: string | null }>(
      `SELECT id::int, status, error_code FROM ${ctx.q}.etl_job_logs ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: a, status: 'success', error_code: null },
      { id: b, status: 'running', error_code: null },
      { id: c, status: 'failed', error_code: 'STALE' },
    ]);
  });
});

describe('Loader options', () => {
  it('rejects a hostile schema name', () => {
    expect(
      () =>
        new Loader({
          db: { query: async () => ({ rows: [], rowCount: 0 }) } as never,
          schema: 'a;b',
        }),
    ).toThrow(/plain identifier/);
  });
});
