/**
 * Runs a suite against every database we support: PGlite (always) and the PostgreSQL server in
 * DATABASE_URL (when set). Each test gets its own schema, installed fresh and dropped afterwards,
 * so test files run in parallel and leave nothing behind.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect } from 'vitest';
import { toDb } from '../../src/db/adapters';
import { createEmbeddedDb } from '../../src/db/embedded';
import type { EmbeddedDb } from '../../src/db/embedded-db';
import { installSchema } from '../../src/db/install';
import type { Db } from '../../src/db/types';

/** What a test sees. Fields are set in `beforeEach`. */
export interface DbContext {
  /** `pglite` or `pg`. */
  target: 'pglite' | 'pg';
  /** The raw handle (PGlite instance or pg.Pool), as a user would pass it. */
  handle: EmbeddedDb | pg.Pool;
  /** The wrapped Db. */
  db: Db;
  /** A schema unique to this test (installed unless `install: false`). */
  schema: string;
  /** Quoted schema for SQL text. */
  q: string;
}

/** Targets this run covers. */
export const targets: ('pglite' | 'pg')[] = process.env.DATABASE_URL
  ? ['pglite', 'pg']
  : ['pglite'];

let pglite: Promise<EmbeddedDb> | undefined;
let pgliteUsers = 0;
let pool: pg.Pool | undefined;
let poolUsers = 0;

/** Opens (or reuses) this file's shared handle for `target`. */
export async function acquire(target: 'pglite' | 'pg'): Promise<EmbeddedDb | pg.Pool> {
  if (target === 'pglite') {
    pgliteUsers++;
    pglite ??= createEmbeddedDb();
    return pglite;
  }
  poolUsers++;
  pool ??= new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 6 });
  return pool;
}

/** Releases a handle from {@link acquire}; the last user closes it. */
export async function release(target: 'pglite' | 'pg'): Promise<void> {
  if (target === 'pglite') {
    if (--pgliteUsers === 0 && pglite) {
      const p = pglite;
      pglite = undefined;
      await (await p).close();
    }
  } else if (--poolUsers === 0 && pool) {
    const p = pool;
    pool = undefined;
    await p.end();
  }
}

/** A schema name unique to this test run, derived from `label`. */
export function uniqueSchema(label: string): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  return `t_${slug}_${randomBytes(4).toString('hex')}`;
}

/**
 * `describe` once per target. Inside, `ctx` holds the database of the current test.
 * @param options.install - install the stock-etl schema in each test's schema (default true)
 */
export function describeEachDb(
  title: string,
  body: (ctx: DbContext) => void,
  options: { install?: boolean } = {},
): void {
  for (const target of targets) {
    describe(`${title} [${target}]`, () => {
      const ctx = { target } as DbContext;
      beforeAll(async () => {
        ctx.handle = await acquire(target);
        ctx.db = toDb(ctx.handle);
      });
      afterAll(async () => {
        await release(target);
      });
      beforeEach(async () => {
        ctx.schema = uniqueSchema(expect.getState().currentTestName ?? title);
        ctx.q = `"${ctx.schema}"`;
        if (options.install !== false) await installSchema(ctx.handle, { schema: ctx.schema });
      });
      afterEach(async () => {
        await ctx.db.exec(`DROP SCHEMA IF EXISTS ${ctx.q} CASCADE`);
      });
      body(ctx);
    });
  }
}
