import { describe, expect, it } from 'vitest';
import { parseIndexData } from '../../../src/alpha-vantage/parse/index-data';
import { decodeEntities, parseListingStatus } from '../../../src/alpha-vantage/parse/listing';
import { parseIndexCatalog } from '../../../src/alpha-vantage/parse/reference';
import { parseTimeSeries, type SeriesSpec } from '../../../src/alpha-vantage/parse/series';
import { fixture } from './support';

const INTRADAY = fixture(
  'TIME_SERIES_INTRADAY__IBM_5min_full_json_2020-05-08_excerpt__crazzyghost.json',
);
const spec: SeriesSpec = {
  endpoint: 'TIME_SERIES_INTRADAY',
  symbol: 'IBM',
  seriesKey: 'Time Series (5min)',
  kind: 'plain',
  intraday: true,
};

describe('malformed bars', () => {
  const broken = INTRADAY.replace('"121.8600"', '"abc"').replace(
    '"5. volume": "31454"',
    '"5. volume": "3.5"',
  );

  it("'throw' names the bar, field and value", () => {
    expect(() => parseTimeSeries(broken, spec, 'throw')).toThrow(
      /bar 2020-05-08 14:05:00: high is not a number: "abc"/,
    );
  });

  it("'report' keeps the good bars and lists the bad one with its raw values", () => {
    const s = parseTimeSeries(broken, spec, 'report');
    expect(s.malformed).toEqual([
      {
        time: '2020-05-08 14:05:00',
        reason: 'high is not a number: "abc"',
        raw: expect.objectContaining({ '2. high': 'abc' }),
      },
    ]);
    const all = parseTimeSeries(INTRADAY, spec, 'throw');
    expect(s.bars).toEqual(all.bars.slice(1));
  });

  it('a missing field and a bad timestamp are reported', () => {
    const body = JSON.parse(INTRADAY);
    const series = body['Time Series (5min)'];
    const [t0, t1] = Object.keys(series);
    delete series[t0 as string]['4. close'];
    series['2020-13-08 10:00:00'] = series[t1 as string];
    const s = parseTimeSeries(JSON.stringify(body), spec, 'report');
    expect(s.malformed.map((m) => m.reason)).toEqual([
      'close is missing',
      'timestamp "2020-13-08 10:00:00" is not a valid time',
    ]);
  });

  it('a duplicated timestamp is detected in the raw text (JSON.parse would keep only the last)', () => {
    const first = INTRADAY.indexOf('"2020-05-08 14:00:00"');
    const end = INTRADAY.indexOf('}', first) + 1;
    const entry = INTRADAY.slice(first, end);
    const duplicated = `${INTRADAY.slice(0, end)},\n${entry.replace('"121.', '"999.')}${INTRADAY.slice(end)}`;
    expect(() => parseTimeSeries(duplicated, spec, 'throw')).toThrow(
      /2020-05-08 14:00:00: duplicated timestamp/,
    );
    const s = parseTimeSeries(duplicated, spec, 'report');
    expect(s.malformed.map((m) => m.time)).toEqual(['2020-05-08 14:00:00']);
    expect(s.bars.some((b) => b.time === '2020-05-08 14:00:00')).toBe(false);
    expect(s.bars).toHaveLength(parseTimeSeries(INTRADAY, spec, 'throw').bars.length - 1);
  });

  it("the envelope stays strict in 'report' mode", () => {
    expect(() => parseTimeSeries(INTRADAY.slice(0, 300), spec, 'report')).toThrow(/not valid JSON/);
    const noMeta = JSON.parse(INTRADAY);
    noMeta['Meta Data']['6. Time Zone'] = '';
    expect(() => parseTimeSeries(JSON.stringify(noMeta), spec, 'report')).toThrow(
      /Meta Data: timeZone/,
    );
  });

  it('parses a month of 1-min extended-hours bars (~20k) correctly', () => {
    const series: Record<string, unknown> = {};
    for (let i = 0; i < 20_000; i++) {
      const t = new Date(Date.UTC(2024, 2, 1) + i * 60_000)
        .toISOString()
        .replace('T', ' ')
        .slice(0, 19);
      series[t] = {
        '1. open': '100.0100',
        '2. high': '100.5000',
        '3. low': '99.9000',
        '4. close': '100.2000',
        '5. volume': String(i),
      };
    }
    const meta = {
      '1. Information': 'x',
      '2. Symbol': 'IBM',
      '3. Last Refreshed': '2024-03-14 21:19:00',
      '4. Interval': '1min',
      '5. Output Size': 'Full size',
      '6. Time Zone': 'US/Eastern',
    };
    const text = JSON.stringify({ 'Meta Data': meta, 'Time Series (1min)': series });
    const s = parseTimeSeries(text, { ...spec, seriesKey: 'Time Series (1min)' }, 'throw');
    expect(s.bars).toHaveLength(20_000);
    expect(s.bars[19_999]?.volume).toBe('19999');
  });
});

