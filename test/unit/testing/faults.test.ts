import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeAlphaVantage,
  type FakeAlphaVantageOptions,
  startFakeAlphaVantage,
} from '../../../src/testing';
import { csvLines, query, queryJson } from './fake-client';

const servers: FakeAlphaVantage[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function start(options: FakeAlphaVantageOptions = {}) {
  const fake = await startFakeAlphaVantage({
    now: () => new Date('2024-11-21T03:00:00Z'),
    ...options,
  });
  servers.push(fake);
  return fake;
}

const daily = { function: 'TIME_SERIES_DAILY', symbol: 'IBM' };

describe('scripted replacement faults', () => {
  const cases: Array<[Parameters<FakeAlphaVantage['inject']>[0], number, (text: string) => void]> =
    [
      [{ kind: 'http-500' }, 500, (t) => expect(t).toContain('500')],
      [{ kind: 'http-503' }, 503, (t) => expect(t).toContain('503')],
      [{ kind: 'html' }, 502, (t) => expect(t).toMatch(/^<html>/)],
      [{ kind: 'html', status: 200 }, 200, (t) => expect(t).toContain('502 Bad Gateway')],
      [{ kind: 'empty-object' }, 200, (t) => expect(t).toBe('{}')],
      [
        { kind: 'rate-limit-note' },
        200,
        (t) => expect(JSON.parse(t).Note).toContain('5 calls per minute and 500 calls per day'),
      ],
      [
        { kind: 'rate-limit-information' },
        200,
        (t) => expect(JSON.parse(t).Information).toContain('(1 request per second)'),
      ],
      [
        { kind: 'burst' },
        200,
        (t) => expect(JSON.parse(t).Information).toMatch(/^Burst pattern detected\./),
      ],
      [
        { kind: 'daily-limit' },
        200,
        (t) => expect(JSON.parse(t).Information).toContain('API key as my-key and'),
      ],
      [
        { kind: 'premium' },
        200,
        (t) => expect(JSON.parse(t).Information).toContain('This is a premium endpoint'),
      ],
      [
        { kind: 'invalid-call' },
        200,
        (t) => expect(JSON.parse(t)['Error Message']).toMatch(/for TIME_SERIES_DAILY\.$/),
      ],
      [
        { kind: 'invalid-key' },
        200,
        (t) => expect(JSON.parse(t)['Error Message']).toContain('apikey is invalid or missing'),
      ],
    ];
  for (const [spec, status, check] of cases) {
    it(`${spec.kind}${spec.status ? ` (${spec.status})` : ''} answers once, then data returns`, async () => {
      const fake = await start();
      fake.inject(spec);
      const r = await query(fake, { ...daily, apikey: 'my-key' });
      expect(r.status).toBe(status);
      check(r.text);
      expect((await queryJson(fake, daily))['Time Series (Daily)']).toBeDefined();
      expect(fake.requests[0]).toMatchObject({ outcome: 'fault', fault: spec.kind, status });
      expect(fake.stats()).toMatchObject({ total: 2, faults: 1, served: 1 });
    });
  }
});

describe('body faults', () => {
  it('truncate cuts the body in half, cleanly ended', async () => {
    const fake = await start();
    const full = (await query(fake, daily)).text;
    fake.inject({ kind: 'truncate' });
    const cut = (await query(fake, daily)).text;
    expect(cut).toBe(full.slice(0, Math.floor(full.length / 2)));
    expect(() => JSON.parse(cut)).toThrow();
  });

  it('malformed-number spoils one value in JSON and in CSV', async () => {
    const fake = await start();
    fake.inject({ kind: 'malformed-number', times: 2 });
    const json = JSON.parse((await query(fake, daily)).text);
    const bars = Object.values(json['Time Series (Daily)']) as Array<Record<string, string>>;
    expect(bars[0]!['1. open']).toMatch(/^\d+\.\d{4}x$/);
    expect(bars.slice(1).every((b) => !b['1. open']!.endsWith('x'))).toBe(true);
    const csv = csvLines((await query(fake, { ...daily, datatype: 'csv' })).text);
    expect(csv[1]!.split(',')[1]).toMatch(/^\d+\.\d{4}x$/);
    expect(csv[2]).not.toContain('x');
  });

  it('duplicate-timestamp repeats the newest key in the JSON text and the first CSV row', async () => {
    const fake = await start();
    fake.inject({ kind: 'duplicate-timestamp', times: 2 });
    const text = (await query(fake, daily)).text;
    expect(text.match(/"2024-11-20": \{/g)?.length).toBe(2);
    expect(() => JSON.parse(text)).not.toThrow();
    const csv = csvLines((await query(fake, { ...daily, datatype: 'csv' })).text);
    expect(csv[1]).toBe(csv[2]);
    expect(csv.length).toBe(102);
  });

  it('empty-series keeps Meta Data and empties the data', async () => {
    const fake = await start();
    fake.inject({ kind: 'empty-series', times: 3 });
    const body = await queryJson(fake, daily);
    expect(body['Time Series (Daily)']).toEqual({});
    expect((body['Meta Data'] as Record<string, string>)['2. Symbol']).toBe('IBM');
    expect(csvLines((await query(fake, { ...daily, datatype: 'csv' })).text)).toEqual([
      'timestamp,open,high,low,close,volume',
    ]);
    expect(await queryJson(fake, { function: 'GLOBAL_QUOTE', symbol: 'IBM' })).toEqual({
      'Global Quote': {},
    });
  });
});

describe('transport faults', () => {
  it('reset destroys the connection', async () => {
    const fake = await start();
    fake.inject({ kind: 'reset' });
    await expect(query(fake, daily)).rejects.toThrow();
    expect(fake.requests[0]).toMatchObject({ outcome: 'fault', fault: 'reset', status: 0 });
    expect((await queryJson(fake, daily))['Time Series (Daily)']).toBeDefined();
  });

  it('delay outlasts a client timeout, and answers normally when the client waits', async () => {
    const fake = await start();
    fake.inject({ kind: 'delay', delayMs: 5_000 });
    await expect(query(fake, daily, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    fake.inject({ kind: 'delay', delayMs: 50 });
    const started = Date.now();
    const body = JSON.parse((await query(fake, daily)).text);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    expect(body['Time Series (Daily)']).toBeDefined();
  });

  it('close() finishes promptly while a delayed request is in flight', async () => {
    const fake = await start();
    fake.inject({ kind: 'delay', delayMs: 60_000 });
    const pending = query(fake, daily);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await fake.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(pending).rejects.toThrow();
    await fake.close(); // idempotent
  });
});

describe('fault targeting and randomness', () => {
  it('matches by function and symbol, counts down times, reports pending faults', async () => {
    const fake = await start();
    fake.inject({
      kind: 'http-503',
      match: { function: 'time_series_daily', symbol: 'msft' },
      times: 2,
    });
    expect(fake.pendingFaults()).toBe(2);
    expect((await query(fake, daily)).status).toBe(200);
    expect((await query(fake, { ...daily, symbol: 'MSFT' })).status).toBe(503);
    expect((await query(fake, { function: 'GLOBAL_QUOTE', symbol: 'MSFT' })).status).toBe(200);
    expect((await query(fake, { ...daily, symbol: 'MSFT' })).status).toBe(503);
    expect((await query(fake, { ...daily, symbol: 'MSFT' })).status).toBe(200);
    expect(fake.pendingFaults()).toBe(0);
  });

  it('rejects unknown kinds and bad counts', async () => {
    const fake = await start();
    expect(() => fake.inject({ kind: 'nope' as 'reset' })).toThrow(/Unknown fault kind/);
    expect(() => fake.inject({ kind: 'reset', times: 0 })).toThrow(/times/);
  });

  it('draws random faults from a seed: same seed, same sequence', async () => {
    const run = async (seed: number) => {
      const fake = await start({
        faults: { seed, probability: { 'http-500': 0.2, 'empty-object': 0.2 } },
      });
      const statuses: string[] = [];
      for (let i = 0; i < 30; i++) {
        const r = await query(fake, { function: 'INDEX_CATALOG' });
        statuses.push(r.status === 500 ? '500' : r.text === '{}' ? '{}' : 'ok');
      }
      return statuses;
    };
    const a = await run(7);
    expect(await run(7)).toEqual(a);
    expect(await run(8)).not.toEqual(a);
    expect(a.filter((s) => s !== 'ok').length).toBeGreaterThan(3);
    expect(a.filter((s) => s === 'ok').length).toBeGreaterThan(5);
  });

  it('does not spend rate-limit allowance on faults', async () => {
    const fake = await start({ rateLimit: { perDay: 1 }, clock: () => 0 });
    fake.inject({ kind: 'http-500' });
    expect((await query(fake, daily)).status).toBe(500);
    expect((await queryJson(fake, daily))['Time Series (Daily)']).toBeDefined();
    expect(String((await queryJson(fake, daily)).Information)).toContain('requests per day');
  });

  it('reset() forgets queued faults and re-seeds the dice', async () => {
    const fake = await start({ faults: { seed: 3, probability: { 'http-503': 0.5 } } });
    const sample = async () => {
      const out: number[] = [];
      for (let i = 0; i < 10; i++)
        out.push((await query(fake, { function: 'INDEX_CATALOG' })).status);
      return out;
    };
    const first = await sample();
    fake.inject({ kind: 'reset', times: 5 });
    fake.reset();
    expect(fake.pendingFaults()).toBe(0);
    expect(await sample()).toEqual(first);
  });
});

describe('concurrency', () => {
  it('serves many parallel requests correctly and counts them', async () => {
    const fake = await start();
    const symbols = Array.from(
      { length: 40 },
      (_, i) => `SYM${String.fromCharCode(65 + (i % 26))}${i}`,
    );
    const bodies = await Promise.all(
      symbols.map((symbol) =>
        queryJson(fake, {
          function: 'TIME_SERIES_INTRADAY',
          symbol,
          interval: '5min',
          outputsize: 'full',
        }),
      ),
    );
    for (const [i, b] of bodies.entries()) {
      expect((b['Meta Data'] as Record<string, string>)['2. Symbol']).toBe(symbols[i]);
      expect(Object.keys(b['Time Series (5min)'] as object).length).toBeGreaterThan(3000);
    }
    expect(fake.requestCount({ function: 'TIME_SERIES_INTRADAY' })).toBe(40);
    expect(fake.stats().served).toBe(40);
  });
});
