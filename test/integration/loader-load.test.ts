/** Loader.load: one table-name-keyed entry for every table, exact counts, no Pipeline needed. */
import { expect, it } from 'vitest';
import { isValidationError } from '../../src/errors';
import { Loader } from '../../src/load/loader';
import type {
  DailyPriceRow,
  IndexPriceRow,
  IntradayPriceRow,
  PeriodPriceRow,
  QuoteRow,
  StockRow,
} from '../../src/transform/rows';
import { describeEachDb } from '../helpers/db';

const bar = { open: '10.0000', high: '12.0000', low: '9.0000', close: '11.0000', volume: '100' };
const dailyRow = (tradeDate: string, adjustedClose: string | null = null): DailyPriceRow => ({
  symbol: 'IBM',
  tradeDate,
  ...bar,
  adjustedClose,
  dividendAmount: adjustedClose === null ? null : '0.0000',
  splitCoefficient: adjustedClose === null ? null : '1.0',
});

describeEachDb('Loader.load', (ctx) => {
  it('loads every table by name with exact inserted / updated / unchanged counts', async () => {
    const loader = new Loader({ db: ctx.handle, schema: ctx.schema });
    const week: PeriodPriceRow = {
      symbol: 'IBM',
      periodStart: '2024-03-11',
      lastTradeDate: '2024-03-13',
      ...bar,
      adjustedClose: null,
      dividendAmount: null,
    };
    const intraday: IntradayPriceRow[] = [0, 1, 2].map((i) => ({
      symbol: 'IBM',
      interval: '5min',
      ts: new Date(Date.UTC(2024, 2, 13, 14, 5 * i)).toISOString(),
      ...bar,
    }));
    const quote: QuoteRow = {
      symbol: 'IBM',
      observedAt: '2024-03-13T20:00:00.000Z',
      latestTradingDay: '2024-03-13',
      price: '11.0000',
      open: null,
      high: null,
      low: null,
      volume: null,
      previousClose: null,
      change: null,
      changePercent: null,
    };
    const index: IndexPriceRow = { symbol: 'SPX', tradeDate: '2024-03-13', ...bar, volume: null };
    const stock: StockRow = {
      symbol: 'IBM',
      name: 'International Business Machines',
      exchange: 'NYSE',
      assetType: 'Common Stock',
      currency: 'USD',
      sector: null,
      industry: null,
      country: null,
      ipoDate: null,
      delistingDate: null,
      isActive: true,
      overview: null,
    };
    const one = { inserted: 1, updated: 0, unchanged: 0 };
    expect(
      await loader.load('stock_prices', [dailyRow('2024-03-13'), dailyRow('2024-03-14')]),
    ).toEqual({
      inserted: 2,
      updated: 0,
      unchanged: 0,
    });
    expect(await loader.load('stock_prices_weekly', [week])).toEqual(one);
    expect(
      await loader.load('stock_prices_monthly', [{ ...week, periodStart: '2024-03-01' }]),
    ).toEqual(one);
    expect(await loader.load('stock_prices_intraday', intraday)).toEqual({ ...one, inserted: 3 });
    expect(await loader.load('stock_quotes', [quote])).toEqual(one);
    expect(await loader.load('market_index_prices', [index])).toEqual(one);
    expect(await loader.load('stocks', [stock])).toEqual(one);

    // Again: nothing rewritten; one change is an update.
    expect(
      await loader.load('stock_prices', [
        dailyRow('2024-03-13'),
        { ...dailyRow('2024-03-14'), close: '11.5' },
      ]),
    ).toEqual({
      inserted: 0,
      updated: 1,
      unchanged: 1,
    });
    expect(await loader.load('stock_prices_intraday', intraday)).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 3,
    });
    const later = { ...quote, observedAt: '2024-03-13T20:01:00.000Z' };
    expect(await loader.load('stock_quotes', [later], { skipUnchanged: true })).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 1,
    });
    expect(await loader.load('stocks', [stock])).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
    const { rows } = await ctx.db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM ${ctx.q}.market_indices WHERE symbol = 'SPX')::int AS n`,
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('infers adjusted from the rows: an unadjusted reload keeps stored adjusted values', async () => {
    const loader = new Loader({ db: ctx.handle, schema: ctx.schema });
    await loader.load('stock_prices', [dailyRow('2024-03-13', '10.9000')]);
    expect(
      await loader.load('stock_prices', [{ ...dailyRow('2024-03-13'), close: '11.2' }]),
    ).toEqual({
      inserted: 0,
      updated: 1,
      unchanged: 0,
    });
    const stored = async () =>
      (
        await ctx.db.query<{ close: string; adjusted_close: string | null }>(
          `SELECT close::text, adjusted_close::text FROM ${ctx.q}.stock_prices`,
        )
      ).rows[0];
    expect(await stored()).toEqual({ close: '11.2', adjusted_close: '10.9000' });
    // Said explicitly, an adjusted load with nulls does clear them.
    await loader.load('stock_prices', [dailyRow('2024-03-13')], { adjusted: true });
    expect(await stored()).toEqual({ close: '11.0000', adjusted_close: null });
  });

  it('is one transaction per call (or a savepoint of the tx given) and refuses unknown tables', async () => {
    const loader = new Loader({ db: ctx.handle, schema: ctx.schema });
    await expect(
      ctx.db.transaction(async (tx) => {
        await loader.load('stock_prices', [dailyRow('2024-03-13')], { tx });
        throw new Error('host rolls back');
      }),
    ).rejects.toThrow('host rolls back');
    const { rows } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${ctx.q}.stock_prices`,
    );
    expect(rows[0]?.n).toBe(0);
    const error = await loader.load('prices' as never, []).catch((e) => e);
    expect(isValidationError(error)).toBe(true);
    expect(error.message).toMatch(/unknown table "prices"; use one of stock_prices, /);
    await expect(loader.load('stock_prices', 'x' as never)).rejects.toThrow(
      /rows must be an array/,
    );
  });

  it('calls the per-table method a subclass overrides', async () => {
    const calls: string[] = [];
    class Tracing extends Loader {
      override loadDaily(rows: readonly DailyPriceRow[], options: { adjusted: boolean }) {
        calls.push(`daily ${rows.length} adjusted=${options.adjusted}`);
        return super.loadDaily(rows, options);
      }
    }
    const loader = new Tracing({ db: ctx.handle, schema: ctx.schema });
    await loader.load('stock_prices', [dailyRow('2024-03-13', '10.9')]);
    expect(calls).toEqual(['daily 1 adjusted=true']);
  });
});