describe('INDEX_DATA (no recording: API.md §2.13 shapes)', () => {
  const ctx = { endpoint: 'INDEX_DATA', symbol: 'SPX' };

  it('a TIME_SERIES-like body, extra keys tolerated', () => {
    const body = {
      'Meta Data': {
        '1. Information': 'Daily index levels',
        '2. Symbol': 'SPX',
        '3. Last Refreshed': '2025-06-02',
        '4. Time Zone': 'US/Eastern',
        '5. Extra': 'x',
      },
      'Time Series (Daily)': {
        '2025-06-02': {
          '1. open': '5896.68',
          '2. high': '5937.40',
          '3. low': '5861.43',
          '4. close': '5935.94',
          '9. extra': '1',
        },
        '2025-05-30': {
          '1. open': '5903.67',
          '2. high': '5915.11',
          '3. low': '5843.66',
          '4. close': '5911.69',
          '5. volume': '0',
        },
      },
      disclaimer: 'extra top-level text',
    };
    const s = parseIndexData(JSON.stringify(body), ctx, 'throw');
    expect(s.meta).toMatchObject({
      symbol: 'SPX',
      timeZone: 'US/Eastern',
      lastRefreshed: '2025-06-02',
    });
    expect(s.bars).toEqual([
      {
        time: '2025-06-02',
        open: '5896.68',
        high: '5937.40',
        low: '5861.43',
        close: '5935.94',
        volume: null,
      },
      {
        time: '2025-05-30',
        open: '5903.67',
        high: '5915.11',
        low: '5843.66',
        close: '5911.69',
        volume: '0',
      },
    ]);
  });

  it('an array body, sorted newest first, meta defaulted', () => {
    const body = {
      symbol: 'VIX',
      data: [
        { date: '2025-05-30', open: '19.1', high: '20.0', low: '18.5', close: '18.57' },
        { date: '2025-06-02', open: '18.9', high: '19.2', low: '17.8', close: '18.36' },
      ],
    };
    const s = parseIndexData(
      JSON.stringify(body),
      { endpoint: 'INDEX_DATA', symbol: 'VIX' },
      'throw',
    );
    expect(s.bars.map((b) => b.time)).toEqual(['2025-06-02', '2025-05-30']);
    expect(s.meta).toEqual({
      information: '',
      symbol: 'VIX',
      lastRefreshed: '2025-06-02',
      timeZone: 'US/Eastern',
    });
  });

  it('strict about levels and the series', () => {
    const bad = { data: [{ date: '2025-06-02', open: 'n/a', high: '1', low: '1', close: '1' }] };
    expect(() => parseIndexData(JSON.stringify(bad), ctx, 'throw')).toThrow(/open is not a number/);
    expect(parseIndexData(JSON.stringify(bad), ctx, 'report').malformed).toHaveLength(1);
    expect(() => parseIndexData('{"a": {}, "b": []}', ctx, 'throw')).toThrow(/no single series/);
    expect(() => parseIndexData('{}', ctx, 'throw')).toThrow(/empty object/);
  });
});

