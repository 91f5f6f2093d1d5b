/**
 * Issue 10, item 3: a backfill month with a rejected bar is recorded with its rejects, a rerun
 * fetches it again (a bounded number of times) so the hole heals, and the holes are reported in
 * `BackfillResult` and `getStatus`. A timestamp sent twice with the same values is one bar.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { PriceBar } from '../../src/alpha-vantage/types';
import { MarketCalendar } from '../../src/calendar';
import { getStatus, Pipeline, type PipelineExtractor } from '../../src/pipeline';
import type { FakeAlphaVantage } from '../../src/testing';
import { describeEachDb } from '../helpers/db';
import { extractorFor, fakeServerFor, TestClock } from '../helpers/pipeline';

const clock = new TestClock(Date.parse('2024-07-20T21:00:00Z'));
const calendar = new MarketCalendar();
let server: FakeAlphaVantage;
beforeAll(async () => {
  server = await fakeServerFor(clock);
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  clock.set('2024-07-20T21:00:00Z');
  server.reset();
});

/** 60-min extended-hours bars of a month: 16 per trading day. */
function barsOf(month: string): number {
  const last = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0));
  const to = last.toISOString().slice(0, 10);
  return calendar.tradingDaysBetween(`${month}-01`, to).length * 16;
}

/** An extractor that edits the bars of `month` on every fetch, as a source glitch would. */
function editing(month: string, edit: (bars: PriceBar[]) => void): PipelineExtractor {
  const base = extractorFor(server);
  return Object.assign(Object.create(base) as PipelineExtractor, {
    intraday: async (symbol: string, options: Parameters<PipelineExtractor['intraday']>[1]) => {
      const series = await base.intraday(symbol, options);
      if (options.month === month) edit(series.bars);
      return series;
    },
  });
}

