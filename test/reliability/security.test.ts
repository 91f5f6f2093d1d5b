/**
 * Reliability §6, security: the API key never appears anywhere a whole run prints or writes
 * (errors, logs, pipeline and extractor events, job logs, etl_rejected_rows and every other table,
 * a CLI child's stdout/stderr, the fake server's request log) — counted as `key_occurrences`; all
 * SQL in src/ takes values as parameters (a static scan); `npm audit --omit=dev` reports no high or
 * critical advisory (offline-tolerant).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pipeline } from '../../src/pipeline';
import type { FakeAlphaVantage } from '../../src/testing';
import { runCli } from '../helpers/cli';
import {
  API_KEY,
  dropSchemas,
  extractorOn,
  fakeServer,
  freshSchema,
  HAS_PG,
  memoryLogger,
  pgPool,
  report,
  safeJson,
  sized,
} from './harness';
import { type Interpolation, scanSqlTemplates } from './sql-scan';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Occurrences of `needle` in `text` (and of its URL-encoded form). */
function occurrences(text: string, needle: string): number {
  let n = 0;
  for (const form of new Set([needle, encodeURIComponent(needle)])) {
    for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) n++;
  }
  return n;
}

describe.runIf(HAS_PG)('the API key never leaks', () => {
  let pool: pg.Pool;
  let server: FakeAlphaVantage;
  const schemas: string[] = [];
  beforeAll(async () => {
    pool = pgPool();
    // Wording B of the daily-limit notice echoes the key, as the real service does.
    server = await fakeServer({ dailyLimitWording: 'B' });
  });
  afterAll(async () => {
    await dropSchemas(pool, schemas);
    await server.close();
    await pool.end();
  });

  it('in errors, logs, events, every table, the CLI output and the fake server log', async () => {
    const captured: Record<string, string[]> = {
      logs: [],
      events: [],
      results: [],
      errors: [],
      tables: [],
      cli: [],
      server: [],
    };
    const schema = await freshSchema(pool, 'key_leak', schemas);
    const logger = memoryLogger(captured.logs as string[]);
    const extractor = extractorOn(server, { logger, malformedRows: 'report' });
    for (const event of [
      'request:start',
      'request:finish',
      'request:retry',
      'rate:wait',
      'premium:refused',
      'rate:limited',
    ] as const) {
      extractor.on(event, (e) => captured.events?.push(`${event} ${safeJson(e)}`));
    }
    const pipeline = new Pipeline({ db: pool, schema, extractor, logger });
    for (const event of [
      'job:start',
      'job:wait',
      'job:finish',
      'job:error',
      'jobs:stale',
      'rows:committed',
      'rows:rejected',
      'batch:finish',
      'backfill:month',
      'backfill:finish',
    ] as const) {
      pipeline.on(event, (e: unknown) => captured.events?.push(`${event} ${safeJson(e)}`));
    }
    // Every kind of trouble, each of which carries text from the server or the request.
    server.reset();
    server.inject({ kind: 'http-500', match: { symbol: 'IBM' } });
    server.inject({
      kind: 'malformed-number',
      match: { symbol: 'IBM', function: 'TIME_SERIES_DAILY' },
    });
    server.inject({ kind: 'truncate', match: { symbol: 'MSFT' } });
    server.inject({ kind: 'invalid-key', match: { symbol: 'AAPL' } });
    server.inject({ kind: 'premium', match: { symbol: 'GOOG' } });
    server.inject({ kind: 'html', match: { symbol: 'NVDA' } });
    server.inject({ kind: 'daily-limit', match: { symbol: 'TSLA' } });
    const batch = await pipeline.runBatch(
      ['IBM', 'MSFT', 'AAPL', 'GOOG', 'NVDA', 'TSLA', 'AMZN'],
      ['daily', 'quote'],
    );
    expect(batch.jobs.some((j) => j.error?.code === 'DAILY_LIMIT')).toBe(true);
    captured.results?.push(safeJson(batch));
    // Errors thrown straight from the extractor, with their causes and stacks.
    await extractor.clearDailyLimit();
    for (const kind of ['daily-limit', 'invalid-key', 'reset', 'http-503'] as const) {
      server.inject({ kind, times: 5 });
      try {
        await extractor.daily('IBM');
      } catch (error) {
        captured.errors?.push(safeJson(error), String(error), (error as Error).stack ?? '');
      }
      await extractor.clearDailyLimit();
      server.reset();
    }
    // Every table of the schema, every row.
    const tables = await pool.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    );
    for (const { table_name } of tables.rows) {
      const { rows } = await pool.query(`SELECT * FROM "${schema}"."${table_name}"`);
      captured.tables?.push(`${table_name} ${safeJson(rows)}`);
    }
    const rejected = await pool.query(
      `SELECT count(*)::int AS n FROM "${schema}".etl_rejected_rows`,
    );
    expect(rejected.rows[0].n).toBeGreaterThan(0);
    // A CLI run in a child process, with the same faults.
    const cliSchema = await freshSchema(pool, 'key_leak_cli', schemas);
    server.inject({ kind: 'daily-limit', match: { symbol: 'MSFT' } });
    server.inject({ kind: 'invalid-key', match: { symbol: 'IBM' } });
    const env = {
      DATABASE_URL: process.env.DATABASE_URL,
      ALPHA_VANTAGE_API_KEY: API_KEY,
      ALPHA_VANTAGE_BASE_URL: server.url,
      ALPHA_VANTAGE_PLAN: 'premium-1200',
      STOCK_ETL_SCHEMA: cliSchema,
      STOCK_ETL_BUDGET_SCHEMA: cliSchema,
    };
    const commands = [
      ['run', 'IBM', 'MSFT', '--dataset', 'daily'],
      ['status'],
      ...sized(
        [],
        [
          ['run', 'IBM', '--dataset', 'daily', '--json'],
          ['health', '--json'],
        ],
      ),
    ];
    for (const args of commands) {
      const run = await runCli(args, { env });
      captured.cli?.push(`${args.join(' ')} → ${run.code}\n${run.stdout}\n${run.stderr}`);
    }
    // The fake server's own record of what it received and answered.
    captured.server?.push(safeJson(server.requests), safeJson(server.stats()));

    const byPlace = Object.fromEntries(
      Object.entries(captured).map(([k, v]) => [k, occurrences(v.join('\n'), API_KEY)]),
    );
    const total = Object.values(byPlace).reduce((a, b) => a + b, 0);
    const volume = Object.values(captured).reduce((n, v) => n + v.join('\n').length, 0);
    report({
      key_occurrences: total,
      summary: `${(volume / 1024).toFixed(0)} KiB searched (${Object.keys(captured).join(', ')}): ${total} occurrences`,
    });
    expect(byPlace).toEqual(Object.fromEntries(Object.keys(captured).map((k) => [k, 0])));
    // And the scan would have seen it: the server did echo the key to the client.
    expect(captured.cli?.join('').length).toBeGreaterThan(0);
  });
});

