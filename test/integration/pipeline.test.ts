import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AdjustedPriceBar, PriceBar, TimeSeries } from '../../src/alpha-vantage/types';
import { MarketCalendar } from '../../src/calendar';
import { Pipeline, type PipelineExtractor } from '../../src/pipeline';
import type { FakeAlphaVantage } from '../../src/testing';
import { describeEachDb } from '../helpers/db';
import { extractorFor, fakeServerFor, TestClock } from '../helpers/pipeline';

// Friday 2024-03-15 after the close (EDT): the fake market's "now" and the pipeline's clock.
const clock = new TestClock(Date.parse('2024-03-15T21:00:00Z'));
let server: FakeAlphaVantage;
beforeAll(async () => {
  server = await fakeServerFor(clock);
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  clock.set('2024-03-15T21:00:00Z');
  server.reset();
});

/** An extractor that edits the fake's daily series on the way, like a source revision would. */
function revising(base: PipelineExtractor, edit: (bars: PriceBar[]) => void): PipelineExtractor {
  return Object.assign(Object.create(base) as PipelineExtractor, {
    daily: async (symbol: string, options: Parameters<PipelineExtractor['daily']>[1]) => {
      const series = await base.daily(symbol, options);
      edit(series.bars);
      return series;
    },
  });
}

