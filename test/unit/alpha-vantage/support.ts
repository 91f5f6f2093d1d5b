import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlphaVantageExtractor } from '../../../src/alpha-vantage/extractor';
import type { AlphaVantageExtractorOptions } from '../../../src/alpha-vantage/options';
import type { ScriptServer } from '../../helpers/http-script-server';
import { FakeClock } from './fake-clock';

/** A key that looks real and is easy to spot if it leaks. */
export const API_KEY = 'SECRETKEY123XYZ';

const FIXTURES = join(__dirname, '../../fixtures/alpha-vantage');

/** Reads a recorded response byte-for-byte as text. */
export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** An extractor pointed at `server`, on a fake clock, with fast deterministic retries. */
export function extractorFor(
  server: ScriptServer,
  options: Partial<AlphaVantageExtractorOptions> = {},
): { extractor: AlphaVantageExtractor; clock: FakeClock } {
  const clock = (options.clock as FakeClock | undefined) ?? new FakeClock();
  const extractor = new AlphaVantageExtractor({
    apiKey: API_KEY,
    baseUrl: server.url,
    plan: 'premium-75',
    clock,
    timeoutMs: 2_000,
    retry: { retries: 3, minDelayMs: 1_000, maxDelayMs: 8_000, random: () => 0.5 },
    ...options,
  });
  return { extractor, clock };
}

/** The exact notice texts of API.md §1.3 (the key placeholder replaced by {@link API_KEY}). */
export const NOTICES = {
  dailyA:
    'Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day. Please subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly remove all daily rate limits.',
  dailyB: `We have detected your API key as ${API_KEY} and our standard API rate limit is 25 requests per day. Please subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly remove all daily rate limits.`,
  burstFree:
    'Thank you for using Alpha Vantage! Please consider spreading out your free API requests more sparingly (1 request per second). You may subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to lift the free key rate limit (25 requests per day) and instantly remove all daily rate limits.',
  burstFreeVariant:
    'Thank you for using Alpha Vantage! Please consider spreading out your free API requests more sparingly. You may subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to lift the free key rate limit (25 requests per day) and instantly unlock all premium endpoints',
  burstPremium:
    'Burst pattern detected. Please consider spreading out your API requests more evenly across a 1-minute window and query no more than 30 requests per second.',
  minutePremium:
    'Minute-level rate limit exceed. Please stay under the number of API requests per minute for your premium subscription plan.',
  minuteNote2019:
    'Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day. Please visit https://www.alphavantage.co/premium/ if you would like to target a higher API call frequency.',
  frequency2017: 'Please consider optimizing your API call frequency',
  premiumCurrent:
    'Thank you for using Alpha Vantage! This is a premium endpoint. You may subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly unlock all premium endpoints',
  premium2018:
    'Thank you for using Alpha Vantage! Please visit https://www.alphavantage.co/premium/ if you would like to have a higher API call volume.',
  invalidKey:
    'the parameter apikey is invalid or missing. Please claim your free API key on (https://www.alphavantage.co/support/#api-key). It should take less than 20 seconds.',
  unknownFunction: 'This API function (TIME_SERIES_INTRAAY) does not exist.',
};

/** A JSON body with one notice key. */
export function notice(key: string, text: string): string {
  return JSON.stringify({ [key]: text }, null, 4);
}
