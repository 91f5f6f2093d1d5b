import { toDb } from './adapters';
import { DEFAULT_SCHEMA, quoteSchema } from './identifier';
import type { DbHandle } from './types';

/**
 * The schema version installed in `schema` (the highest applied migration), or `null` when
 * stock-etl was never installed there. Reads only: creates nothing, so read-only tools can tell
 * "not installed" apart from "installed but old" without side effects.
 * @param db - a `pg.Pool`, `pg.Client` or PGlite instance
 * @throws ValidationError for a schema name that is not a plain identifier
 */
export async function installedSchemaVersion(
  db: DbHandle,
  options: {
    /** Schema to look in. @default 'stock_etl' */
    schema?: string;
  } = {},
): Promise<number | null> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const q = quoteSchema(schema);
  const d = toDb(db);
  const { rows } = await d.query<{ present: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS present',
    [`${q}.schema_migrations`],
  );
  if (!rows[0]?.present) return null;
  const version = await d.query<{ v: number | null }>(
    `SELECT max(id)::int AS v FROM ${q}.schema_migrations`,
  );
  return version.rows[0]?.v ?? 0;
}
