import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAlphaVantage, hashApiKey, startFakeAlphaVantage } from '../../../src/testing';
import { csvLines, query, queryJson } from './fake-client';

let fake: FakeAlphaVantage;
beforeAll(async () => {
  fake = await startFakeAlphaVantage({
    now: () => new Date('2024-11-21T03:00:00Z'),
    keys: { 'premium-key': { plan: 'premium-75' } },
    fixtures: [
      {
        match: { function: 'OVERVIEW', symbol: 'IBM' },
        body: '{\n    "Symbol": "IBM",\n    "Name": "Recorded"\n}',
      },
    ],
  });
});
afterAll(() => fake.close());

describe('GLOBAL_QUOTE', () => {
  it('uses 01.–10. prefixes and agrees with the daily series', async () => {
    const body = await queryJson(fake, { function: 'GLOBAL_QUOTE', symbol: 'MSFT' });
    const q = body['Global Quote'] as Record<string, string>;
    expect(Object.keys(q)).toEqual([
      '01. symbol',
      '02. open',
      '03. high',
      '04. low',
      '05. price',
      '06. volume',
      '07. latest trading day',
      '08. previous close',
      '09. change',
      '10. change percent',
    ]);
    const daily = (await queryJson(fake, { function: 'TIME_SERIES_DAILY', symbol: 'MSFT' }))[
      'Time Series (Daily)'
    ] as Record<string, Record<string, string>>;
    expect(q['07. latest trading day']).toBe('2024-11-20');
    expect(q['05. price']).toBe(daily['2024-11-20']!['4. close']);
    expect(q['08. previous close']).toBe(daily['2024-11-19']!['4. close']);
    const change = Number(q['05. price']) - Number(q['08. previous close']);
    expect(Number(q['09. change'])).toBeCloseTo(change, 4);
    expect(q['10. change percent']).toMatch(/^-?\d+\.\d{4}%$/);
  });

  it('has a camelCase CSV and answers an unknown symbol with an empty quote', async () => {
    const lines = csvLines(
      (await query(fake, { function: 'GLOBAL_QUOTE', symbol: 'IBM', datatype: 'csv' })).text,
    );
    expect(lines[0]).toBe(
      'symbol,open,high,low,price,volume,latestDay,previousClose,change,changePercent',
    );
    expect(lines[1]).toMatch(
      /^IBM,[\d.]+,[\d.]+,[\d.]+,[\d.]+,\d+,2024-11-20,[\d.]+,-?[\d.]+,-?[\d.]+%$/,
    );
    expect(await queryJson(fake, { function: 'GLOBAL_QUOTE', symbol: 'INVALIDX' })).toEqual({
      'Global Quote': {},
    });
  });
});

