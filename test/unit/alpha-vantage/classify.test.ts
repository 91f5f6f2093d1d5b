/**
 * Every notice wording Alpha Vantage is known to have sent (API.md §1.3, with its source), and the
 * class it must land in. A wording that moves to another class fails here by name.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  classifyNotice,
  errorFromNotice,
  findNotice,
  type NoticeClass,
} from '../../../src/alpha-vantage/classify';
import type { ExtractorEvents } from '../../../src/alpha-vantage/extractor-events';
import { PremiumEndpointError, UnrecognizedNoticeError } from '../../../src/errors';
import { type ScriptServer, startScriptServer } from '../../helpers/http-script-server';
import { API_KEY, extractorFor, fixture, NOTICES, notice } from './support';

const FULL = { name: 'outputsize', value: 'full' };
const PREMIUM_PARAMETER =
  'Thank you for using Alpha Vantage! The outputsize=full parameter value is a premium feature for the TIME_SERIES_DAILY endpoint. You may subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly unlock all premium features';

/** [wording, source, body key, text, expected class] */
const TABLE: [string, string, string, string, NoticeClass][] = [
  [
    'invalid API call',
    'R: ERROR__invalid_api_call_BOP_demo__portfoliotree.json',
    'Error Message',
    'Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for BOP.',
    { kind: 'invalid-call' },
  ],
  [
    'missing/invalid key',
    'PT api/internal_test.go',
    'Error Message',
    NOTICES.invalidKey,
    { kind: 'invalid-key' },
  ],
  [
    'unknown function',
    'swift-alpha-vantage tests',
    'Error Message',
    NOTICES.unknownFunction,
    { kind: 'invalid-call' },
  ],
  [
    'daily quota, wording A',
    'code-index 33601747800',
    'Information',
    NOTICES.dailyA,
    { kind: 'daily-limit' },
  ],
  [
    'daily quota, wording B (key echoed, then redacted)',
    'code-index 30392122305',
    'Information',
    NOTICES.dailyB.replace(API_KEY, '***'),
    { kind: 'daily-limit' },
  ],
  [
    'free burst (1 request per second), 2025-12',
    'beancount/beanprice#124',
    'Information',
    NOTICES.burstFree,
    { kind: 'rate-limit', window: 'second' },
  ],
  [
    'free burst variant ending "unlock all premium endpoints"',
    'code-index 69092821732',
    'Information',
    NOTICES.burstFreeVariant,
    { kind: 'rate-limit', window: 'second' },
  ],
  [
    'free burst variant "raise the per-second burst limit"',
    'code-index 56254314254',
    'Information',
    'Thank you for using Alpha Vantage! Please consider spreading out your free API requests more sparingly (1 request per second). You may subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to lift the free key rate limit (25 requests per day), raise the per-second burst limit, and instantly unlock all premium endpoints.',
    { kind: 'rate-limit', window: 'second' },
  ],
  [
    'premium burst',
    'PT commit 5d981df',
    'Information',
    NOTICES.burstPremium,
    { kind: 'rate-limit', window: 'burst' },
  ],
  [
    'premium minute limit',
    'code-index 53627511029',
    'Information',
    NOTICES.minutePremium,
    { kind: 'rate-limit', window: 'minute' },
  ],
  [
    'free per-minute limit (2018–2024 Note)',
    'R: ERROR__rate_limit_Note_5perMin_500perDay_2019',
    'Note',
    NOTICES.minuteNote2019,
    { kind: 'rate-limit', window: 'minute' },
  ],
  [
    'rate limit, 2017 wording',
    'RomelTorres/alpha_vantage#14',
    'Information',
    NOTICES.frequency2017,
    { kind: 'rate-limit', window: 'minute' },
  ],
  [
    'premium endpoint (current)',
    'portfolio-performance#3605',
    'Information',
    NOTICES.premiumCurrent,
    { kind: 'premium-endpoint' },
  ],
  [
    'premium endpoint (2018 wording)',
    'R: ERROR__premium_Information_2018',
    'Information',
    NOTICES.premium2018,
    { kind: 'premium-endpoint' },
  ],
  [
    'premium endpoint, demo sample `message`',
    'R: REALTIME_BULK_QUOTES__demo_premium_sample',
    'message',
    "This is a premium endpoint. ***THE SAMPLE DATA SCHEMA BELOW IS ARTIFICIAL AND FOR ILLUSTRATION PURPOSES ONLY***. To access the actual data, please subscribe to any premium plan that mentions 'Realtime US Market Data' in its description at https://www.alphavantage.co/premium/ for your personal non-professional use. For professional/commercial use, please contact support at support@alphavantage.co.",
    { kind: 'premium-endpoint' },
  ],
  [
    'premium PARAMETER: outputsize=full on TIME_SERIES_DAILY (2024–2026)',
    'code-index 61392536797, 52008482252',
    'Information',
    PREMIUM_PARAMETER,
    { kind: 'premium-parameter', parameter: FULL, endpoint: 'TIME_SERIES_DAILY' },
  ],
  [
    'premium parameter, without the upsell',
    'code-index 56254314254, 66717368916',
    'Information',
    'Thank you for using Alpha Vantage! The outputsize=full parameter value is a premium feature for the TIME_SERIES_DAILY endpoint.',
    { kind: 'premium-parameter', parameter: FULL, endpoint: 'TIME_SERIES_DAILY' },
  ],
  [
    'unknown Information',
    '(none: a future wording)',
    'Information',
    'We are updating our systems.',
    { kind: 'unknown' },
  ],
  ['unknown Note', '(none: a future wording)', 'Note', 'Hello there.', { kind: 'unknown' }],
  [
    'unknown wording with the upsell that names every limit',
    '(none: a future wording)',
    'Information',
    'Thank you for using Alpha Vantage! Something changed. You may subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to lift the free key rate limit (25 requests per day) and instantly unlock all premium endpoints',
    { kind: 'unknown' },
  ],
  [
    'unknown Error Message is still a rejected request',
    '(none)',
    'Error Message',
    'Something new went wrong.',
    { kind: 'invalid-call' },
  ],
];

