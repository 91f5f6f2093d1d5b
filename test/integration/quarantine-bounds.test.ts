/**
 * Issue 10, item 4 (bounds on the quarantine and the logs) and item 10 (a symbol is validated
 * before it is normalised), end to end: real HTTP through the fake Alpha Vantage, the real
 * databases.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Logger } from '../../src/logger';
import { Pipeline } from '../../src/pipeline';
import { type FakeAlphaVantage, type FakeFixture, startFakeAlphaVantage } from '../../src/testing';
import { describeEachDb } from '../helpers/db';
import { extractorFor, TestClock } from '../helpers/pipeline';

const clock = new TestClock(Date.parse('2024-03-15T21:00:00Z'));
let plain: FakeAlphaVantage;
const servers: FakeAlphaVantage[] = [];
beforeAll(async () => {
  plain = await startFakeAlphaVantage({ now: () => new Date(clock.ms) });
});
afterAll(async () => {
  await plain.close();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(fixtures: FakeFixture[]): Promise<FakeAlphaVantage> {
  const server = await startFakeAlphaVantage({ now: () => new Date(clock.ms), fixtures });
  servers.push(server);
  return server;
}

/** Today's compact daily body for IBM with the newest bar's `1. open` replaced by `open` (JSON). */
async function compactWithOpen(open: string): Promise<string> {
  const query = new URLSearchParams({
    function: 'TIME_SERIES_DAILY',
    symbol: 'IBM',
    apikey: 'TESTKEY-0123456789',
  });
  const body = await (await fetch(`${plain.url}/query?${query}`)).text();
  return body.replace(/"1\. open": "[^"]*"/, () => `"1. open": ${open}`);
}

/** A logger that keeps every call, to measure what reaches the host's logs. */
function recordingLogger(): Logger & { text: () => string } {
  const lines: string[] = [];
  const log = (message: string, fields?: Record<string, unknown>) => {
    lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
  };
  return { debug: log, info: log, warn: log, error: log, text: () => lines.join('\n') };
}

describeEachDb('bounded quarantine and logs (issue 10, item 4)', (ctx) => {
  const run = async (body: string) => {
    const logger = recordingLogger();
    const server = await serve([{ match: { function: 'TIME_SERIES_DAILY', symbol: 'IBM' }, body }]);
    const pipeline = new Pipeline({
      db: ctx.handle,
      schema: ctx.schema,
      extractor: extractorFor(server),
      clock,
      logger,
    });
    const result = await pipeline.run('IBM', 'daily', { outputsize: 'compact' });
    const { rows } = await ctx.db.query<{
      source_key: string;
      reason: string;
      raw_chars: number;
      truncated: string | null;
    }>(
      `SELECT source_key, reason, length(raw::text)::int AS raw_chars, raw->>'truncated' AS truncated
         FROM ${ctx.q}.etl_rejected_rows`,
    );
    return { result, rows, logs: logger.text() };
  };

  it('one 50 MB bad value: one quarantine row of a few KB, marked truncated; logs stay small; the good bars load', async () => {
    const huge = `"${'9'.repeat(50 * 1024 * 1024)}x"`;
    const { result, rows, logs } = await run(await compactWithOpen(huge));
    expect(result).toMatchObject({ status: 'success', inserted: 99, rejected: 1 });
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.source_key).toBe('2024-03-15');
    expect(row.reason).toBe(`open is not a number: "${'9'.repeat(100)}"… (52428801 characters)`);
    expect(row.raw_chars).toBeLessThan(5_000);
    expect(row.truncated).toBe('true');
    expect(logs.length).toBeLessThan(5_000);
    expect(logs).toContain('rows rejected by validation');
  }, 60_000);

  it('a value nested 5,000 arrays deep is quarantined, not an INTERNAL failure', async () => {
    const deep = `${'['.repeat(5_000)}"1"${']'.repeat(5_000)}`;
    const { result, rows } = await run(await compactWithOpen(deep));
    expect(result).toMatchObject({ status: 'success', inserted: 99, rejected: 1 });
    expect(rows[0]?.reason).toBe(`open is not a string: ${'['.repeat(100)}… (truncated)`);
    expect(rows[0]?.truncated).toBe('true');
  });

  it('a NUL or a lone surrogate in a bad bar cannot fail the load', async () => {
    const body = (await compactWithOpen('"1\\u0000"')).replace(
      /"2\. high": "[^"]*"/,
      '"2. high": "\\ud800"',
    );
    const { result, rows } = await run(body.replace('"2024-03-14"', '"2024-03-14\\u0000"'));
    expect(result).toMatchObject({ status: 'success', inserted: 98, rejected: 2 });
    expect(rows.map((r) => r.source_key).sort()).toEqual(['2024-03-14\uFFFD', '2024-03-15']);
  });
});

describeEachDb('symbols are validated before normalisation (issue 10, item 10)', (ctx) => {
  it('ı and ß are refused with ValidationError: nothing fetched, nothing stored', async () => {
    const server = await serve([]);
    const pipeline = new Pipeline({
      db: ctx.handle,
      schema: ctx.schema,
      extractor: extractorFor(server),
      clock,
    });
    for (const symbol of ['ı', 'ß', 'ıbm']) {
      await expect(pipeline.run(symbol, 'daily')).rejects.toMatchObject({
        name: 'ValidationError',
        code: 'VALIDATION',
      });
    }
    const batch = await pipeline.runBatch(['ß', 'ibm'], ['daily'], { outputsize: 'compact' });
    expect(batch.jobs.map((j) => `${j.symbol}:${j.status}:${j.error?.code ?? ''}`)).toEqual([
      'ß:failed:VALIDATION',
      'IBM:success:',
    ]);
    expect(server.requests.map((r) => r.params.symbol)).toEqual(['IBM']);
    const { rows } = await ctx.db.query<{ symbol: string }>(
      `SELECT DISTINCT symbol FROM ${ctx.q}.stock_prices UNION SELECT symbol FROM ${ctx.q}.etl_job_logs`,
    );
    expect(rows.map((r) => r.symbol)).toEqual(['IBM']);
  });
});