describeEachDb('Pipeline end to end', (ctx) => {
  const pipelineWith = (extractor: PipelineExtractor = extractorFor(server), extra = {}) =>
    new Pipeline({ db: ctx.handle, schema: ctx.schema, extractor, clock, ...extra });

  it('loads daily bars, records the job, and a second run changes nothing', async () => {
    const pipeline = pipelineWith();
    const first = await pipeline.run('ibm', 'daily');
    expect(first).toMatchObject({
      symbol: 'IBM',
      dataset: 'daily',
      status: 'success',
      outputsize: 'full',
      apiCalls: 1,
    });
    expect(first.inserted).toBe(first.extracted);
    expect(first.inserted).toBeGreaterThan(1000);
    const second = await pipeline.run('IBM', 'daily');
    expect(second).toMatchObject({
      status: 'success',
      outputsize: 'compact',
      inserted: 0,
      updated: 0,
      unchanged: 100,
    });
    const { rows } = await ctx.db.query<Record<string, unknown>>(
      `SELECT dataset, symbol, status, rows_extracted, rows_inserted, rows_updated, rows_unchanged, api_calls, finished_at IS NOT NULL AS finished
         FROM ${ctx.q}.etl_job_logs ORDER BY id`,
    );
    expect(rows).toEqual([
      {
        dataset: 'daily',
        symbol: 'IBM',
        status: 'success',
        rows_extracted: first.extracted,
        rows_inserted: first.inserted,
        rows_updated: 0,
        rows_unchanged: 0,
        api_calls: 1,
        finished: true,
      },
      {
        dataset: 'daily',
        symbol: 'IBM',
        status: 'success',
        rows_extracted: 100,
        rows_inserted: 0,
        rows_updated: 0,
        rows_unchanged: 100,
        api_calls: 1,
        finished: true,
      },
    ]);
    const latest = await ctx.db.query<{ d: string }>(
      `SELECT to_char(max(trade_date), 'YYYY-MM-DD') AS d FROM ${ctx.q}.stock_prices WHERE symbol = 'IBM'`,
    );
    expect(latest.rows[0]?.d).toBe('2024-03-15');
  });

  it('a later run only adds the new bars', async () => {
    const pipeline = pipelineWith();
    await pipeline.run('IBM', 'daily');
    clock.set('2024-03-18T21:00:00Z'); // Monday after the close
    const later = await pipeline.run('IBM', 'daily');
    expect(later).toMatchObject({ outputsize: 'compact', inserted: 1, updated: 0, unchanged: 99 });
  });

  it('reports a source revision of one bar as one update', async () => {
    await pipelineWith().run('IBM', 'daily');
    const revised = revising(extractorFor(server), (bars) => {
      const bar = bars[3] as PriceBar;
      bar.close = bar.high; // still consistent OHLC, different value
      bar.volume = String(Number(bar.volume) + 1);
    });
    const result = await pipelineWith(revised).run('IBM', 'daily');
    expect(result).toMatchObject({ inserted: 0, updated: 1, unchanged: 99 });
  });

  it('quarantines invalid rows and still loads the rest', async () => {
    const broken = revising(extractorFor(server), (bars) => {
      (bars[0] as PriceBar).low = '999999'; // low > high
      (bars[1] as PriceBar).volume = '-5';
    });
    const result = await pipelineWith(broken).run('IBM', 'daily', { outputsize: 'compact' });
    expect(result).toMatchObject({ status: 'success', extracted: 100, inserted: 98, rejected: 2 });
    const { rows } = await ctx.db.query<{
      symbol: string;
      dataset: string;
      reason: string;
      raw: { time: string };
    }>(
      `SELECT symbol, dataset, reason, raw FROM ${ctx.q}.etl_rejected_rows ORDER BY source_key DESC`,
    );
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.symbol === 'IBM' && r.dataset === 'daily')).toBe(true);
    expect(rows[0]?.reason).toMatch(/low/);
    expect(rows[1]?.reason).toMatch(/volume/);
    const log = await ctx.db.query<{ rows_rejected: number; job: number }>(
      `SELECT l.rows_rejected, count(r.id)::int AS job FROM ${ctx.q}.etl_job_logs l
         LEFT JOIN ${ctx.q}.etl_rejected_rows r ON r.job_id = l.id GROUP BY l.id`,
    );
    expect(log.rows).toEqual([{ rows_rejected: 2, job: 2 }]);
  });

  it('quarantines a malformed number sent by the server', async () => {
    server.inject({ kind: 'malformed-number', match: { function: 'TIME_SERIES_DAILY' } });
    const result = await pipelineWith().run('IBM', 'daily', { outputsize: 'compact' });
    expect(result).toMatchObject({ status: 'success', rejected: 1, inserted: 99 });
  });

  it("with rejectPolicy 'throw' fails the job and loads nothing", async () => {
    const broken = revising(extractorFor(server), (bars) => {
      (bars[0] as PriceBar).low = '999999';
    });
    const result = await pipelineWith(broken, { rejectPolicy: 'throw' }).run('IBM', 'daily');
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('REJECTED_ROWS');
    const { rows } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${ctx.q}.stock_prices`,
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('keeps adjusted columns from daily_adjusted and raw OHLCV from both', async () => {
    const pipeline = pipelineWith();
    const adj = await pipeline.run('MSFT', 'daily_adjusted', { outputsize: 'compact' });
    expect(adj.inserted).toBe(100);
    const raw = await pipeline.run('MSFT', 'daily', { outputsize: 'compact' });
    expect(raw).toMatchObject({ inserted: 0, updated: 0, unchanged: 100 });
    const { rows } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${ctx.q}.stock_prices WHERE adjusted_close IS NOT NULL AND split_coefficient IS NOT NULL`,
    );
    expect(rows[0]?.n).toBe(100);
  });

  it('keeps one weekly and one monthly row for the open period as its date key moves', async () => {
    const pipeline = pipelineWith();
    clock.set('2024-03-13T21:00:00Z'); // Wednesday
    const wed = await pipeline.run('IBM', 'weekly');
    const wedMonth = await pipeline.run('IBM', 'monthly_adjusted');
    clock.set('2024-03-15T21:00:00Z'); // Friday: the open week is now keyed 2024-03-15
    const fri = await pipeline.run('IBM', 'weekly');
    const friMonth = await pipeline.run('IBM', 'monthly_adjusted');
    expect(fri).toMatchObject({ inserted: 0, updated: 1, unchanged: wed.inserted - 1 });
    expect(friMonth).toMatchObject({ inserted: 0, updated: 1, unchanged: wedMonth.inserted - 1 });
    const { rows } = await ctx.db.query<{ start: string; last: string; n: number }>(
      `SELECT to_char(period_start, 'YYYY-MM-DD') AS start, to_char(last_trade_date, 'YYYY-MM-DD') AS last,
              (SELECT count(*)::int FROM ${ctx.q}.stock_prices_weekly WHERE period_start >= '2024-03-11') AS n
         FROM ${ctx.q}.stock_prices_weekly ORDER BY period_start DESC LIMIT 1`,
    );
    expect(rows).toEqual([{ start: '2024-03-11', last: '2024-03-15', n: 1 }]);
  });

  it('loads intraday months across the DST change with the right bar count and UTC instants', async () => {
    const pipeline = pipelineWith();
    // March 2024: DST starts Sunday 2024-03-10; Good Friday 2024-03-29 is closed.
    const cal = new MarketCalendar();
    const days = cal.tradingDaysBetween('2024-03-01', '2024-03-31');
    expect(days).toHaveLength(20);
    clock.set('2024-04-15T21:00:00Z');
    for (const [interval, perDay] of [
      ['1min', 960],
      ['5min', 192],
      ['60min', 16],
    ] as const) {
      const result = await pipeline.backfillIntraday('IBM', {
        interval,
        from: '2024-03',
        to: '2024-03',
      });
      expect(result.status, JSON.stringify(result.error)).toBe('success');
      expect(result.inserted).toBe(days.length * perDay);
    }
    const { rows } = await ctx.db.query<{ d: string; first: string; last: string; n: number }>(
      `SELECT to_char(ts AT TIME ZONE 'America/New_York', 'YYYY-MM-DD') AS d,
              to_char(min(ts) AT TIME ZONE 'UTC', 'HH24:MI') AS first,
              to_char(max(ts) AT TIME ZONE 'UTC', 'HH24:MI') AS last, count(*)::int AS n
         FROM ${ctx.q}.stock_prices_intraday WHERE interval = '1min' AND symbol = 'IBM'
          AND ts >= '2024-03-08T09:00:00Z' AND ts < '2024-03-12T04:00:00Z' GROUP BY 1 ORDER BY 1`,
    );
    // 04:00–19:59 ET: EST (UTC-5) before the change, EDT (UTC-4) after.
    expect(rows).toEqual([
      { d: '2024-03-08', first: '09:00', last: '00:59', n: 960 },
      { d: '2024-03-11', first: '08:00', last: '23:59', n: 960 },
    ]);
  });

  it('resumes an aborted backfill and fetches only the missing months', async () => {
    clock.set('2024-07-20T21:00:00Z');
    const pipeline = pipelineWith();
    const controller = new AbortController();
    const aborted = await pipeline.backfillIntraday('AAPL', {
      interval: '60min',
      from: '2024-01',
      to: '2024-06',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 2) controller.abort();
      },
    });
    expect(aborted.status).toBe('failed');
    expect(aborted.error?.code).toBe('ABORTED');
    expect(aborted.months.map((m) => m.month)).toEqual(['2024-01', '2024-02']);
    const log = await ctx.db.query<{ status: string; error_code: string }>(
      `SELECT status, error_code FROM ${ctx.q}.etl_job_logs WHERE id = $1`,
      [aborted.jobId],
    );
    expect(log.rows[0]).toEqual({ status: 'failed', error_code: 'ABORTED' });
    server.reset();
    const resumed = await pipeline.backfillIntraday('AAPL', {
      interval: '60min',
      from: '2024-01',
      to: '2024-06',
    });
    expect(resumed.status).toBe('success');
    expect(resumed.months.map((m) => `${m.month}:${m.status}`)).toEqual([
      '2024-01:skipped',
      '2024-02:skipped',
      '2024-03:loaded',
      '2024-04:loaded',
      '2024-05:loaded',
      '2024-06:loaded',
    ]);
    const fetched = server.requests
      .filter((r) => r.function === 'TIME_SERIES_INTRADAY')
      .map((r) => r.params.month);
    // Exactly the four missing months: counted on the client side, because the aborted run's
    // prefetch of 2024-03 may still reach the server after the reset.
    expect(resumed.apiCalls).toBe(4);
    expect(fetched).not.toContain('2024-01');
    expect(fetched).not.toContain('2024-02');
    expect(new Set(fetched)).toEqual(new Set(['2024-03', '2024-04', '2024-05', '2024-06']));
    const again = await pipeline.backfillIntraday('AAPL', {
      interval: '60min',
      from: '2024-01',
      to: '2024-06',
    });
    expect(again.apiCalls).toBe(0);
  });

  it('always re-fetches the current month of a backfill', async () => {
    const pipeline = pipelineWith();
    const first = await pipeline.backfillIntraday('IBM', { interval: '60min', from: '2024-02' });
    expect(first.months.map((m) => m.status)).toEqual(['loaded', 'loaded']);
    const second = await pipeline.backfillIntraday('IBM', { interval: '60min', from: '2024-02' });
    expect(second.months.map((m) => m.status)).toEqual(['skipped', 'loaded']);
    expect(second.months[1]).toMatchObject({ month: '2024-03', inserted: 0, updated: 0 });
  });

  it('runs a batch where one symbol is unknown: the others succeed', async () => {
    const pipeline = pipelineWith();
    const events: string[] = [];
    pipeline.on('job:error', (j) => events.push(`error ${j.symbol}`));
    pipeline.on('batch:finish', (b) => events.push(`batch ${b.succeeded}/${b.jobs.length}`));
    const batch = await pipeline.runBatch(
      ['IBM', 'INVALIDX', 'MSFT', 'bad symbol!'],
      ['daily', 'quote'],
      {
        outputsize: 'compact',
      },
    );
    expect(batch.jobs.map((j) => `${j.symbol}:${j.dataset}:${j.status}`)).toEqual([
      'IBM:daily:success',
      'IBM:quote:success',
      'INVALIDX:daily:failed',
      'INVALIDX:quote:failed',
      'MSFT:daily:success',
      'MSFT:quote:success',
      'bad symbol!:daily:failed',
      'bad symbol!:quote:failed',
    ]);
    expect(batch).toMatchObject({ succeeded: 4, failed: 4 });
    expect(batch.jobs[2]?.error?.code).toBe('INVALID_REQUEST');
    expect(batch.jobs[6]?.error?.code).toBe('VALIDATION');
    expect(events.at(-1)).toBe('batch 4/8');
    const { rows } = await ctx.db.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM ${ctx.q}.etl_job_logs GROUP BY status ORDER BY status`,
    );
    expect(rows).toEqual([
      { status: 'failed', n: 2 },
      { status: 'success', n: 4 },
    ]);
  });

  it('falls back to compact at once when outputsize=full is a premium feature, and says so', async () => {
    server.inject({ kind: 'premium-parameter', match: { function: 'TIME_SERIES_DAILY' } });
    const result = await pipelineWith().run('IBM', 'daily');
    expect(result).toMatchObject({
      status: 'success',
      outputsize: 'compact',
      inserted: 100,
      apiCalls: 2,
    });
    expect(result.warnings.join(' ')).toMatch(/premium feature for this API key/);
    expect(result.warnings.join(' ')).toMatch(/weekly and monthly datasets.*month-by-month/);
    const log = await ctx.db.query<{ details: { warnings: string[] } }>(
      `SELECT details FROM ${ctx.q}.etl_job_logs WHERE id = $1`,
      [result.jobId],
    );
    expect(log.rows[0]?.details.warnings[0]).toMatch(/premium/);
    // Asked for full explicitly: the caller gets the error (a fresh extractor: nothing remembered).
    server.inject({ kind: 'premium-parameter', match: { function: 'TIME_SERIES_DAILY' } });
    const forced = await pipelineWith().run('MSFT', 'daily', { outputsize: 'full' });
    expect(forced).toMatchObject({
      status: 'failed',
      apiCalls: 1,
      error: { code: 'PREMIUM_ENDPOINT' },
    });
  });

  it('a premium endpoint fails after exactly one request, naming the free alternative', async () => {
    server.inject({ kind: 'premium', match: { function: 'TIME_SERIES_DAILY_ADJUSTED' } });
    const extractor = extractorFor(server);
    const result = await pipelineWith(extractor).run('IBM', 'daily_adjusted');
    expect(result).toMatchObject({ status: 'failed', apiCalls: 1 });
    expect(result.error).toMatchObject({ code: 'PREMIUM_ENDPOINT' });
    expect(result.error?.message).toMatch(
      /free alternative is TIME_SERIES_DAILY .*dataset 'daily'/,
    );
    // Remembered: the next symbol does not ask (the fake would serve it now: no fault left).
    const next = await pipelineWith(extractor).run('MSFT', 'daily_adjusted');
    expect(next).toMatchObject({ status: 'failed', apiCalls: 0 });
    expect(server.requestCount({ function: 'TIME_SERIES_DAILY_ADJUSTED' })).toBe(1);
  });

  it('never writes the API key into job logs, even when the server echoes it', async () => {
    const key = 'SECRETKEY123456';
    server.inject({ kind: 'daily-limit' });
    const result = await pipelineWith(extractorFor(server, key)).run('IBM', 'daily');
    expect(result.error?.code).toBe('DAILY_LIMIT');
    expect(JSON.stringify(result)).not.toContain(key);
    const { rows } = await ctx.db.query(`SELECT * FROM ${ctx.q}.etl_job_logs`);
    expect(JSON.stringify(rows)).not.toContain(key);
    expect(JSON.stringify(rows)).toContain('DAILY_LIMIT');
  });

  it('loads quotes, overview master data and index levels', async () => {
    const pipeline = pipelineWith();
    const batch = await pipeline.runBatch(['IBM'], ['quote', 'overview']);
    expect(batch.failed).toBe(0);
    const index = await pipeline.run('SPX', 'index');
    expect(index.status).toBe('success');
    expect(index.inserted).toBeGreaterThan(100);
    const { rows } = await ctx.db.query<{ q: number; s: number; i: number }>(
      `SELECT (SELECT count(*)::int FROM ${ctx.q}.stock_quotes) AS q,
              (SELECT count(*)::int FROM ${ctx.q}.stocks WHERE symbol = 'IBM' AND name IS NOT NULL) AS s,
              (SELECT count(*)::int FROM ${ctx.q}.market_indices WHERE symbol = 'SPX') AS i`,
    );
    expect(rows[0]).toEqual({ q: 1, s: 1, i: 1 });
    // The same jobs again, a minute later (market closed: same quote, same data): nothing changes.
    clock.set('2024-03-15T21:01:00Z');
    const again = await pipeline.runBatch(['IBM'], ['quote', 'overview']);
    const indexAgain = await pipeline.run('SPX', 'index');
    for (const job of [...again.jobs, indexAgain]) {
      expect(job, job.dataset).toMatchObject({ status: 'success', inserted: 0, updated: 0 });
    }
    expect(again.jobs[0]?.unchanged).toBe(1);
    const quotes = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${ctx.q}.stock_quotes`,
    );
    expect(quotes.rows[0]?.n).toBe(1);
    // Next trading day the quote moved: a new observation is stored.
    clock.set('2024-03-18T21:00:00Z');
    expect(await pipeline.run('IBM', 'quote')).toMatchObject({ inserted: 1, unchanged: 0 });
  });

  it('marks stale running jobs of a crashed process as failed on start', async () => {
    await ctx.db.query(
      `INSERT INTO ${ctx.q}.etl_job_logs (dataset, symbol, status, started_at, heartbeat_at)
       VALUES ('daily', 'OLD', 'running', '2024-03-14T00:00:00Z', '2024-03-14T00:00:00Z')`,
    );
    const pipeline = pipelineWith();
    let stale = 0;
    pipeline.on('jobs:stale', (e) => {
      stale = e.count;
    });
    await pipeline.run('IBM', 'quote');
    expect(stale).toBe(1);
    const { rows } = await ctx.db.query<{ status: string; error_code: string }>(
      `SELECT status, error_code FROM ${ctx.q}.etl_job_logs WHERE symbol = 'OLD'`,
    );
    expect(rows).toEqual([{ status: 'failed', error_code: 'STALE' }]);
  });

  it('aborts a job: failed with ABORTED, nothing committed', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await pipelineWith().run('IBM', 'daily', { signal: controller.signal });
    expect(result).toMatchObject({ status: 'failed', error: { code: 'ABORTED' } });
    const { rows } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${ctx.q}.stock_prices`,
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('rejects bad arguments with ValidationError', async () => {
    const pipeline = pipelineWith();
    await expect(pipeline.run('IBM', 'hourly' as never)).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(pipeline.run('x"; drop', 'daily')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(
      pipeline.backfillIntraday('IBM', { interval: '1min', from: '2024-05', to: '2024-01' }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(
      pipeline.backfillIntraday('IBM', { interval: '1min', from: '2030-01' }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(
      pipeline.backfillIntraday('IBM', { interval: '2min' as never, from: '2024-01' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });
});

// Keep the adjusted bar type referenced: the revising helper edits plain and adjusted bars alike.
export type _Bars = TimeSeries<AdjustedPriceBar>;
