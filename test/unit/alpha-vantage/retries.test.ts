import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ExtractorEvents } from '../../../src/alpha-vantage/extractor-events';
import type { Logger } from '../../../src/logger';
import { type ScriptServer, startScriptServer } from '../../helpers/http-script-server';
import { API_KEY, extractorFor, fixture, NOTICES, notice } from './support';

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

describe('retries', () => {
  it('5xx, connection reset and a rate-limit notice are retried with exponential backoff', async () => {
    const { extractor, clock } = extractorFor(server);
    const attempts: number[] = [];
    const retries: ExtractorEvents['request:retry'][] = [];
    extractor.on('request:retry', (e) => retries.push(e));
    server.enqueue(
      { status: 503, body: 'busy' },
      { reset: true },
      { body: notice('Note', NOTICES.minuteNote2019) },
      { body: QUOTE },
    );
    const quote = await extractor.quote('IBM', {
      onRequest: ({ attempt }) => attempts.push(attempt),
    });
    expect(quote.price).toBe('121.7400');
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(server.requests).toHaveLength(4);
    // random() = 0.5 → 75 % of the base: 1000·0.75, 2000·0.75, then the notice's own 60 s wait.
    expect(retries.map((r) => [r.attempt, r.errorCode, r.delayMs])).toEqual([
      [1, 'UPSTREAM', 750],
      [2, 'UPSTREAM', 1_500],
      [3, 'RATE_LIMITED', 60_000],
    ]);
    expect(clock.sleeps).toEqual(expect.arrayContaining([750, 1_500, 60_000]));
  });

  it('gives up after the bounded attempts with UpstreamError(status, attempts)', async () => {
    const { extractor } = extractorFor(server);
    server.setFallback({ status: 502, body: '<html>bad gateway</html>' });
    const error = await extractor.daily('IBM').catch((e) => e);
    expect(error).toMatchObject({ code: 'UPSTREAM', status: 502, attempts: 4 });
    expect(error.message).toMatch(/gave up after 4 attempts/);
    expect(server.requests).toHaveLength(4);
  });

  it('stops when the next backoff would pass maxRetryTimeMs', async () => {
    const { extractor } = extractorFor(server, {
      retry: {
        retries: 10,
        minDelayMs: 1_000,
        maxDelayMs: 8_000,
        maxRetryTimeMs: 3_000,
        random: () => 0.5,
      },
    });
    server.setFallback({ status: 500 });
    await expect(extractor.daily('IBM')).rejects.toMatchObject({ code: 'UPSTREAM' });
    // 750 + 1500 = 2250 elapsed; the next wait (3000) would end past 3000 ms.
    expect(server.requests).toHaveLength(3);
  });

  it('a rate-limit notice slows the limiter down (rate:limited) and recovers later', async () => {
    const { extractor } = extractorFor(server);
    const limited: ExtractorEvents['rate:limited'][] = [];
    extractor.on('rate:limited', (e) => limited.push(e));
    server.enqueue({ body: notice('Information', NOTICES.burstPremium) }, { body: QUOTE });
    await extractor.quote('IBM');
    expect(limited).toHaveLength(1);
    // premium-75: base spacing max(1000/5, 60000/75) = 800 ms → doubled.
    expect(limited[0]).toMatchObject({
      endpoint: 'GLOBAL_QUOTE',
      intervalMs: 1_600,
      requestsPerMinute: 37.5,
    });
  });

  it('non-retryable 4xx is not retried', async () => {
    const { extractor } = extractorFor(server);
    server.enqueue({ status: 404, body: 'not found' });
    await expect(extractor.daily('IBM')).rejects.toMatchObject({ code: 'UPSTREAM', status: 404 });
    expect(server.requests).toHaveLength(1);
  });

  it('a truncated body cut mid-transfer is retried as a network failure', async () => {
    const { extractor } = extractorFor(server);
    server.enqueue({ partial: QUOTE.slice(0, 50) }, { body: QUOTE });
    await expect(extractor.quote('IBM')).resolves.toMatchObject({ symbol: 'IBM' });
    expect(server.requests).toHaveLength(2);
  });
});

