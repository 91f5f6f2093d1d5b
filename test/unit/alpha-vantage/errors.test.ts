import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorFromNotice, findNotice } from '../../../src/alpha-vantage/classify';
import type { StockEtlErrorCode } from '../../../src/errors';
import { type ScriptServer, startScriptServer } from '../../helpers/http-script-server';
import { API_KEY, extractorFor, fixture, NOTICES, notice } from './support';

let server: ScriptServer;
beforeAll(async () => {
  server = await startScriptServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const cases: [string, string, string, StockEtlErrorCode][] = [
  ['daily limit, wording A', 'Information', NOTICES.dailyA, 'DAILY_LIMIT'],
  ['daily limit, wording B (echoes the key)', 'Information', NOTICES.dailyB, 'DAILY_LIMIT'],
  ['free burst (1 request per second)', 'Information', NOTICES.burstFree, 'RATE_LIMITED'],
  [
    'free burst variant (mentions premium endpoints)',
    'Information',
    NOTICES.burstFreeVariant,
    'RATE_LIMITED',
  ],
  ['premium burst', 'Information', NOTICES.burstPremium, 'RATE_LIMITED'],
  ['premium minute limit', 'Information', NOTICES.minutePremium, 'RATE_LIMITED'],
  ['2019 per-minute Note', 'Note', NOTICES.minuteNote2019, 'RATE_LIMITED'],
  ['2019 per-minute text under Information', 'Information', NOTICES.minuteNote2019, 'RATE_LIMITED'],
  ['free burst text under Note', 'Note', NOTICES.burstFree, 'RATE_LIMITED'],
  ['2017 frequency wording', 'Information', NOTICES.frequency2017, 'RATE_LIMITED'],
  ['premium endpoint (current)', 'Information', NOTICES.premiumCurrent, 'PREMIUM_ENDPOINT'],
  ['premium endpoint (2018)', 'Information', NOTICES.premium2018, 'PREMIUM_ENDPOINT'],
  ['missing or invalid key', 'Error Message', NOTICES.invalidKey, 'INVALID_API_KEY'],
  ['unknown function', 'Error Message', NOTICES.unknownFunction, 'INVALID_REQUEST'],
  [
    'unknown Error Message wording',
    'Error Message',
    'Something new went wrong.',
    'INVALID_REQUEST',
  ],
  ['unknown Information wording', 'Information', 'We are updating our systems.', 'BAD_RESPONSE'],
  ['unknown Note wording', 'Note', 'Hello there.', 'BAD_RESPONSE'],
];

describe('notice classification (pure)', () => {
  it.each(cases)('%s → %s', (_name, key, text, code) => {
    const found = findNotice(JSON.parse(notice(key, text)));
    expect(found).toEqual({ key, text });
    expect(errorFromNotice(found!, { endpoint: 'TIME_SERIES_DAILY', symbol: 'IBM' }).code).toBe(
      code,
    );
  });

  it('rate-limit notices carry a wait matching their window', () => {
    const wait = (text: string) =>
      (
        errorFromNotice({ key: 'Information', text }, { endpoint: 'X' }) as {
          retryAfterMs?: number;
        }
      ).retryAfterMs;
    expect(wait(NOTICES.burstFree)).toBe(1_000);
    expect(wait(NOTICES.burstPremium)).toBe(1_000);
    expect(wait(NOTICES.minutePremium)).toBe(60_000);
  });
});

describe('error classes from real bodies, through HTTP', () => {
  it('recorded "Invalid API call" → InvalidRequestError naming the endpoint, no retry', async () => {
    const { extractor } = extractorFor(server);
    server.enqueue({ body: fixture('ERROR__invalid_api_call_BOP_demo__portfoliotree.json') });
    const error = await extractor.daily('NOPE').catch((e) => e);
    expect(error).toMatchObject({
      code: 'INVALID_REQUEST',
      endpoint: 'TIME_SERIES_DAILY',
      symbol: 'NOPE',
    });
    expect(server.requests).toHaveLength(1);
  });

  it('the demo premium sample (message + artificial data) → PremiumEndpointError, never data', async () => {
    const { extractor } = extractorFor(server);
    server.enqueue({
      body: fixture('REALTIME_BULK_QUOTES__demo_premium_sample__portfoliotree.json'),
    });
    await expect(extractor.bulkQuotes(['MSFT'])).rejects.toMatchObject({
      code: 'PREMIUM_ENDPOINT',
    });
    expect(server.requests).toHaveLength(1);
  });

  // Rate limits are retried by design, an unrecognised notice once (tested in classify.test.ts).
  it.each(cases.filter(([, , , code]) => code !== 'RATE_LIMITED' && code !== 'BAD_RESPONSE'))(
    '%s is not retried',
    async (_name, key, text, code) => {
      const { extractor } = extractorFor(server);
      server.enqueue({ body: notice(key, text) });
      const error = await extractor.daily('IBM').catch((e) => e);
      expect(error.code).toBe(code);
      expect(error.message).not.toContain(API_KEY);
      expect(server.requests).toHaveLength(1);
    },
  );

  it('errors arrive as JSON even for CSV endpoints', async () => {
    const { extractor } = extractorFor(server);
    server.enqueue({ body: notice('Information', NOTICES.premiumCurrent) });
    await expect(extractor.listingStatus()).rejects.toMatchObject({ code: 'PREMIUM_ENDPOINT' });
  });

  it('a notice next to real data is ignored (the data key decides)', async () => {
    const { extractor } = extractorFor(server);
    const body = JSON.parse(fixture('GLOBAL_QUOTE__IBM_json_2020-05-08__crazzyghost.json'));
    body.Information = 'Some banner text';
    server.enqueue({ body: JSON.stringify(body) });
    await expect(extractor.quote('IBM')).resolves.toMatchObject({ price: '121.7400' });
  });

  it('daily limit from the server: DailyLimitError with resetsAt, and no further request that day', async () => {
    const { extractor } = extractorFor(server, { plan: 'free' });
    server.enqueue({ body: notice('Information', NOTICES.dailyB) });
    const first = await extractor.quote('IBM').catch((e) => e);
    expect(first.code).toBe('DAILY_LIMIT');
    expect(first.resetsAt).toEqual(new Date('2025-06-03T04:00:00Z')); // midnight New York (EDT)
    expect(JSON.stringify({ m: first.message, s: first.stack })).not.toContain(API_KEY);
    const second = await extractor.quote('IBM').catch((e) => e);
    expect(second.code).toBe('DAILY_LIMIT');
    expect(server.requests).toHaveLength(1);
    expect(await extractor.budget()).toMatchObject({ perDay: 25, usedToday: 1, remainingToday: 0 });
  });

  it('empty Global Quote → InvalidRequestError "unknown symbol"; {} overview → InvalidRequestError', async () => {
    const { extractor } = extractorFor(server);
    server.enqueue({ body: '{"Global Quote": {}}' }, { body: '{}' });
    await expect(extractor.quote('ZZZZ')).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('unknown symbol'),
    });
    await expect(extractor.overview('ZZZZ')).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});

describe('bodies that are not the expected shape → ResponseFormatError naming endpoint and problem', () => {
  const daily = fixture('TIME_SERIES_DAILY__IBM_full_json_2020-05-08_excerpt__crazzyghost.json');
  const bad: [string, string, RegExp][] = [
    ['truncated JSON', daily.slice(0, daily.length / 2), /not valid JSON/],
    ['HTML from a proxy', '<html><body>502 Bad Gateway</body></html>', /HTML instead of JSON/],
    ['empty body', '', /empty body/],
    ['empty object', '{}', /empty object/],
    [
      'missing series key',
      JSON.stringify({ 'Meta Data': JSON.parse(daily)['Meta Data'] }),
      /"Time Series \(Daily\)" is missing/,
    ],
    [
      'a number that is not a number',
      daily.replace('"122.6700"', '"12x.67"'),
      /open is not a number: "12x.67"/,
    ],
    ['missing Meta Data', JSON.stringify({ 'Time Series (Daily)': {} }), /Meta Data/],
    ['top-level array', '[1,2]', /not a JSON object/],
  ];
  it.each(bad)('%s', async (_name, body, message) => {
    const { extractor } = extractorFor(server);
    server.enqueue({ body });
    const error = await extractor.daily('IBM').catch((e) => e);
    expect(error.code).toBe('BAD_RESPONSE');
    expect(error.endpoint).toBe('TIME_SERIES_DAILY');
    expect(error.message).toContain('TIME_SERIES_DAILY IBM');
    expect(error.message).toMatch(message);
    expect(server.requests).toHaveLength(1);
  });

  it('JSON where CSV was expected', async () => {
    const { extractor } = extractorFor(server);
    server.enqueue({ body: '{"foo": 1}' });
    await expect(extractor.listingStatus()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });
});