const CODE: Record<NoticeClass['kind'], string> = {
  'rate-limit': 'RATE_LIMITED',
  'daily-limit': 'DAILY_LIMIT',
  'premium-parameter': 'PREMIUM_ENDPOINT',
  'premium-endpoint': 'PREMIUM_ENDPOINT',
  'invalid-key': 'INVALID_API_KEY',
  'invalid-call': 'INVALID_REQUEST',
  unknown: 'BAD_RESPONSE',
};

describe('every known notice wording lands in its class', () => {
  it.each(TABLE)('%s (%s)', (_name, _source, key, text, expected) => {
    const found = findNotice(JSON.parse(notice(key, text)));
    expect(found).toEqual({ key, text });
    expect(classifyNotice(found!)).toEqual(expected);
    const error = errorFromNotice(found!, { endpoint: 'TIME_SERIES_DAILY', symbol: 'IBM' });
    expect(error.code).toBe(CODE[expected.kind]);
  });

  it('a premium-parameter error names the parameter; an endpoint error the free alternative', () => {
    const param = errorFromNotice(
      { key: 'Information', text: PREMIUM_PARAMETER },
      { endpoint: 'TIME_SERIES_DAILY', symbol: 'IBM' },
    ) as PremiumEndpointError;
    expect(param).toBeInstanceOf(PremiumEndpointError);
    expect(param).toMatchObject({ scope: 'parameter', parameter: FULL, remembered: false });
    expect(param.message).toMatch(/outputsize=full is a premium feature of TIME_SERIES_DAILY/);
    expect(param.message).toMatch(/compact.*still works/);
    const endpoint = errorFromNotice(
      { key: 'Information', text: NOTICES.premiumCurrent },
      { endpoint: 'TIME_SERIES_DAILY_ADJUSTED', symbol: 'IBM' },
    ) as PremiumEndpointError;
    expect(endpoint).toMatchObject({
      scope: 'endpoint',
      parameter: undefined,
      alternative: 'TIME_SERIES_DAILY',
    });
    expect(endpoint.message).toMatch(/free alternative is TIME_SERIES_DAILY/);
  });

  it('a premium-endpoint answer to an entitlement request refuses the entitlement only', () => {
    const error = errorFromNotice(
      { key: 'Information', text: NOTICES.premiumCurrent },
      { endpoint: 'TIME_SERIES_INTRADAY', params: { entitlement: 'realtime' } },
    ) as PremiumEndpointError;
    expect(error).toMatchObject({
      scope: 'parameter',
      parameter: { name: 'entitlement', value: 'realtime' },
    });
  });

  it('an unrecognised notice is quoted in the message', () => {
    const error = errorFromNotice(
      { key: 'Information', text: 'We are updating our systems.' },
      { endpoint: 'TIME_SERIES_DAILY', symbol: 'IBM' },
    );
    expect(error).toBeInstanceOf(UnrecognizedNoticeError);
    expect(error.message).toMatch(
      /does not recognise \(Information\): "We are updating our systems\."/,
    );
  });
});