describe('abort and timeout', () => {
  it('aborting mid-request rejects with AbortedError and does not retry', async () => {
    const { extractor } = extractorFor(server);
    server.enqueue({ hang: true });
    const controller = new AbortController();
    const pending = extractor.quote('IBM', { signal: controller.signal });
    await waitFor(() => server.requests.length === 1);
    controller.abort(new Error('user cancelled'));
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    expect(server.requests).toHaveLength(1);
  });

  it('aborting mid-backoff rejects at once without another request', async () => {
    const { extractor, clock } = extractorFor(server);
    server.enqueue({ status: 503 });
    const controller = new AbortController();
    clock.onSleep = () => controller.abort();
    await expect(extractor.quote('IBM', { signal: controller.signal })).rejects.toMatchObject({
      code: 'ABORTED',
    });
    expect(server.requests).toHaveLength(1);
  });

  it('the extractor-wide signal aborts too; an already aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const { extractor } = extractorFor(server, { signal: controller.signal });
    await expect(extractor.quote('IBM')).rejects.toMatchObject({ code: 'ABORTED' });
    expect(server.requests).toHaveLength(0);
  });

  it('a hanging server times out per attempt, is retried, then UpstreamError', async () => {
    const { extractor } = extractorFor(server, {
      timeoutMs: 100,
      retry: { retries: 1, random: () => 0 },
    });
    server.setFallback({ hang: true });
    const error = await extractor.quote('IBM').catch((e) => e);
    expect(error).toMatchObject({ code: 'UPSTREAM', attempts: 2 });
    expect(error.message).toMatch(/timed out after 100 ms/);
    expect(server.requests).toHaveLength(2);
  });

  it('a slow body within the timeout is fine', async () => {
    const { extractor } = extractorFor(server, { timeoutMs: 1_000 });
    server.enqueue({ body: QUOTE, delayMs: 50 });
    await expect(extractor.quote('IBM')).resolves.toMatchObject({ symbol: 'IBM' });
  });
});

describe('the API key never leaks', () => {
  it('not in errors, causes, logs or events — across every failure kind', async () => {
    const lines: string[] = [];
    const capture = (level: string) => (message: string, fields?: Record<string, unknown>) =>
      lines.push(`${level} ${message} ${JSON.stringify(fields)}`);
    const logger: Logger = {
      debug: capture('debug'),
      info: capture('info'),
      warn: capture('warn'),
      error: capture('error'),
    };
    const { extractor } = extractorFor(server, { logger, retry: { retries: 1, random: () => 0 } });
    const events: unknown[] = [];
    for (const name of [
      'request:start',
      'request:finish',
      'request:retry',
      'rate:wait',
      'rate:limited',
    ] as const) {
      extractor.on(name, (e) => events.push(e));
    }
    const errors: unknown[] = [];
    server.enqueue(
      { body: notice('Information', NOTICES.dailyB) },
      { reset: true },
      { reset: true },
    );
    errors.push(await extractor.quote('IBM').catch((e) => e));
    const other = extractorFor(server, {
      logger,
      retry: { retries: 1, random: () => 0 },
    }).extractor;
    errors.push(await other.quote('IBM').catch((e) => e));
    const dumped = errors.map(dumpError).join('\n');
    expect(errors.map((e) => (e as { code: string }).code)).toEqual(['DAILY_LIMIT', 'UPSTREAM']);
    expect(dumped).toContain('***');
    expect(dumped).not.toContain(API_KEY);
    expect(lines.join('\n')).not.toContain(API_KEY);
    expect(lines.some((l) => l.includes('apikey=***'))).toBe(true);
    expect(JSON.stringify(events)).not.toContain(API_KEY);
    expect(JSON.stringify(events)).toContain('apikey=***');
    // …while the server did receive it.
    expect(server.requests[0]?.params.get('apikey')).toBe(API_KEY);
  });

  it('an injected fetch whose error message carries the URL is redacted', async () => {
    const leaky: typeof fetch = async (input) => {
      throw new TypeError(`request to ${String(input)} failed, reason: ECONNREFUSED`);
    };
    const { extractor } = extractorFor(server, { fetch: leaky, retry: { retries: 0 } });
    const error = await extractor.quote('IBM').catch((e) => e);
    expect(error.code).toBe('UPSTREAM');
    expect(dumpError(error)).toContain('apikey=***');
    expect(dumpError(error)).not.toContain(API_KEY);
  });
});

function dumpError(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 6) return String(error);
  const own = Object.entries(error).map(
    ([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
  );
  return [error.message, error.stack, ...own, dumpError(error.cause, depth + 1)].join('\n');
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
}
