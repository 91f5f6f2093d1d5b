import { describe, expect, it } from 'vitest';
import type { BulkQuote, Quote } from '../../../src/alpha-vantage/types';
import { transformBulkQuotes, transformQuote } from '../../../src/transform/quotes';

/** GLOBAL_QUOTE IBM of 2020-05-08 (recorded crazzyghost body), fields named by meaning. */
const ibm: Quote = {
  symbol: 'IBM',
  open: '122.6700',
  high: '122.8000',
  low: '121.0600',
  price: '121.7400',
  volume: '2528814',
  latestTradingDay: '2020-05-08',
  previousClose: '121.2300',
  change: '0.5100',
  changePercent: '0.4207%',
};

const observedAt = new Date('2020-05-08T18:07:03.000Z');

describe('transformQuote', () => {
  it('maps a quote keyed by the observation time, dropping the % sign', () => {
    const { rows, rejects } = transformQuote(ibm, { observedAt });
    expect(rejects).toEqual([]);
    expect(rows).toEqual([
      {
        symbol: 'IBM',
        observedAt: '2020-05-08T18:07:03.000Z',
        latestTradingDay: '2020-05-08',
        price: '121.7400',
        open: '122.6700',
        high: '122.8000',
        low: '121.0600',
        volume: '2528814',
        previousClose: '121.2300',
        change: '0.5100',
        changePercent: '0.4207',
      },
    ]);
  });

  it('turns placeholders into null and accepts negative changes', () => {
    const q = {
      ...ibm,
      open: '-',
      high: '--',
      low: 'None',
      volume: '',
      change: '-1.2',
      changePercent: '-0.98%',
    };
    const row = transformQuote(q, { observedAt }).rows[0]!;
    expect([row.open, row.high, row.low, row.volume, row.change, row.changePercent]).toEqual([
      null,
      null,
      null,
      null,
      '-1.2',
      '-0.98',
    ]);
  });

  it.each([
    [{ price: '' }, 'price is not a plain decimal: ""'],
    [{ price: '-1' }, 'price is negative: -1'],
    [{ high: '122' }, 'open 122.6700 > high 122'],
    [{ price: '130' }, 'price 130 > high 122.8000'],
    [{ volume: '1.5' }, 'volume is not a non-negative integer: "1.5"'],
    [{ changePercent: 'abc%' }, 'changePercent is not a plain decimal: "abc"'],
    [
      { latestTradingDay: '2020-05-32' },
      'latestTradingDay is not a real date (YYYY-MM-DD): "2020-05-32"',
    ],
  ])('rejects %j', (overrides, reason) => {
    const { rows, rejects } = transformQuote({ ...ibm, ...overrides }, { observedAt });
    expect(rows).toEqual([]);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]!.reason).toBe(reason);
    expect(rejects[0]!.dataset).toBe('quote');
  });

  it('uses the requested symbol and warns about a different echo', () => {
    const result = transformQuote({ ...ibm, symbol: 'IBM.DEX' }, { observedAt, symbol: 'IBM' });
    expect(result.rows[0]!.symbol).toBe('IBM');
    expect(result.warnings).toHaveLength(1);
  });

  it('rejects a quote without any symbol', () => {
    expect(transformQuote({ ...ibm, symbol: ' ' }, { observedAt }).rejects[0]!.reason).toBe(
      'symbol is missing',
    );
  });

  it('throws under the throw policy, and for an invalid observedAt', () => {
    expect(() => transformQuote({ ...ibm, price: 'x' }, { observedAt, policy: 'throw' })).toThrow(
      /1 row of quote for IBM rejected/,
    );
    expect(() => transformQuote(ibm, { observedAt: new Date('nope') })).toThrow(
      expect.objectContaining({ code: 'VALIDATION', field: 'observedAt' }),
    );
  });
});

/** The first two entries of the recorded REALTIME_BULK_QUOTES demo sample. */
const msft: BulkQuote = {
  symbol: 'MSFT',
  timestamp: '2024-10-18 19:59:55.291',
  open: '417.61',
  high: '419.649',
  low: '416.2601',
  close: '418.16',
  volume: '17145307',
  previousClose: '416.72',
  change: '1.44',
  changePercent: '0.3456',
  extendedHoursQuote: '418.1',
  extendedHoursChange: '-0.06',
  extendedHoursChangePercent: '-0.01435',
};
const aapl: BulkQuote = {
  ...msft,
  symbol: 'AAPL',
  timestamp: '2024-10-18 19:59:50.451',
  open: '236.0',
  high: '236.05',
  low: '234.02',
  close: '235.0',
  volume: '46431470',
  previousClose: '232.15',
  change: '2.85',
  changePercent: '1.2277',
};

describe('transformBulkQuotes', () => {
  it('keys each entry by its Eastern timestamp converted to UTC', () => {
    const { rows, rejects } = transformBulkQuotes([msft, aapl]);
    expect(rejects).toEqual([]);
    expect(rows).toEqual([
      {
        symbol: 'MSFT',
        observedAt: '2024-10-18T23:59:55.291Z',
        latestTradingDay: '2024-10-18',
        price: '418.16',
        open: '417.61',
        high: '419.649',
        low: '416.2601',
        volume: '17145307',
        previousClose: '416.72',
        change: '1.44',
        changePercent: '0.3456',
      },
      expect.objectContaining({
        symbol: 'AAPL',
        observedAt: '2024-10-18T23:59:50.451Z',
        price: '235.0',
      }),
    ]);
  });

  it('takes the requested spelling and rejects symbols not requested', () => {
    const { rows, rejects } = transformBulkQuotes([{ ...msft, symbol: 'msft' }, aapl], {
      symbols: ['MSFT'],
    });
    expect(rows.map((r) => r.symbol)).toEqual(['MSFT']);
    expect(rejects).toEqual([
      {
        dataset: 'quote',
        symbol: 'AAPL',
        sourceKey: aapl.timestamp,
        reason: 'symbol "AAPL" was not requested',
        raw: aapl,
      },
    ]);
  });

  it('rejects duplicates, bad timestamps and bad values per entry', () => {
    const { rows, rejects } = transformBulkQuotes([
      msft,
      { ...msft },
      { ...msft, close: '418.17' },
      { ...aapl, timestamp: '2024-10-18' },
      { ...aapl, timestamp: '2024-10-18 19:59:51', low: '240' },
    ]);
    expect(rows).toHaveLength(1);
    expect(rejects.map((r) => r.reason)).toEqual([
      'duplicate quote for MSFT at 2024-10-18 19:59:55.291 with different values',
      'timestamp is not a real date-time: "2024-10-18"',
      'low 240 > high 236.05',
    ]);
  });

  it('uses the given time zone', () => {
    const { rows } = transformBulkQuotes([msft], { timeZone: 'UTC' });
    expect(rows[0]!.observedAt).toBe('2024-10-18T19:59:55.291Z');
  });
});