/**
 * Every `${…}` in SQL text in src/, with why it is safe. Anything else fails the test: SQL takes
 * values as `$n` parameters; only identifiers (quoted by quoteSchema, or fixed in code) and
 * constant fragments may be spliced in.
 */
const SAFE_SQL_INTERPOLATIONS: Record<string, string> = {
  q: 'schema quoted by quoteSchema',
  quoted: 'schema quoted by quoteSchema',
  'this.#q': 'schema quoted by quoteSchema',
  'this.#usage': 'quoted schema + fixed table name',
  'this.#table': 'quoted schema + fixed table name (shared rate limit)',
  table: 'quoted schema + fixed table name (api-refusals)',
  'spec.table': 'table name fixed in a TableSpec (code constant)',
  stageName: 'staging table name generated by the loader (quoted, no input)',
  's.stageName': 'staging table name generated by the loader (quoted, no input)',
  cols: 'column list from a TableSpec',
  stagedCols: 'column list from a TableSpec',
  targetCols: 'column list from a TableSpec',
  arrays: '$n::type[] placeholders from a TableSpec',
  names: 'column names from a TableSpec',
  stored: 'column names from a constant list',
  incoming: 'column names from a constant list',
  set: 'constant SET clause with $n placeholders',
  sets: 'constant SET clause',
  "sets.join(', ')": 'SET clause built from TableSpec columns',
  DEAD_REASON: 'constant SQL expression',
  "deadJob('$1', '$2')": 'constant SQL fragment with placeholders',
  keyMatch: 'join condition from TableSpec key columns',
  insert: 'INSERT statement built from TableSpec columns',
  source: 'staging table name / fixed subquery',
  target: 'quoted schema + TableSpec table',
  "spec.key.join(', ')": 'TableSpec key columns',
  'spec.key[0]': 'TableSpec key column',
  "quoteSpec.columns.map((c) => `${c.name}::text AS ${c.name}`).join(', ')":
    'TableSpec column names (the stored-quote seed query)',
  'conflictClause(spec)': 'ON CONFLICT clause from TableSpec columns',
  "fields.join(', ')": 'column names from a constant list',
  "fields.map((f) => `t.${f}`).join(', ')": 'column names from a constant list',
  "fields.map((f, i) => `${f} = ${merged[i]}`).join(',\\n        ')":
    'column names from a constant list',
  "merged.join(', ')": 'constant SQL expressions',
  "groups.join(', ')": '$n::type[] placeholders from a TableSpec',
  "[...range.within, 'lo', 'hi'].join(', ')": 'TableSpec column names',
  'range.column': 'TableSpec column name',
  "range.within.map((c) => `t.${c} = g.${c}`).join(' AND ')": 'TableSpec column names',
  type: 'column type from a TableSpec',
  'n + 1': 'placeholder number',
  'n + 2': 'placeholder number',
  "spec.columns .map((c) => `${c.name} ${c.type}`) .join(', ')": 'TableSpec columns and types',
  "[ ...spec.update.map((c) => `${c} = s.${c}`), ...(spec.touchUpdatedAt ? ['updated_at = now()'] : []), ].join(', ')":
    'TableSpec update columns',
  'Math.trunc(options.statementTimeoutMs)':
    'validated integer (SET takes no parameters; resolveTimeout checks it)',
  'Math.trunc(options.lockTimeoutMs)':
    'validated integer (SET takes no parameters; resolveTimeout checks it)',
  'm.id': 'migration id generated from sql/ at build time (not input)',
  'm.name': 'migration name generated from sql/ at build time (not input)',
  'm.checksum': 'migration checksum generated from sql/ at build time (not input)',
  'm.breaking': 'migration flag generated from sql/ at build time (not input)',
};