describe('REALTIME_BULK_QUOTES', () => {
  it('is premium for a free key', async () => {
    const body = await queryJson(fake, { function: 'REALTIME_BULK_QUOTES', symbol: 'IBM,MSFT' });
    expect(String(body.Information)).toContain('This is a premium endpoint');
  });

  it('returns snake_case rows for up to 100 symbols with a premium key', async () => {
    const symbols = Array.from({ length: 120 }, (_, i) => `S${i}X`);
    symbols[3] = 'INVALID9';
    const body = await queryJson(fake, {
      function: 'REALTIME_BULK_QUOTES',
      symbol: symbols.join(','),
      apikey: 'premium-key',
    });
    expect(body.endpoint).toBe('Realtime Bulk Quotes');
    const data = body.data as Array<Record<string, string>>;
    expect(data.length).toBe(99); // the first 100, minus the unknown one
    expect(Object.keys(data[0]!)).toEqual([
      'symbol',
      'timestamp',
      'open',
      'high',
      'low',
      'close',
      'volume',
      'previous_close',
      'change',
      'change_percent',
      'extended_hours_quote',
      'extended_hours_change',
      'extended_hours_change_percent',
    ]);
    expect(data[0]!.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
    expect(data[0]!.change_percent).not.toContain('%');
  });

  it('treats entitlement=realtime as premium on any function', async () => {
    const body = await queryJson(fake, {
      function: 'GLOBAL_QUOTE',
      symbol: 'IBM',
      entitlement: 'realtime',
    });
    expect(String(body.Information)).toContain('premium endpoint');
    const ok = await queryJson(fake, {
      function: 'GLOBAL_QUOTE',
      symbol: 'IBM',
      entitlement: 'delayed',
      apikey: 'premium-key',
    });
    expect(ok['Global Quote']).toBeDefined();
  });
});

describe('OVERVIEW, LISTING_STATUS, SYMBOL_SEARCH, MARKET_STATUS', () => {
  it('serves a recorded fixture when one matches, synthetic data otherwise', async () => {
    expect(await queryJson(fake, { function: 'OVERVIEW', symbol: 'ibm' })).toEqual({
      Symbol: 'IBM',
      Name: 'Recorded',
    });
    const msft = await queryJson(fake, { function: 'OVERVIEW', symbol: 'MSFT' });
    expect(msft.Name).toBe('Microsoft Corporation');
    expect(Object.keys(msft).slice(0, 6)).toEqual([
      'Symbol',
      'AssetType',
      'Name',
      'Description',
      'CIK',
      'Exchange',
    ]);
    expect(Object.values(msft).every((v) => typeof v === 'string')).toBe(true);
    expect(await queryJson(fake, { function: 'OVERVIEW', symbol: 'INVALIDX' })).toEqual({});
    expect(fake.requestCount({ function: 'OVERVIEW', outcome: 'fixture' })).toBe(1);
  });

  it('lists active and delisted symbols as CSV, also as of a past date', async () => {
    const active = csvLines((await query(fake, { function: 'LISTING_STATUS' })).text);
    expect(active[0]).toBe('symbol,name,exchange,assetType,ipoDate,delistingDate,status');
    expect(active).toContain(
      'IBM,International Business Machines Corp,NYSE,Stock,1962-01-02,null,Active',
    );
    expect(active.some((l) => l.startsWith('TWTR,'))).toBe(false);
    const delisted = csvLines(
      (await query(fake, { function: 'LISTING_STATUS', state: 'delisted', datatype: 'json' })).text,
    );
    expect(delisted).toContain('TWTR,Twitter Inc,NYSE,Stock,2013-11-07,2022-11-08,Delisted');
    const past = csvLines(
      (await query(fake, { function: 'LISTING_STATUS', date: '2011-06-01' })).text,
    );
    expect(past.some((l) => l.startsWith('XLNX,') && l.endsWith(',null,Active'))).toBe(true);
    expect(past.some((l) => l.startsWith('META,'))).toBe(false);
    expect(
      String(
        (await queryJson(fake, { function: 'LISTING_STATUS', date: '2009-01-01' }))[
          'Error Message'
        ],
      ),
    ).toContain('LISTING_STATUS');
  });

  it('honours a custom listing', async () => {
    const custom = await startFakeAlphaVantage({
      listing: [
        {
          symbol: 'ZZZ',
          name: 'Zed Corp',
          exchange: 'NASDAQ',
          assetType: 'Stock',
          ipoDate: '2001-02-03',
          delistingDate: null,
        },
      ],
    });
    try {
      expect(csvLines((await query(custom, { function: 'LISTING_STATUS' })).text)).toEqual([
        'symbol,name,exchange,assetType,ipoDate,delistingDate,status',
        'ZZZ,Zed Corp,NASDAQ,Stock,2001-02-03,null,Active',
      ]);
    } finally {
      await custom.close();
    }
  });

  it('searches symbols and names, JSON and CSV', async () => {
    const body = await queryJson(fake, { function: 'SYMBOL_SEARCH', keywords: 'micro' });
    const matches = body.bestMatches as Array<Record<string, string>>;
    expect(matches.map((m) => m['1. symbol'])).toEqual(['MSFT', 'AMD']); // shorter name, better score;
    expect(Object.keys(matches[0]!)).toEqual([
      '1. symbol',
      '2. name',
      '3. type',
      '4. region',
      '5. marketOpen',
      '6. marketClose',
      '7. timezone',
      '8. currency',
      '9. matchScore',
    ]);
    expect(matches[0]!['7. timezone']).toBe('UTC-05');
    const csv = csvLines(
      (await query(fake, { function: 'SYMBOL_SEARCH', keywords: 'IBM', datatype: 'csv' })).text,
    );
    expect(csv[0]).toBe(
      'symbol,name,type,region,marketOpen,marketClose,timezone,currency,matchScore',
    );
    expect(csv[1]).toMatch(/^IBM,.*,1\.0000$/);
    expect(await queryJson(fake, { function: 'SYMBOL_SEARCH', keywords: 'qqqqqq' })).toEqual({
      bestMatches: [],
    });
  });

  it('reports market status from the calendar', async () => {
    const at = async (iso: string) => {
      const f = await startFakeAlphaVantage({ now: () => new Date(iso) });
      try {
        const body = await queryJson(f, { function: 'MARKET_STATUS' });
        expect(body.endpoint).toBe('Global Market Open & Close Status');
        const markets = body.markets as Array<Record<string, string>>;
        expect(markets.length).toBe(16);
        return markets[0]!;
      } finally {
        await f.close();
      }
    };
    expect((await at('2024-11-20T15:00:00Z')).current_status).toBe('open'); // 10:00 ET
    expect((await at('2024-11-28T15:00:00Z')).current_status).toBe('closed'); // Thanksgiving
    expect((await at('2024-11-20T21:10:00Z')).current_status).toBe('open'); // 16:10, local_close 16:15
    expect((await at('2024-11-29T18:30:00Z')).current_status).toBe('closed'); // early close 13:00
  });
});

describe('keys, functions and recording', () => {
  it('answers a missing or empty key with the key error, and an unknown function by name', async () => {
    const keyError =
      'the parameter apikey is invalid or missing. Please claim your free API key on (https://www.alphavantage.co/support/#api-key). It should take less than 20 seconds.';
    const res = await fetch(`${fake.url}/query?function=TIME_SERIES_DAILY&symbol=IBM`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ 'Error Message': keyError });
    expect(
      await queryJson(fake, { function: 'TIME_SERIES_DAILY', symbol: 'IBM', apikey: '' }),
    ).toEqual({
      'Error Message': keyError,
    });
    expect(await queryJson(fake, { function: 'TIME_SERIES_INTRAAY', symbol: 'IBM' })).toEqual({
      'Error Message': 'This API function (TIME_SERIES_INTRAAY) does not exist.',
    });
  });

  it('can reject unknown keys', async () => {
    const strict = await startFakeAlphaVantage({
      keys: { good: { plan: 'free' } },
      rejectUnknownKeys: true,
    });
    try {
      expect(
        String(
          (await queryJson(strict, { function: 'INDEX_CATALOG', apikey: 'bad' }))['Error Message'],
        ),
      ).toContain('apikey is invalid');
      expect((await queryJson(strict, { function: 'INDEX_CATALOG', apikey: 'good' })).SPX).toBe(
        'S&P 500',
      );
    } finally {
      await strict.close();
    }
  });

  it('records requests without the key and counts them by filter', async () => {
    const f = await startFakeAlphaVantage({ now: () => new Date('2024-11-21T03:00:00Z') });
    try {
      await query(f, { function: 'GLOBAL_QUOTE', symbol: 'IBM', apikey: 'secret-key-123' });
      await query(f, { function: 'global_quote', symbol: 'msft', apikey: 'secret-key-123' });
      await query(f, { function: 'TIME_SERIES_DAILY', symbol: 'IBM', apikey: 'other' });
      expect(f.requestCount()).toBe(3);
      expect(f.requestCount({ function: 'GLOBAL_QUOTE' })).toBe(2);
      expect(f.requestCount({ symbol: 'ibm' })).toBe(2);
      expect(f.requestCount({ apiKey: 'secret-key-123' })).toBe(2);
      const [first] = f.requests;
      expect(first).toMatchObject({
        seq: 1,
        function: 'GLOBAL_QUOTE',
        symbol: 'IBM',
        hasApiKey: true,
        outcome: 'served',
        status: 200,
      });
      expect(first!.apiKeyHash).toBe(hashApiKey('secret-key-123'));
      expect(first!.params).toEqual({ function: 'GLOBAL_QUOTE', symbol: 'IBM' });
      expect(JSON.stringify(f.requests)).not.toContain('secret-key-123');
      expect(f.stats()).toEqual({ total: 3, served: 3, rateLimited: 0, faults: 0, rejected: 0 });
      f.reset();
      expect(f.requestCount()).toBe(0);
      expect(f.stats().total).toBe(0);
    } finally {
      await f.close();
    }
  });

  it('validates its options', async () => {
    await expect(startFakeAlphaVantage({ port: -1 })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(startFakeAlphaVantage({ rateLimit: { perSecond: 1.5 } })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(
      startFakeAlphaVantage({ faults: { probability: { 'http-500': 2 } } }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });

  it('answers other paths with 404', async () => {
    const res = await fetch(`${fake.url}/nope`);
    expect(res.status).toBe(404);
    await res.text();
  });
});
