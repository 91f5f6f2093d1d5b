/** `stock-etl budget [reset|forget]` and the budget schema of the CLI. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli';
import { createEmbeddedDb } from '../../src/db/embedded';
import { type FakeAlphaVantage, startFakeAlphaVantage } from '../../src/testing';
import { targets, uniqueSchema } from '../helpers/db';

let fake: FakeAlphaVantage;
beforeAll(async () => {
  fake = await startFakeAlphaVantage({ plan: 'free', rateLimit: {} });
});
afterAll(async () => {
  await fake.close();
});

async function cli(argv: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => err.push(a.join(' ')));
  try {
    const code = await main(argv, env);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

for (const target of targets) {
  describe(`stock-etl budget [${target}]`, () => {
    const data = uniqueSchema(`cli_budget_data_${target}`);
    const budget = uniqueSchema(`cli_budget_${target}`);
    const dataDir = mkdtempSync(join(tmpdir(), 'stock-etl-cli-budget-'));
    const env = (): NodeJS.ProcessEnv => ({
      ALPHA_VANTAGE_API_KEY: 'BUDGET-CLI-KEY-1',
      ALPHA_VANTAGE_BASE_URL: fake.url,
      ALPHA_VANTAGE_PLAN: 'premium-75',
      STOCK_ETL_SCHEMA: data,
      STOCK_ETL_BUDGET_SCHEMA: budget,
      ...(target === 'pg'
        ? { DATABASE_URL: process.env.DATABASE_URL }
        : { STOCK_ETL_DATA_DIR: dataDir }),
    });
    /** `sum(used)` of a schema's api_usage, read as the CLI wrote it. */
    const sumUsed = async (schema: string): Promise<number> => {
      const sql = `SELECT coalesce(sum(used), 0)::int AS n FROM "${schema}".api_usage`;
      if (target === 'pg') {
        const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
        try {
          return (await pool.query<{ n: number }>(sql)).rows[0]?.n ?? -1;
        } finally {
          await pool.end();
        }
      }
      const db = await createEmbeddedDb({ dataDir });
      try {
        return (await db.query<{ n: number }>(sql)).rows[0]?.n ?? -1;
      } finally {
        await db.close();
      }
    };
    afterAll(async () => {
      rmSync(dataDir, { recursive: true, force: true });
      if (target === 'pg') {
        const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
        await pool.query(`DROP SCHEMA IF EXISTS "${data}" CASCADE`);
        await pool.query(`DROP SCHEMA IF EXISTS "${budget}" CASCADE`);
        await pool.end();
      }
    });

    it('run keeps the budget in its own schema; budget shows spend and refusals; forget drops them', async () => {
      const run = await cli(
        ['run', 'IBM', '--dataset', 'daily', '--dataset', 'daily_adjusted'],
        env(),
      );
      expect(run.code).toBe(1); // daily_adjusted is premium for this (free) key
      expect(run.stdout).toMatch(/FAIL IBM +daily_adjusted +PREMIUM_ENDPOINT: .*free alternative/);
      const shown = await cli(['budget'], env());
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(
        /API budget at http:\/\/127\.0\.0\.1:\d+ on \d{4}-\d\d-\d\d: 3 request\(s\) used \(no daily limit\)/,
      );
      expect(shown.stdout).toMatch(/TIME_SERIES_DAILY outputsize=full \(plan premium-75/);
      expect(shown.stdout).toMatch(/TIME_SERIES_DAILY_ADJUSTED \(plan premium-75/);
      // Spent from the budget schema, not the data schema.
      expect(await sumUsed(budget)).toBe(3);
      expect(await sumUsed(data)).toBe(0);
      const forgotten = await cli(['budget', 'forget', '--json'], env());
      const json = JSON.parse(forgotten.stdout);
      expect(json.done).toBe('forgot 2 premium refusal(s)');
      expect(json.refusals).toEqual([]);
      const health = JSON.parse((await cli(['health', '--json'], env())).stdout);
      expect(health.checks.find((c: { name: string }) => c.name === 'api-refusals').detail).toBe(
        'no premium refusals remembered',
      );
    });

    it('budget reset clears the daily-limit mark', async () => {
      fake.inject({ kind: 'daily-limit' });
      const free = { ...env(), ALPHA_VANTAGE_PLAN: 'free' };
      const run = await cli(['run', 'MSFT', '--dataset', 'quote'], free);
      expect(run.stdout).toMatch(/DAILY_LIMIT/);
      expect(run.stdout + run.stderr).not.toContain('BUDGET-CLI-KEY-1');
      const marked = JSON.parse((await cli(['budget', '--json'], free)).stdout);
      expect(marked.budget).toMatchObject({ exhausted: true, remainingToday: 0 });
      const reset = await cli(['budget', 'reset'], free);
      expect(reset.stdout).toMatch(/^cleared today's daily-limit mark/);
      const after = JSON.parse((await cli(['budget', '--json'], free)).stdout);
      expect(after.budget).toMatchObject({ exhausted: false });
      expect((await cli(['run', 'MSFT', '--dataset', 'quote'], free)).code).toBe(0);
    });

    it('refuses an unknown action with exit 2', async () => {
      const r = await cli(['budget', 'frob'], env());
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/budget takes reset or forget/);
    });
  });
}