const normalize = (e: string) => e.replace(/\s+/g, ' ').trim();
const SAFE = new Set(Object.keys(SAFE_SQL_INTERPOLATIONS).map(normalize));

describe('SQL takes values as parameters', () => {
  it('every interpolation in SQL text in src/ is a quoted identifier or a constant fragment', () => {
    const found = scanSqlTemplates(ROOT);
    expect(found.length).toBeGreaterThan(50);
    const unsafe = found.filter((i: Interpolation) => !SAFE.has(normalize(i.expression)));
    report({
      summary: `${found.length} interpolations in SQL text scanned, ${unsafe.length} unsafe`,
    });
    expect(unsafe.map((i) => `${i.file}:${i.line} \${${i.expression}}`)).toEqual([]);
  });

  it('the scan catches a value spliced into SQL (canary)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stock-etl-sqlscan-'));
    try {
      mkdirSync(join(dir, 'src'));
      writeFileSync(
        join(dir, 'src', 'bad.ts'),
        `export const f = (db: any, symbol: string) =>\n  db.query(\`SELECT * FROM t WHERE symbol = '\${symbol}'\`);\n`,
      );
      const found = scanSqlTemplates(dir);
      expect(found.map((i) => i.expression)).toEqual(['symbol']);
      expect(SAFE.has('symbol')).toBe(false);
      report({ summary: 'a spliced value is flagged' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('dependencies', () => {
  it('npm audit --omit=dev: no high or critical advisory (offline-tolerant)', () => {
    const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    let parsed: {
      metadata?: { vulnerabilities?: Record<string, number> };
      error?: unknown;
      message?: string;
    };
    try {
      parsed = JSON.parse(run.stdout || '{}');
    } catch {
      parsed = {};
    }
    const counts = parsed.metadata?.vulnerabilities;
    if (!counts) {
      // No report: the registry could not be reached (or npm failed) — say so, do not fail.
      const why = String(
        parsed.message ??
          (parsed.error as { summary?: string })?.summary ??
          (run.stderr || run.error?.message || 'no output'),
      ).slice(0, 200);
      report({ summary: `npm audit unavailable (offline?): ${why.replace(/\s+/g, ' ')}` });
      return;
    }
    report({ summary: `npm audit: ${safeJson(counts)}` });
    expect((counts.high ?? 0) + (counts.critical ?? 0)).toBe(0);
  });
});
