/**
 * Issue 10 §10: schema names PostgreSQL keeps for itself are refused before any statement. Before,
 * `pg_catalog` and `pg_temp*` got as far as raw server errors and `information_schema` got the
 * stock-etl tables installed into it.
 */
import { expect, it } from 'vitest';
import { installSchema } from '../../src/db/install';
import { getStatus, Pipeline } from '../../src/pipeline';
import { describeEachDb } from '../helpers/db';
import { extractorFor } from '../helpers/pipeline';

const RESERVED = [
  'pg_catalog',
  'pg_temp',
  'pg_temp_3',
  'pg_toast',
  'pg_toast_temp_1',
  'pg_stock_etl',
  'PG_Catalog',
  'information_schema',
  'INFORMATION_SCHEMA',
];

describeEachDb(
  'reserved schema names',
  (ctx) => {
    it('installSchema refuses them with ValidationError and touches nothing', async () => {
      for (const schema of RESERVED) {
        await expect(installSchema(ctx.handle, { schema }), schema).rejects.toMatchObject({
          code: 'VALIDATION',
          field: 'schema',
          message: expect.stringMatching(/reserved/),
        });
      }
      const { rows } = await ctx.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM information_schema.tables
          WHERE table_name IN ('schema_migrations', 'stock_prices', 'etl_job_logs')
            AND (table_schema ILIKE 'pg\\_%' OR table_schema ILIKE 'information_schema')`,
      );
      expect(rows[0]?.n).toBe(0);
    });

    it('the pipeline and status refuse them too', async () => {
      const extractor = extractorFor(
        // never called: the constructor refuses first
        { url: 'http://127.0.0.1:9' } as Parameters<typeof extractorFor>[0],
      );
      for (const schema of ['pg_temp', 'information_schema']) {
        expect(() => new Pipeline({ db: ctx.handle, schema, extractor })).toThrow(
          expect.objectContaining({ code: 'VALIDATION', field: 'options.schema' }),
        );
        await expect(getStatus(ctx.handle, { schema })).rejects.toMatchObject({
          code: 'VALIDATION',
        });
      }
    });

    it('still accepts ordinary names that merely look similar', async () => {
      const tag = ctx.schema.slice(-8);
      for (const schema of [`pgx_${tag}`, `information_schema_${tag}`]) {
        await expect(installSchema(ctx.handle, { schema })).resolves.toMatchObject({ schema });
        await ctx.db.exec(`DROP SCHEMA "${schema}" CASCADE`);
      }
    });
  },
  { install: false },
);
