import type {
  DailyPriceRow,
  IndexPriceRow,
  IntradayPriceRow,
  PeriodPriceRow,
  QuoteRow,
} from '../transform/rows';
import type { ColumnSpec, TableSpec } from './table-spec';

const OHLCV = ['open', 'high', 'low', 'close', 'volume'] as const;

/** The five price/volume columns every bar table shares. */
function ohlcvColumns<
  R extends { open: string; high: string; low: string; close: string; volume: string | null },
>(): ColumnSpec<R>[] {
  return [
    { name: 'open', type: 'numeric', get: (r) => r.open },
    { name: 'high', type: 'numeric', get: (r) => r.high },
    { name: 'low', type: 'numeric', get: (r) => r.low },
    { name: 'close', type: 'numeric', get: (r) => r.close },
    { name: 'volume', type: 'bigint', get: (r) => r.volume },
  ];
}

const specs = new Map<string, TableSpec<never>>();

/** One spec object per variant, so the statements built from it are cached. */
function memo<R>(key: string, build: () => TableSpec<R>): TableSpec<R> {
  let spec = specs.get(key) as TableSpec<R> | undefined;
  if (!spec) {
    spec = build();
    specs.set(key, spec as TableSpec<never>);
  }
  return spec;
}

/** `stock_prices`; `adjusted` decides whether the adjusted columns are overwritten on conflict. */
export function dailySpec(adjusted: boolean): TableSpec<DailyPriceRow> {
  return memo(`daily:${adjusted}`, () => ({
    table: 'stock_prices',
    columns: [
      { name: 'symbol', type: 'text', get: (r) => r.symbol },
      { name: 'trade_date', type: 'date', get: (r) => r.tradeDate },
      ...ohlcvColumns<DailyPriceRow>(),
      { name: 'adjusted_close', type: 'numeric', get: (r) => r.adjustedClose },
      { name: 'dividend_amount', type: 'numeric', get: (r) => r.dividendAmount },
      { name: 'split_coefficient', type: 'numeric', get: (r) => r.splitCoefficient },
    ],
    key: ['symbol', 'trade_date'],
    // An unadjusted load never clears what an adjusted load wrote.
    update: adjusted
      ? [...OHLCV, 'adjusted_close', 'dividend_amount', 'split_coefficient']
      : [...OHLCV],
    touchUpdatedAt: true,
    range: { within: ['symbol'], column: 'trade_date' },
  }));
}

/** `stock_prices_weekly` / `stock_prices_monthly`, keyed by `period_start`. */
export function periodSpec(
  period: 'weekly' | 'monthly',
  adjusted: boolean,
): TableSpec<PeriodPriceRow> {
  return memo(`${period}:${adjusted}`, () => ({
    table: period === 'weekly' ? 'stock_prices_weekly' : 'stock_prices_monthly',
    columns: [
      { name: 'symbol', type: 'text', get: (r) => r.symbol },
      { name: 'period_start', type: 'date', get: (r) => r.periodStart },
      { name: 'last_trade_date', type: 'date', get: (r) => r.lastTradeDate },
      ...ohlcvColumns<PeriodPriceRow>(),
      { name: 'adjusted_close', type: 'numeric', get: (r) => r.adjustedClose },
      { name: 'dividend_amount', type: 'numeric', get: (r) => r.dividendAmount },
    ],
    key: ['symbol', 'period_start'],
    update: adjusted
      ? ['last_trade_date', ...OHLCV, 'adjusted_close', 'dividend_amount']
      : ['last_trade_date', ...OHLCV],
    touchUpdatedAt: true,
  }));
}

/** `stock_prices_intraday`. */
export const intradaySpec: TableSpec<IntradayPriceRow> = {
  table: 'stock_prices_intraday',
  columns: [
    { name: 'symbol', type: 'text', get: (r) => r.symbol },
    { name: 'interval', type: 'text', get: (r) => r.interval },
    { name: 'ts', type: 'timestamptz', get: (r) => r.ts },
    ...ohlcvColumns<IntradayPriceRow>(),
  ],
  key: ['symbol', 'interval', 'ts'],
  update: [...OHLCV],
  touchUpdatedAt: false,
  range: { within: ['symbol', 'interval'], column: 'ts' },
};

/** `stock_quotes`. */
export const quoteSpec: TableSpec<QuoteRow> = {
  table: 'stock_quotes',
  columns: [
    { name: 'symbol', type: 'text', get: (r) => r.symbol },
    { name: 'observed_at', type: 'timestamptz', get: (r) => r.observedAt },
    { name: 'latest_trading_day', type: 'date', get: (r) => r.latestTradingDay },
    { name: 'price', type: 'numeric', get: (r) => r.price },
    { name: 'open', type: 'numeric', get: (r) => r.open },
    { name: 'high', type: 'numeric', get: (r) => r.high },
    { name: 'low', type: 'numeric', get: (r) => r.low },
    { name: 'volume', type: 'bigint', get: (r) => r.volume },
    { name: 'previous_close', type: 'numeric', get: (r) => r.previousClose },
    { name: 'change', type: 'numeric', get: (r) => r.change },
    { name: 'change_percent', type: 'numeric', get: (r) => r.changePercent },
  ],
  key: ['symbol', 'observed_at'],
  update: [
    'latest_trading_day',
    'price',
    'open',
    'high',
    'low',
    'volume',
    'previous_close',
    'change',
    'change_percent',
  ],
  touchUpdatedAt: false,
};

/** `market_index_prices`. */
export const indexPriceSpec: TableSpec<IndexPriceRow> = {
  table: 'market_index_prices',
  columns: [
    { name: 'symbol', type: 'text', get: (r) => r.symbol },
    { name: 'trade_date', type: 'date', get: (r) => r.tradeDate },
    ...ohlcvColumns<IndexPriceRow>(),
  ],
  key: ['symbol', 'trade_date'],
  update: [...OHLCV],
  touchUpdatedAt: true,
};
