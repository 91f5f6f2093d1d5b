/**
 * Issue 10 §10: a single pg.Client passed as `db` is shared with the host. The host's own
 * statements sent while the library works on the client used to run inside the library's
 * transaction and vanish with its rollback (65 of 189 host INSERTs that returned OK). Now they
 * wait until the library's work is done; and the library refuses to work inside a transaction the
 * host left open, rather than committing it.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toDb } from '../../src/db/adapters';
import { installSchema } from '../../src/db/install';
import { uniqueSchema } from '../helpers/db';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(process.env.DATABASE_URL)('a pg.Client shared with the host [pg]', () => {
  let client: pg.Client;
  let schema: string;
  let q: string;
  beforeEach(async () => {
    client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    schema = uniqueSchema('shared_client');
    q = `"${schema}"`;
    await installSchema(client, { schema });
    await client.query(`CREATE TABLE ${q}.host_log (n int PRIMARY KEY)`);
  });
  afterEach(async () => {
    await client.query(`DROP SCHEMA IF EXISTS ${q} CASCADE`);
    await client.end();
  });

  it("the host's statements sent during the library's transaction survive its rollback", async () => {
    const db = toDb(client);
    // The host is another task of the process, going on with its own work on the same client;
    // it starts sending while the library's transaction is open.
    let go: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      go = resolve;
    });
    const host = (async () => {
      await started;
      const sent: Promise<unknown>[] = [];
      for (let n = 1; n <= 20; n++) {
        sent.push(client.query(`INSERT INTO ${q}.host_log VALUES ($1)`, [n]));
      }
      sent.push(
        new Promise((resolve, reject) =>
          client.query(`INSERT INTO ${q}.host_log VALUES (21)`, (err: Error | null) =>
            err ? reject(err) : resolve(undefined),
          ),
        ),
      );
      return Promise.all(sent);
    })();
    const work = db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ${q}.stocks (symbol) VALUES ('JOB')`);
      go();
      await sleep(50);
      await tx.query(`INSERT INTO ${q}.stocks (symbol) VALUES ('JOB2')`);
      throw new Error('the job failed');
    });
    await expect(work).rejects.toThrow('the job failed');
    await host; // every host INSERT returned OK …
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${q}.host_log`);
    expect(rows[0].n).toBe(21); // … and is there
    const stocks = await client.query(`SELECT count(*)::int AS n FROM ${q}.stocks`);
    expect(stocks.rows[0].n).toBe(0); // the library's own work rolled back
    // Nothing of the library stays on the client once it is idle.
    expect(Object.hasOwn(client, 'query')).toBe(false);
    expect(client.listenerCount('error')).toBe(0);
  });

  it("the host's statements written inside a library transaction's callback are part of it", async () => {
    // Holding these would deadlock: the transaction waits for its callback, which waits for them.
    const db = toDb(client);
    const work = db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ${q}.stocks (symbol) VALUES ('JOB')`);
      await client.query(`INSERT INTO ${q}.host_log VALUES (1)`);
      throw new Error('roll back both');
    });
    await expect(work).rejects.toThrow('roll back both');
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${q}.host_log`);
    expect(rows[0].n).toBe(0);
    await db.transaction(async () => {
      await client.query(`INSERT INTO ${q}.host_log VALUES (2)`);
    });
    const after = await client.query(`SELECT array_agg(n) AS ns FROM ${q}.host_log`);
    expect(after.rows[0].ns).toEqual([2]);
  });

  it('refuses to run inside a transaction the host left open, and leaves it alone', async () => {
    await client.query('BEGIN');
    await client.query(`INSERT INTO ${q}.host_log VALUES (1)`);
    await expect(installSchema(client, { schema })).rejects.toMatchObject({
      code: 'DATABASE',
      sqlstate: '25001',
      retryable: false,
    });
    // The host's transaction is still open and still the host's to commit or roll back.
    await client.query('ROLLBACK');
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${q}.host_log`);
    expect(rows[0].n).toBe(0);
    await expect(installSchema(client, { schema })).resolves.toMatchObject({ applied: [] });
  });
});
