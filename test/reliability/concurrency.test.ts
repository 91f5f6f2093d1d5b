/**
 * Reliability §4, concurrency with real processes (test/helpers/pipeline-child.ts) on the real
 * server: the same batch by 4 processes at once, concurrent installSchema from 4 connections, a
 * backfill and a daily run of one symbol at once. Each ends equal to the sequential ground truth.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installSchema, SCHEMA_VERSION } from '../../src/db/install';
import type { FakeAlphaVantage } from '../../src/testing';
import { uniqueSchema } from '../helpers/db';
import { BATCH, type ChildWork, finishChild, startChild, toChild } from './children';
import {
  dropSchemas,
  expectGroundTruth,
  fakeServer,
  freshSchema,
  groundTruth,
  HAS_PG,
  pgPool,
  report,
  type Work,
} from './harness';

describe.runIf(HAS_PG)('concurrency: processes and connections at once', () => {
  let admin: pg.Pool;
  let server: FakeAlphaVantage;
  const schemas: string[] = [];
  beforeAll(async () => {
    admin = pgPool(undefined, 6);
    server = await fakeServer();
  });
  afterAll(async () => {
    await dropSchemas(admin, schemas);
    await server.close();
    await admin.end();
  });

  const start = (schema: string, work: ChildWork[], app?: string) =>
    startChild(server.url, schema, work, app);
  const finish = finishChild;

  it('the same batch by 4 processes at once', async () => {
    const truth = await groundTruth(admin, BATCH, schemas);
    const schema = await freshSchema(admin, 'four', schemas);
    server.reset();
    const children = Array.from({ length: 4 }, () => start(schema, toChild(BATCH)));
    const results = await Promise.all(children.map(finish));
    for (const events of results) {
      const batch = events.find((e) => e.event === 'batch');
      expect(batch?.failed).toBe(0);
    }
    const requests = server.requestCount();
    await expectGroundTruth(admin, schema, truth);
    report({
      ghost_running_jobs: 0,
      summary: `4 processes × 6 jobs: ${requests} requests in all, converged`,
    });
  });

  it('concurrent installSchema from 4 connections', async () => {
    const schema = uniqueSchema('rel_install');
    schemas.push(schema);
    const pools = Array.from({ length: 4 }, () => pgPool(undefined, 1));
    try {
      const results = await Promise.allSettled(pools.map((p) => installSchema(p, { schema })));
      for (const r of results)
        expect(r.status, String((r as PromiseRejectedResult).reason)).toBe('fulfilled');
      const { rows } = await admin.query(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1`,
        [schema],
      );
      expect(rows[0].n).toBeGreaterThan(5);
      await installSchema(admin, { schema }); // and once more: a no-op
      report({
        summary: `4 concurrent installs of schema version ${SCHEMA_VERSION}, ${rows[0].n} tables`,
      });
    } finally {
      for (const p of pools) await p.end();
    }
  });

  it('a backfill and a daily run of the same symbol at once', async () => {
    const work: Work = {
      symbols: ['IBM'],
      datasets: ['daily', 'intraday:5min'],
      backfill: { symbol: 'IBM', from: '2024-01', to: '2024-06' },
    };
    const truth = await groundTruth(admin, work, schemas);
    const schema = await freshSchema(admin, 'backfill_daily', schemas);
    server.reset();
    const [a, b] = await Promise.all([
      finish(start(schema, [{ backfill: ['IBM', '5min', '2024-01', '2024-06'] }])),
      finish(start(schema, [{ batch: [['IBM'], ['daily', 'intraday:5min']] }])),
    ]);
    expect(a.find((e) => e.event === 'backfill')?.status).toBe('success');
    expect(b.find((e) => e.event === 'batch')?.failed).toBe(0);
    await expectGroundTruth(admin, schema, truth);
    report({ ghost_running_jobs: 0, summary: 'both finished, tables equal the sequential run' });
  });
});