describeEachDb('backfill months with rejected rows (issue 10, item 3)', (ctx) => {
  const pipelineWith = (extractor: PipelineExtractor = extractorFor(server)) =>
    new Pipeline({ db: ctx.handle, schema: ctx.schema, extractor, clock, calendar });
  const ledger = async () =>
    (
      await ctx.db.query<{
        month: string;
        rows_loaded: number;
        rows_rejected: number;
        fetches: number;
      }>(
        `SELECT to_char(month, 'YYYY-MM') AS month, rows_loaded, rows_rejected, fetches
           FROM ${ctx.q}.etl_backfill_ledger ORDER BY month`,
      )
    ).rows;
  const range = { interval: '60min' as const, from: '2024-01', to: '2024-03' };

  it('a month with a malformed number is recorded with its reject, reported, and fetched again by the rerun, which heals it', async () => {
    server.inject({
      kind: 'malformed-number',
      match: { function: 'TIME_SERIES_INTRADAY', symbol: 'IBM' },
    });
    const pipeline = pipelineWith();
    const first = await pipeline.backfillIntraday('IBM', range);
    expect(first.status).toBe('success');
    expect(first.rejected).toBe(1);
    expect(first.months[0]).toMatchObject({
      month: '2024-01',
      status: 'loaded',
      rejected: 1,
      inserted: barsOf('2024-01') - 1,
      refetched: false,
    });
    expect(first.rejectedMonths).toEqual([
      { month: '2024-01', rejected: 1, fetches: 1, refetch: true },
    ]);
    expect(await ledger()).toEqual([
      { month: '2024-01', rows_loaded: barsOf('2024-01') - 1, rows_rejected: 1, fetches: 1 },
      { month: '2024-02', rows_loaded: barsOf('2024-02'), rows_rejected: 0, fetches: 1 },
      { month: '2024-03', rows_loaded: barsOf('2024-03'), rows_rejected: 0, fetches: 1 },
    ]);
    const status = await getStatus(ctx.handle, { schema: ctx.schema, clock });
    expect(status.backfillRejects).toMatchObject({
      months: 1,
      rows: 1,
      recent: [
        { symbol: 'IBM', dataset: 'intraday:60min', month: '2024-01', rejected: 1, fetches: 1 },
      ],
    });

    server.reset(); // the source is fixed
    const rerun = await pipeline.backfillIntraday('IBM', range);
    expect(rerun.apiCalls).toBe(1);
    expect(server.requests.map((r) => r.params.month)).toEqual(['2024-01']);
    expect(rerun.months.map((m) => `${m.month}:${m.status}:${m.refetched}`)).toEqual([
      '2024-01:loaded:true',
      '2024-02:skipped:false',
      '2024-03:skipped:false',
    ]);
    expect(rerun).toMatchObject({ inserted: 1, rejected: 0, rejectedMonths: [] });
    expect((await ledger())[0]).toEqual({
      month: '2024-01',
      rows_loaded: barsOf('2024-01'),
      rows_rejected: 0,
      fetches: 2,
    });
    expect((await getStatus(ctx.handle, { schema: ctx.schema, clock })).backfillRejects).toEqual({
      months: 0,
      rows: 0,
      recent: [],
    });
    const stored = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${ctx.q}.stock_prices_intraday
        WHERE to_char(ts AT TIME ZONE 'America/New_York', 'YYYY-MM') = '2024-01'`,
    );
    expect(stored.rows[0]?.n).toBe(barsOf('2024-01'));
    expect((await pipeline.backfillIntraday('IBM', range)).apiCalls).toBe(0);
  });

  it('a bar that is always bad costs a bounded number of re-fetches, then the hole stays reported', async () => {
    const broken = editing('2024-02', (bars) => {
      (bars[5] as PriceBar).low = '999999'; // low > high, on every fetch
    });
    const pipeline = pipelineWith(broken);
    const calls: number[] = [];
    const refetch: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await pipeline.backfillIntraday('IBM', range);
      expect(r.status).toBe('success');
      calls.push(r.apiCalls);
      expect(r.rejectedMonths.map((m) => m.month)).toEqual(['2024-02']);
      refetch.push(r.rejectedMonths[0]?.refetch as boolean);
    }
    // The first run fetches all three months; the default two re-fetches follow; then none.
    expect(calls).toEqual([3, 1, 1, 0, 0]);
    expect(refetch).toEqual([true, true, false, false, false]);
    expect((await ledger())[1]).toEqual({
      month: '2024-02',
      rows_loaded: barsOf('2024-02') - 1,
      rows_rejected: 1,
      fetches: 3,
    });
    const status = await getStatus(ctx.handle, { schema: ctx.schema, clock });
    expect(status.backfillRejects).toMatchObject({ months: 1, rows: 1 });
    expect(status.backfillRejects.recent[0]).toMatchObject({ month: '2024-02', fetches: 3 });

    // maxRefetches: 0 never fetches a month again; a bad value is a ValidationError.
    const other = await pipeline.backfillIntraday('MSFT', { ...range, maxRefetches: 0 });
    expect(other.rejectedMonths).toEqual([
      { month: '2024-02', rejected: 1, fetches: 1, refetch: false },
    ]);
    expect((await pipeline.backfillIntraday('MSFT', { ...range, maxRefetches: 0 })).apiCalls).toBe(
      0,
    );
    await expect(
      pipeline.backfillIntraday('MSFT', { ...range, maxRefetches: -1 }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('a timestamp sent twice with the same values is one bar: the month is complete', async () => {
    server.inject({
      kind: 'duplicate-timestamp',
      match: { function: 'TIME_SERIES_INTRADAY', symbol: 'IBM' },
    });
    const result = await pipelineWith().backfillIntraday('IBM', range);
    expect(result).toMatchObject({ status: 'success', rejected: 0, rejectedMonths: [] });
    expect(result.months[0]).toMatchObject({ inserted: barsOf('2024-01'), rejected: 0 });
    expect((await ledger()).map((m) => m.rows_rejected)).toEqual([0, 0, 0]);
  });

  it('a second bar for one instant with other values is a reject, and the month is fetched again', async () => {
    const conflicting = editing('2024-01', (bars) => {
      const copy = { ...(bars[3] as PriceBar) };
      copy.volume = String(Number(copy.volume) + 1);
      bars.splice(4, 0, copy);
    });
    const result = await pipelineWith(conflicting).backfillIntraday('IBM', range);
    expect(result.rejectedMonths).toEqual([
      { month: '2024-01', rejected: 1, fetches: 1, refetch: true },
    ]);
    expect(result.months[0]).toMatchObject({ inserted: barsOf('2024-01'), rejected: 1 });
    const { rows } = await ctx.db.query<{ reason: string }>(
      `SELECT reason FROM ${ctx.q}.etl_rejected_rows`,
    );
    expect(rows[0]?.reason).toMatch(/^duplicate time .* with different values$/);
  });
});