describe('what each class costs, through HTTP', () => {
  let server: ScriptServer;
  const QUOTE = fixture('GLOBAL_QUOTE__IBM_json_2020-05-08__crazzyghost.json');
  beforeAll(async () => {
    server = await startScriptServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.setFallback({ status: 599, body: 'unscripted request' });
  });

  it('an unknown notice costs exactly one retry, then UnrecognizedNoticeError quoting it, redacted', async () => {
    const { extractor, clock } = extractorFor(server);
    const text = `Our systems saw key ${API_KEY} do something new.`;
    server.setFallback({ body: notice('Information', text) });
    const error = await extractor.quote('IBM').catch((e) => e);
    expect(error).toBeInstanceOf(UnrecognizedNoticeError);
    expect(error.code).toBe('BAD_RESPONSE');
    expect(server.requests).toHaveLength(2);
    expect(error.message).toMatch(/does not recognise/);
    expect(error.message).toContain('Our systems saw key *** do something new.');
    expect(error.message).toMatch(/asked 2 times/);
    expect(error.message).not.toContain(API_KEY);
    expect(error.notice).toEqual({
      key: 'Information',
      text: 'Our systems saw key *** do something new.',
    });
    // One short backoff, not a rate-limit cool-down chain.
    expect(clock.sleeps.filter((ms) => ms >= 500)).toHaveLength(1);
  });

  it('an unknown notice that clears on the retry returns the data', async () => {
    const { extractor } = extractorFor(server);
    server.enqueue({ body: notice('Note', 'Hello there.') }, { body: QUOTE });
    await expect(extractor.quote('IBM')).resolves.toMatchObject({ symbol: 'IBM' });
    expect(server.requests).toHaveLength(2);
  });

  it('a premium parameter fails after one request, is remembered, and the next ask costs nothing', async () => {
    const { extractor } = extractorFor(server);
    const events: ExtractorEvents['premium:refused'][] = [];
    extractor.on('premium:refused', (e) => events.push(e));
    server.enqueue({ body: notice('Information', PREMIUM_PARAMETER) });
    const first = await extractor.daily('IBM', { outputsize: 'full' }).catch((e) => e);
    expect(first).toMatchObject({ code: 'PREMIUM_ENDPOINT', scope: 'parameter', parameter: FULL });
    expect(server.requests).toHaveLength(1);
    const again = await extractor.daily('MSFT', { outputsize: 'full' }).catch((e) => e);
    expect(again).toMatchObject({ scope: 'parameter', remembered: true, symbol: 'MSFT' });
    expect(again.message).toMatch(/not asked again/);
    expect(server.requests).toHaveLength(1);
    expect(events.map((e) => e.remembered)).toEqual([false, true]);
    // compact is not refused: it is asked.
    server.enqueue({
      body: fixture('TIME_SERIES_DAILY__IBM_full_json_2020-05-08_excerpt__crazzyghost.json'),
    });
    await expect(extractor.daily('IBM', { outputsize: 'compact' })).resolves.toBeTruthy();
    expect(server.requests).toHaveLength(2);
    expect(await extractor.refusals()).toMatchObject([
      { endpoint: 'TIME_SERIES_DAILY', parameter: FULL, plan: 'premium-75' },
    ]);
  });

  it('a premium endpoint fails after exactly one request and is not asked again', async () => {
    const { extractor } = extractorFor(server);
    server.enqueue({ body: notice('Information', NOTICES.premiumCurrent) });
    const first = await extractor.dailyAdjusted('IBM').catch((e) => e);
    expect(first).toMatchObject({ scope: 'endpoint', alternative: 'TIME_SERIES_DAILY' });
    const second = await extractor.dailyAdjusted('IBM', { outputsize: 'compact' }).catch((e) => e);
    expect(second).toMatchObject({ scope: 'endpoint', remembered: true });
    expect(server.requests).toHaveLength(1);
  });

  it('refusals expire after entitlementTtlMs, and another plan does not inherit them', async () => {
    const { extractor, clock } = extractorFor(server, { entitlementTtlMs: 60_000 });
    server.enqueue({ body: notice('Information', NOTICES.premiumCurrent) });
    await extractor.dailyAdjusted('IBM').catch(() => undefined);
    expect(await extractor.refusals()).toHaveLength(1);
    clock.nowMs += 60_000;
    expect(await extractor.refusals()).toHaveLength(0);
    server.enqueue({ body: notice('Information', NOTICES.premiumCurrent) });
    await extractor.dailyAdjusted('IBM').catch(() => undefined);
    expect(server.requests).toHaveLength(2);
  });

  it('forgetRefusals makes the next request ask again', async () => {
    const { extractor } = extractorFor(server);
    server.enqueue({ body: notice('Information', NOTICES.premiumCurrent) });
    await extractor.dailyAdjusted('IBM').catch(() => undefined);
    expect(await extractor.forgetRefusals()).toBe(1);
    server.enqueue({ body: notice('Information', NOTICES.premiumCurrent) });
    await extractor.dailyAdjusted('IBM').catch(() => undefined);
    expect(server.requests).toHaveLength(2);
  });
});