describe('INDEX_CATALOG', () => {
  const ctx = { endpoint: 'INDEX_CATALOG' };
  it('accepts a symbol → name map, an array and a wrapped array', () => {
    const expected = [
      { symbol: 'SPX', name: 'S&P 500' },
      { symbol: 'DJI', name: 'Dow Jones Industrial Average' },
    ];
    expect(
      parseIndexCatalog('{"SPX": "S&P 500", "DJI": "Dow Jones Industrial Average"}', ctx),
    ).toEqual(expected);
    expect(
      parseIndexCatalog(JSON.stringify(expected.map((e) => ({ ...e, region: 'US' }))), ctx),
    ).toEqual(expected);
    expect(
      parseIndexCatalog(JSON.stringify({ endpoint: 'Index Catalog', indices: expected }), ctx),
    ).toEqual(expected);
  });
  it('rejects entries without a symbol and empty catalogs', () => {
    expect(() => parseIndexCatalog('[{"name": "x"}]', ctx)).toThrow(/entry 0/);
    expect(() => parseIndexCatalog('[]', ctx)).toThrow(/empty/);
  });
});

describe('LISTING_STATUS CSV', () => {
  const ctx = { endpoint: 'LISTING_STATUS' };
  it('CRLF, blank lines, trailing spaces, entities, delisted rows', () => {
    const csv =
      'symbol,name,exchange,assetType,ipoDate,delistingDate,status\r\n\r\n' +
      'AAA,ALTERNATIVE ACCESS FIRST PRIORITY CLO BOND ETF ,NYSE ARCA,ETF,2020-09-09,null,Active\r\n' +
      'BRKB,DIREXION DAILY&NBSP;BRKB BEAR 1X SHARES,NYSE ARCA,ETF,2021-01-01,2023-05-05,Delisted\r\n' +
      'XYZ,,NASDAQ,Stock,null,null,Active\r\n';
    expect(parseListingStatus(csv, ctx)).toEqual([
      {
        symbol: 'AAA',
        name: 'ALTERNATIVE ACCESS FIRST PRIORITY CLO BOND ETF',
        exchange: 'NYSE ARCA',
        assetType: 'ETF',
        ipoDate: '2020-09-09',
        delistingDate: null,
        status: 'Active',
      },
      {
        symbol: 'BRKB',
        name: 'DIREXION DAILY BRKB BEAR 1X SHARES',
        exchange: 'NYSE ARCA',
        assetType: 'ETF',
        ipoDate: '2021-01-01',
        delistingDate: '2023-05-05',
        status: 'Delisted',
      },
      {
        symbol: 'XYZ',
        name: '',
        exchange: 'NASDAQ',
        assetType: 'Stock',
        ipoDate: null,
        delistingDate: null,
        status: 'Active',
      },
    ]);
  });
  it('a truncated row, a wrong header or HTML is a ResponseFormatError', () => {
    const header = 'symbol,name,exchange,assetType,ipoDate,delistingDate,status\n';
    expect(() => parseListingStatus(`${header}A,Agilent,NYSE`, ctx)).toThrow(/line 2 has 3 fields/);
    expect(() => parseListingStatus('ticker,name\nA,B', ctx)).toThrow(/header lacks symbol/);
    expect(() => parseListingStatus('<html></html>', ctx)).toThrow(/HTML instead of CSV/);
    expect(() => parseListingStatus(`${header}A,B,NYSE,Stock,1999-13-01,null,Active`, ctx)).toThrow(
      /ipoDate/,
    );
  });
  it('decodes numeric and named entities only', () => {
    expect(decodeEntities('A&amp;B &#39;x&#x27; &bogus; &')).toBe("A&B 'x' &bogus; &");
  });
});
