import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AdjustedPriceBar } from '../../../src/alpha-vantage/types';
import { type ScriptServer, startScriptServer } from '../../helpers/http-script-server';
import { API_KEY, extractorFor, fixture } from './support';

let server: ScriptServer;
beforeAll(async () => {
  server = await startScriptServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

function serve(name: string): void {
  server.enqueue({ body: fixture(name) });
}

describe('time series endpoints parse real recordings', () => {
  it('intraday: meta mapped by meaning, bars newest first, decimals kept as sent', async () => {
    const { extractor } = extractorFor(server);
    serve('TIME_SERIES_INTRADAY__IBM_5min_full_json_2020-05-08_excerpt__crazzyghost.json');
    const s = await extractor.intraday('IBM', {
      interval: '5min',
      outputsize: 'full',
      month: '2020-05',
    });
    expect(s.endpoint).toBe('TIME_SERIES_INTRADAY');
    expect(s.meta).toEqual({
      information: 'Intraday (5min) open, high, low, close prices and volume',
      symbol: 'IBM',
      lastRefreshed: '2020-05-08 14:05:00',
      interval: '5min',
      outputSize: 'Full size',
      timeZone: 'US/Eastern',
    });
    expect(s.bars[0]).toEqual({
      time: '2020-05-08 14:05:00',
      open: '121.7900',
      high: '121.8600',
      low: '121.7225',
      close: '121.7400',
      volume: '31454',
    });
    expect(s.malformed).toEqual([]);
    const params = server.requests[0]?.params;
    expect(server.requests[0]?.path).toBe('/query');
    expect(Object.fromEntries(params ?? [])).toEqual({
      function: 'TIME_SERIES_INTRADAY',
      symbol: 'IBM',
      interval: '5min',
      outputsize: 'full',
      month: '2020-05',
      apikey: API_KEY,
    });
  });

  it('intraday 2017 wording, compact, 100 bars in order', async () => {
    const { extractor } = extractorFor(server);
    serve('TIME_SERIES_INTRADAY__MSFT_1min_compact_json_2017-12-18__romeltorres.json');
    const s = await extractor.intraday('MSFT', {
      interval: '1min',
      adjusted: false,
      extendedHours: false,
      entitlement: 'delayed',
    });
    expect(s.bars).toHaveLength(100);
    expect(s.bars[0]?.time).toBe('2017-12-18 14:56:00');
    expect(s.bars[99]?.time).toBe('2017-12-18 13:17:00');
    const times = s.bars.map((b) => b.time);
    expect([...times].sort().reverse()).toEqual(times);
    const p = server.requests[0]?.params;
    expect([p?.get('adjusted'), p?.get('extended_hours'), p?.get('entitlement')]).toEqual([
      'false',
      'false',
      'delayed',
    ]);
  });

  it('daily: Last Refreshed with seconds during the session', async () => {
    const { extractor } = extractorFor(server);
    serve('TIME_SERIES_DAILY__IBM_full_json_2020-05-08_excerpt__crazzyghost.json');
    const s = await extractor.daily('IBM', { outputsize: 'full' });
    expect(s.meta.lastRefreshed).toBe('2020-05-08 14:07:03');
    expect(s.meta.outputSize).toBe('Full size');
    expect(s.bars.map((b) => b.time)).toEqual(['2020-05-08', '2020-05-07']);
    expect(Object.keys(s.bars[0] ?? {}).sort()).toEqual([
      'close',
      'high',
      'low',
      'open',
      'time',
      'volume',
    ]);
  });

  it('daily adjusted: volume under "6.", dividend and split coefficient', async () => {
    const { extractor } = extractorFor(server);
    serve('TIME_SERIES_DAILY_ADJUSTED__IBM_full_json_2020-05-08_excerpt__crazzyghost.json');
    const s = await extractor.dailyAdjusted('IBM');
    expect(s.bars[0]).toEqual<AdjustedPriceBar>({
      time: '2020-05-08',
      open: '122.6700',
      high: '122.8000',
      low: '121.0600',
      close: '121.8050',
      adjustedClose: '121.8050',
      volume: '2542577',
      dividendAmount: '0.0000',
      splitCoefficient: '1.0000',
    });
  });

  it('weekly adjusted: no split coefficient (null)', async () => {
    const { extractor } = extractorFor(server);
    serve('TIME_SERIES_WEEKLY_ADJUSTED__IBM_json_2020-05-08_excerpt__crazzyghost.json');
    const s = await extractor.weeklyAdjusted('IBM');
    expect(s.meta.outputSize).toBeUndefined();
    expect(s.bars[0]).toMatchObject({
      volume: '18736550',
      dividendAmount: '1.6300',
      splitCoefficient: null,
    });
    expect(s.bars.map((b) => b.time)).toEqual(['2020-05-08', '2020-05-01']);
  });

  it('weekly, monthly, monthly adjusted', async () => {
    const { extractor } = extractorFor(server);
    serve('TIME_SERIES_WEEKLY__IBM_json_2020-05-08_excerpt__crazzyghost.json');
    serve('TIME_SERIES_MONTHLY__IBM_json_2020-05-08_excerpt__crazzyghost.json');
    serve('TIME_SERIES_MONTHLY_ADJUSTED__IBM_json_2020-05-08_excerpt__crazzyghost.json');
    const weekly = await extractor.weekly('IBM');
    const monthly = await extractor.monthly('IBM');
    const monthlyAdj = await extractor.monthlyAdjusted('IBM');
    expect(weekly.bars.length).toBeGreaterThan(0);
    expect(monthly.bars[0]).toEqual({
      time: '2020-05-08',
      open: '123.1900',
      high: '124.3200',
      low: '119.3910',
      close: '121.8400',
      volume: '23665041',
    });
    expect(monthlyAdj.bars[0]?.splitCoefficient).toBeNull();
    expect(server.requests.map((r) => r.params.get('function'))).toEqual([
      'TIME_SERIES_WEEKLY',
      'TIME_SERIES_MONTHLY',
      'TIME_SERIES_MONTHLY_ADJUSTED',
    ]);
  });

  it('a long body with a UTF-8 BOM (2018 MSFT monthly adjusted)', async () => {
    const { extractor } = extractorFor(server);
    serve('TIME_SERIES_MONTHLY_ADJUSTED__MSFT_json_2018-08-20__threefourteen.json');
    const s = await extractor.monthlyAdjusted('MSFT');
    expect(s.meta.symbol).toBe('MSFT');
    expect(s.bars[0]?.time).toBe('2018-08-20');
    expect(s.bars.length).toBeGreaterThan(200);
    expect(s.malformed).toEqual([]);
  });
});

describe('snapshot and reference endpoints parse real recordings', () => {
  it('quote: two-digit prefixes stripped, % removed', async () => {
    const { extractor } = extractorFor(server);
    serve('GLOBAL_QUOTE__IBM_json_2020-05-08__crazzyghost.json');
    expect(await extractor.quote('IBM')).toEqual({
      symbol: 'IBM',
      open: '122.6700',
      high: '122.8000',
      low: '121.0600',
      price: '121.7400',
      volume: '2528814',
      latestTradingDay: '2020-05-08',
      previousClose: '121.2300',
      change: '0.5100',
      changePercent: '0.4207',
    });
  });

  it('overview: 2026 and 2021 schemas, placeholders become null', async () => {
    const { extractor } = extractorFor(server);
    serve('OVERVIEW__IBM_2026__portfoliotree.json');
    serve('OVERVIEW__IBM_json_2021__romeltorres.json');
    const now = await extractor.overview('IBM');
    const old = await extractor.overview('IBM');
    expect(now).toMatchObject({
      symbol: 'IBM',
      assetType: 'Common Stock',
      exchange: 'NYSE',
      currency: 'USD',
    });
    expect(now.name).toBe('International Business Machines');
    expect(now.raw.CIK).toBeTypeOf('string');
    expect(old.raw.FullTimeEmployees).toBeTypeOf('string');
    expect(old.raw.CIK).toBeUndefined();
  });

  it('listing status CSV (header by name)', async () => {
    const { extractor } = extractorFor(server);
    serve('LISTING_STATUS__excerpt_csv__portfoliotree-testdata.csv');
    const rows = await extractor.listingStatus({ state: 'active', date: '2021-06-01' });
    expect(rows).toHaveLength(8);
    expect(rows[0]).toEqual({
      symbol: 'A',
      name: 'Agilent Technologies Inc',
      exchange: 'NYSE',
      assetType: 'Stock',
      ipoDate: '1999-11-18',
      delistingDate: null,
      status: 'Active',
    });
    expect(rows.map((r) => r.symbol)).toContain('AAC-WS');
    expect(server.requests[0]?.params.get('date')).toBe('2021-06-01');
  });

  it('symbol search (tesco, BA)', async () => {
    const { extractor } = extractorFor(server);
    serve('SYMBOL_SEARCH__tesco_json__crazzyghost.json');
    serve('SYMBOL_SEARCH__BA_json__romeltorres.json');
    const tesco = await extractor.search('tesco');
    expect(tesco[0]).toEqual({
      symbol: 'TSCO.LON',
      name: 'Tesco PLC',
      type: 'Equity',
      region: 'United Kingdom',
      marketOpen: '08:00',
      marketClose: '16:30',
      timezone: 'UTC+01',
      currency: 'GBX',
      matchScore: '0.7273',
    });
    expect(await extractor.search('BA')).toHaveLength(10);
    expect(server.requests[0]?.params.get('keywords')).toBe('tesco');
  });

  it('market status', async () => {
    const { extractor } = extractorFor(server);
    serve('MARKET_STATUS__json__portfoliotree.json');
    const markets = await extractor.marketStatus();
    expect(markets).toHaveLength(16);
    expect(markets[0]).toEqual({
      marketType: 'Equity',
      region: 'United States',
      primaryExchanges: 'NASDAQ, NYSE, AMEX, BATS',
      localOpen: '09:30',
      localClose: '16:15',
      currentStatus: 'closed',
      notes: '',
    });
  });

  it('bulk quotes: the recorded data array (without the demo premium message) parses', async () => {
    const { extractor } = extractorFor(server);
    // The only recording is the demo key's artificial sample; its `message` makes it a
    // PremiumEndpointError (tested elsewhere). A real premium answer has the same data shape.
    const recorded = JSON.parse(
      fixture('REALTIME_BULK_QUOTES__demo_premium_sample__portfoliotree.json'),
    );
    delete recorded.message;
    server.enqueue({ body: JSON.stringify(recorded) });
    const quotes = await extractor.bulkQuotes(['MSFT', 'AAPL', 'IBM']);
    expect(quotes).toHaveLength(3);
    expect(quotes[1]).toEqual({
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
      extendedHoursQuote: '234.83',
      extendedHoursChange: '-0.17',
      extendedHoursChangePercent: '-0.07234',
    });
    expect(server.requests[0]?.params.get('symbol')).toBe('MSFT,AAPL,IBM');
  });

  it('bulk quotes: 250 symbols become calls of 100, 100 and 50', async () => {
    const { extractor } = extractorFor(server);
    const symbols = Array.from({ length: 250 }, (_, i) => `S${i}`);
    const answer = (req: { params: URLSearchParams }) => ({
      body: JSON.stringify({
        endpoint: 'Realtime Bulk Quotes',
        data: (req.params.get('symbol') ?? '').split(',').map((symbol) => ({
          symbol,
          timestamp: '2024-10-18 19:59:55.291',
          open: '1',
          high: '1',
          low: '1',
          close: '1',
          volume: '0',
          previous_close: '1',
          change: '0',
          change_percent: '0',
        })),
      }),
    });
    server.enqueue(answer, answer, answer);
    const quotes = await extractor.bulkQuotes(symbols);
    expect(quotes.map((q) => q.symbol)).toEqual(symbols);
    expect(quotes[0]?.extendedHoursQuote).toBeNull();
    expect(server.requests.map((r) => r.params.get('symbol')?.split(',').length)).toEqual([
      100, 100, 50,
    ]);
  });
});
