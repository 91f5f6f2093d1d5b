import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAlphaVantage, startFakeAlphaVantage } from '../../src/testing';
import { TSX } from '../helpers/cli';
import { uniqueSchema } from '../helpers/db';

// On the server when there is one: a process there starts faster than an in-memory initdb.
const schema = uniqueSchema('example_base_url');

let server: FakeAlphaVantage;
beforeAll(async () => {
  server = await startFakeAlphaVantage();
});
afterAll(async () => {
  await server.close();
  if (process.env.DATABASE_URL) {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
});

/** `npm run example` reads ALPHA_VANTAGE_BASE_URL like the CLI does. */
describe('examples/main-job.ts and ALPHA_VANTAGE_BASE_URL', () => {
  it('sends its requests to the given origin', async () => {
    const { ALPHA_VANTAGE_API_KEY: _key, ...rest } = process.env;
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', TSX, 'examples/main-job.ts'], {
        env: {
          ...rest,
          ALPHA_VANTAGE_BASE_URL: server.url,
          ALPHA_VANTAGE_PLAN: 'premium-1200',
          SYMBOLS: 'IBM',
          STOCK_ETL_SCHEMA: schema,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`from the Alpha Vantage API at ${server.url} into`);
    // daily + intraday, two backfill months, the re-run: all at this server.
    expect(server.requestCount()).toBe(5);
  });
});
