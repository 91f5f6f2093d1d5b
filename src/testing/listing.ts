import type { FakeListingEntry } from './types';

type Row = [string, string, string, 'Stock' | 'ETF', string, string | null];

// A small, realistic universe: well-known listings (names as the real CSV writes them, commas
// stripped), dash-style share classes, ETFs, and a few delisted names with their last day.
const ROWS: Row[] = [
  ['A', 'Agilent Technologies Inc', 'NYSE', 'Stock', '1999-11-18', null],
  ['AA', 'Alcoa Corp', 'NYSE', 'Stock', '2016-10-18', null],
  ['AAPL', 'Apple Inc', 'NASDAQ', 'Stock', '1980-12-12', null],
  ['AMD', 'Advanced Micro Devices Inc', 'NASDAQ', 'Stock', '1972-09-27', null],
  ['AMZN', 'Amazon.com Inc', 'NASDAQ', 'Stock', '1997-05-15', null],
  ['BA', 'Boeing Company', 'NYSE', 'Stock', '1962-01-02', null],
  ['BAC', 'Bank of America Corp', 'NYSE', 'Stock', '1973-02-21', null],
  ['BRK-A', 'Berkshire Hathaway Inc - Class A', 'NYSE', 'Stock', '1980-03-17', null],
  ['BRK-B', 'Berkshire Hathaway Inc - Class B', 'NYSE', 'Stock', '1996-05-09', null],
  ['CSCO', 'Cisco Systems Inc', 'NASDAQ', 'Stock', '1990-02-16', null],
  ['DIA', 'SPDR Dow Jones Industrial Average ETF Trust', 'NYSE ARCA', 'ETF', '1998-01-20', null],
  ['GOOGL', 'Alphabet Inc - Class A', 'NASDAQ', 'Stock', '2004-08-19', null],
  ['IBM', 'International Business Machines Corp', 'NYSE', 'Stock', '1962-01-02', null],
  ['INTC', 'Intel Corp', 'NASDAQ', 'Stock', '1980-03-17', null],
  ['IWM', 'iShares Russell 2000 ETF', 'NYSE ARCA', 'ETF', '2000-05-26', null],
  ['JNJ', 'Johnson & Johnson', 'NYSE', 'Stock', '1944-09-25', null],
  ['JPM', 'JPMorgan Chase & Co', 'NYSE', 'Stock', '1980-03-17', null],
  ['KO', 'Coca-Cola Company', 'NYSE', 'Stock', '1962-01-02', null],
  ['META', 'Meta Platforms Inc - Class A', 'NASDAQ', 'Stock', '2012-05-18', null],
  ['MSFT', 'Microsoft Corporation', 'NASDAQ', 'Stock', '1986-03-13', null],
  ['NVDA', 'NVIDIA Corp', 'NASDAQ', 'Stock', '1999-01-22', null],
  ['QQQ', 'Invesco QQQ Trust Series 1', 'NASDAQ', 'ETF', '1999-03-10', null],
  ['SPY', 'SPDR S&P 500 ETF Trust', 'NYSE ARCA', 'ETF', '1993-01-29', null],
  ['T', 'AT&T Inc', 'NYSE', 'Stock', '1983-11-21', null],
  ['TSLA', 'Tesla Inc', 'NASDAQ', 'Stock', '2010-06-29', null],
  ['XOM', 'Exxon Mobil Corp', 'NYSE', 'Stock', '1970-01-02', null],
  ['ATVI', 'Activision Blizzard Inc', 'NASDAQ', 'Stock', '1993-10-25', '2023-10-13'],
  ['TWTR', 'Twitter Inc', 'NYSE', 'Stock', '2013-11-07', '2022-11-08'],
  ['FB', 'Facebook Inc - Class A', 'NASDAQ', 'Stock', '2012-05-18', '2022-06-08'],
  ['XLNX', 'Xilinx Inc', 'NASDAQ', 'Stock', '1990-06-12', '2022-02-14'],
  ['SIVB', 'SVB Financial Group', 'NASDAQ', 'Stock', '1987-03-10', '2023-03-28'],
];

/** The built-in LISTING_STATUS universe (31 rows: 26 active, 5 delisted). */
export const DEFAULT_LISTING: readonly FakeListingEntry[] = Object.freeze(
  ROWS.map(([symbol, name, exchange, assetType, ipoDate, delistingDate]) =>
    Object.freeze({ symbol, name, exchange, assetType, ipoDate, delistingDate }),
  ),
);
