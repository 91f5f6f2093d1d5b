/**
 * The contract: anywhere a `db` is taken, a pg.Pool, a pg.Client (or a client checked out of a
 * pool) and a PGlite instance all work, unchanged. Pool and PGlite run through every other
 * integration test; this covers the single-connection handles.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installSchema } from '../../src/db/install';
import { MIGRATIONS } from '../../src/db/migrations.generated';
import { getStatus, Pipeline } from '../../src/pipeline';
import { type FakeAlphaVantage, startFakeAlphaVantage } from '../../src/testing';
import { uniqueSchema } from '../helpers/db';
import { extractorFor } from '../helpers/pipeline';

let server: FakeAlphaVantage;
beforeAll(async () => {
  server = await startFakeAlphaVantage({ now: () => new Date('2024-03-15T21:00:00Z') });
});
afterAll(async () => {
  await server.close();
});

describe.runIf(process.env.DATABASE_URL)('single-connection handles [pg]', () => {
  const clock = { now: () => Date.parse('2024-03-15T21:00:00Z'), sleep: async () => {} };

  it('a pg.Client: install, run jobs (transactions, COPY), status', async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    const schema = uniqueSchema('pg_client');
    try {
      expect((await installSchema(client, { schema })).applied).toEqual(
        MIGRATIONS.map((m) => m.id),
      );
      const pipeline = new Pipeline({ db: client, schema, extractor: extractorFor(server), clock });
      const batch = await pipeline.runBatch(['IBM', 'MSFT'], ['daily', 'intraday:5min'], {
        concurrency: 2,
      });
      expect(batch.failed).toBe(0);
      expect(batch.totals.inserted).toBeGreaterThan(10_000); // large enough for the COPY path
      const again = await pipeline.run('IBM', 'daily');
      expect(again).toMatchObject({ inserted: 0, updated: 0 });
      const status = await getStatus(client, { schema });
      expect(status.jobs24h.failed).toBe(0);
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });

  it('a client checked out of a pool, released afterwards', async () => {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    const client = await pool.connect();
    const schema = uniqueSchema('pool_client');
    try {
      await installSchema(client, { schema });
      const pipeline = new Pipeline({ db: client, schema, extractor: extractorFor(server), clock });
      const result = await pipeline.backfillIntraday('AAPL', {
        interval: '60min',
        from: '2024-01',
        to: '2024-02',
      });
      expect(result.status).toBe('success');
      expect(result.inserted).toBeGreaterThan(0);
      await client.query(`DROP SCHEMA "${schema}" CASCADE`);
    } finally {
      client.release();
      await pool.end();
    }
  });
});
