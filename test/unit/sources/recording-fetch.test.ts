/**
 * recordingFetch closes the loop: what the live extractor fetched (here from the fake Alpha
 * Vantage server) is saved under the names a FileExtractor reads, and replays to the same result.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlphaVantageExtractor } from '../../../src/alpha-vantage/extractor';
import { isDailyLimitError, isRateLimitError, isUpstreamError } from '../../../src/errors';
import { FileExtractor, recordingFetch } from '../../../src/sources';
import { type FakeAlphaVantage, startFakeAlphaVantage } from '../../../src/testing';

const KEY = 'RECORDKEY-0123456789';
let server: FakeAlphaVantage;
let dir: string;
beforeAll(async () => {
  server = await startFakeAlphaVantage({ now: () => new Date('2024-03-15T21:00:00Z') });
});
afterAll(() => server.close());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stock-etl-record-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function live(fetch: typeof globalThis.fetch): AlphaVantageExtractor {
  return new AlphaVantageExtractor({
    apiKey: KEY,
    baseUrl: server.url,
    plan: 'premium-1200',
    rateLimit: { perSecond: null, perMinute: null, perDay: null },
    retry: { retries: 0 },
    fetch,
  });
}

describe('recordingFetch', () => {
  it('saves each response under its FileExtractor name; the replay gives the same result', async () => {
    const saved: string[] = [];
    const av = live(recordingFetch({ dir, onRecord: (s) => saved.push(s.file) }));
    const files = new FileExtractor({ dir });
    const daily = await av.daily('IBM', { outputsize: 'compact' });
    const month = await av.intraday('IBM', {
      interval: '5min',
      month: '2024-02',
      outputsize: 'full',
    });
    const quote = await av.quote('msft');
    const overview = await av.overview('IBM');
    await av.search('tesco'); // not a replayed function: passed through, not saved
    expect(readdirSync(dir).sort()).toEqual([
      'GLOBAL_QUOTE__MSFT.json',
      'OVERVIEW__IBM.json',
      'TIME_SERIES_DAILY__IBM.json',
      'TIME_SERIES_INTRADAY__IBM__5min__2024-02.json',
    ]);
    expect(saved).toHaveLength(4);
    expect(await files.daily('IBM')).toEqual(daily);
    expect(
      await files.intraday('IBM', { interval: '5min', month: '2024-02', outputsize: 'full' }),
    ).toEqual(month);
    expect(await files.quote('MSFT')).toEqual(quote);
    expect(await files.overview('IBM')).toEqual(overview);
    for (const name of readdirSync(dir)) {
      expect(readFileSync(join(dir, name), 'utf8')).not.toContain(KEY);
    }
  });

  it('saves CSV bodies as .csv, replacing a JSON recording of the same name', async () => {
    const fetch = recordingFetch({ dir });
    await live(fetch).daily('IBM');
    expect(existsSync(join(dir, 'TIME_SERIES_DAILY__IBM.json'))).toBe(true);
    const url = `${server.url}/query?function=TIME_SERIES_DAILY&symbol=IBM&datatype=csv&apikey=${KEY}`;
    const response = await fetch(url);
    const text = await response.text();
    expect(text.startsWith('timestamp,open,high,low,close,volume')).toBe(true);
    expect(readdirSync(dir)).toEqual(['TIME_SERIES_DAILY__IBM.csv']);
    expect(readFileSync(join(dir, 'TIME_SERIES_DAILY__IBM.csv'), 'utf8')).toBe(text);
    const replayed = await new FileExtractor({ dir }).daily('IBM');
    expect(replayed.bars.length).toBe(text.trim().split('\n').length - 1);
  });

  it('does not save notices unless asked; saved ones replay as the same errors, key removed', async () => {
    const av = live(recordingFetch({ dir }));
    await av.daily('IBM');
    server.inject({ kind: 'rate-limit-information', match: { function: 'TIME_SERIES_DAILY' } });
    await expect(av.daily('IBM')).rejects.toSatisfy(isRateLimitError);
    // The good recording was not replaced by the notice.
    expect((await new FileExtractor({ dir }).daily('IBM')).bars.length).toBeGreaterThan(0);

    const noticesDir = join(dir, 'notices');
    const recording = live(recordingFetch({ dir: noticesDir, notices: true }));
    server.inject({ kind: 'daily-limit', match: { function: 'GLOBAL_QUOTE' } });
    await expect(recording.quote('IBM')).rejects.toSatisfy(isDailyLimitError);
    const body = readFileSync(join(noticesDir, 'GLOBAL_QUOTE__IBM.json'), 'utf8');
    expect(body).not.toContain(KEY);
    expect(body).toContain('We have detected your API key as ***');
    await expect(new FileExtractor({ dir: noticesDir }).quote('IBM')).rejects.toSatisfy(
      isDailyLimitError,
    );
  });

  it('fails the request when a response cannot be saved, unless onError takes it', async () => {
    mkdirSync(join(dir, 'TIME_SERIES_WEEKLY__IBM.json')); // a folder where the file should go
    const failing = live(recordingFetch({ dir }));
    const error = await failing.weekly('IBM').catch((e) => e);
    expect(isUpstreamError(error)).toBe(true);
    expect(error.message).toMatch(/TIME_SERIES_WEEKLY request failed/);
    const errors: string[] = [];
    const tolerant = live(recordingFetch({ dir, onError: (_e, file) => errors.push(file) }));
    expect((await tolerant.weekly('IBM')).bars.length).toBeGreaterThan(0);
    expect(errors).toEqual([join(dir, 'TIME_SERIES_WEEKLY__IBM.json')]);
    expect(readdirSync(dir)).toEqual(['TIME_SERIES_WEEKLY__IBM.json']); // no temporary file left
  });

  it('refuses a folder it cannot create', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect(() => recordingFetch({ dir: join(file, 'sub') })).toThrow(
      expect.objectContaining({ code: 'VALIDATION', field: 'options.dir' }),
    );
  });
});
