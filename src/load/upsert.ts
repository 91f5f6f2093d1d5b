import type { Db } from '../db/types';
import { copyChunks } from './copy-text';
import type { TableSpec } from './table-spec';

/** What a load did, row by row: exact, from PostgreSQL's own answer. */
export interface LoadCounts {
  /** Rows that did not exist before. */
  inserted: number;
  /** Existing rows whose values changed. */
  updated: number;
  /** Existing rows whose values were already the same (not rewritten). */
  unchanged: number;
}

/** How rows reach the table. */
export type LoadMethod = 'auto' | 'unnest' | 'copy';

/** Tuning of {@link upsertRows}. */
export interface UpsertOptions {
  /**
   * `unnest`: `INSERT … SELECT FROM unnest($1::text[], …)` in batches; `copy`: `COPY` into a
   * temporary staging table, then one `INSERT … SELECT`; `auto`: copy from `copyThreshold` rows.
   * @default 'auto'
   */
  method?: LoadMethod;
  /**
   * Rows per unnest statement.
   * @default 5000
   */
  batchSize?: number;
  /**
   * From how many rows `auto` switches to COPY.
   * @default 5000
   */
  copyThreshold?: number;
}

/** Sums load counts. */
export function addCounts(a: LoadCounts, b: LoadCounts): LoadCounts {
  return {
    inserted: a.inserted + b.inserted,
    updated: a.updated + b.updated,
    unchanged: a.unchanged + b.unchanged,
  };
}

/** Zero counts. */
export const NO_COUNTS: LoadCounts = Object.freeze({ inserted: 0, updated: 0, unchanged: 0 });

/**
 * Drops all but the last row of each key: PostgreSQL refuses to update one row twice in one
 * statement. Returns the input array itself when there are no duplicates.
 */
export function dedupeByKey<R>(rows: readonly R[], spec: TableSpec<R>): readonly R[] {
  const getters = spec.key.map((k) => {
    const col = spec.columns.find((c) => c.name === k);
    if (!col) throw new Error(`table spec ${spec.table}: key column ${k} is not a column`);
    return col.get;
  });
  const seen = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as R;
    let key = '';
    for (const get of getters) key += `${get(row)}\u0001`;
    seen.set(key, i);
  }
  if (seen.size === rows.length) return rows;
  const keep = [...seen.values()].sort((a, b) => a - b);
  return keep.map((i) => rows[i] as R);
}

interface Statements {
  unnest: string;
  stageName: string;
  createStage: string;
  copy: string;
  mergeStage: string;
}

const statementCache = new WeakMap<TableSpec<unknown>, Map<string, Statements>>();

function conflictClause<R>(spec: TableSpec<R>): string {
  const sets = spec.update.map((c) => `${c} = EXCLUDED.${c}`);
  if (spec.touchUpdatedAt) sets.push('updated_at = now()');
  const target = spec.update.map((c) => `t.${c}`).join(', ');
  const source = spec.update.map((c) => `EXCLUDED.${c}`).join(', ');
  return `ON CONFLICT (${spec.key.join(', ')}) DO UPDATE SET ${sets.join(', ')}
    WHERE (${target}) IS DISTINCT FROM (${source})`;
}

function statements<R>(spec: TableSpec<R>, q: string): Statements {
  let bySchema = statementCache.get(spec as TableSpec<unknown>);
  if (!bySchema) {
    bySchema = new Map();
    statementCache.set(spec as TableSpec<unknown>, bySchema);
  }
  let s = bySchema.get(q);
  if (s) return s;
  const cols = spec.columns.map((c) => c.name).join(', ');
  const arrays = spec.columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  // `xmax = 0` is true only for a freshly inserted tuple: exact inserted/updated split.
  const counting = (
    insert: string,
  ) => `WITH upserted AS (${insert} RETURNING (xmax = 0) AS inserted)
    SELECT count(*) FILTER (WHERE inserted)::int AS inserted,
           count(*) FILTER (WHERE NOT inserted)::int AS updated
      FROM upserted`;
  const stageName = `stock_etl_stage_${spec.table}`;
  s = {
    unnest: counting(
      `INSERT INTO ${q}.${spec.table} AS t (${cols}) SELECT * FROM unnest(${arrays}) ${conflictClause(spec)}`,
    ),
    stageName,
    // Temporary: no WAL, private to the connection; emptied at commit.
    createStage: `CREATE TEMP TABLE IF NOT EXISTS ${stageName} (${spec.columns
      .map((c) => `${c.name} ${c.type}`)
      .join(', ')}) ON COMMIT DELETE ROWS`,
    copy: `COPY ${stageName} (${cols}) FROM STDIN`,
    mergeStage: counting(
      `INSERT INTO ${q}.${spec.table} AS t (${cols}) SELECT ${cols} FROM ${stageName} ${conflictClause(spec)}`,
    ),
  };
  bySchema.set(q, s);
  return s;
}

/**
 * Upserts `rows` into `spec.table` of the schema `q` (quoted) and returns exact counts. Rows with
 * the same key are deduplicated first (the last wins). Unchanged rows are not rewritten.
 *
 * Runs in one transaction (a savepoint when `db` already is one): all rows or none.
 */
export async function upsertRows<R>(
  db: Db,
  q: string,
  spec: TableSpec<R>,
  input: readonly R[],
  options: UpsertOptions = {},
): Promise<LoadCounts> {
  if (input.length === 0) return { ...NO_COUNTS };
  const rows = dedupeByKey(input, spec);
  const method = options.method ?? 'auto';
  const copyThreshold = options.copyThreshold ?? 5000;
  const useCopy = method === 'copy' || (method === 'auto' && rows.length >= copyThreshold);
  const s = statements(spec, q);
  return db.transaction(async (tx) => {
    let inserted = 0;
    let updated = 0;
    if (useCopy) {
      await tx.exec(s.createStage);
      await tx.exec(`TRUNCATE ${s.stageName}`);
      await tx.copyFrom(
        s.copy,
        copyChunks(
          rows,
          spec.columns.map((c) => c.get),
        ),
      );
      const { rows: out } = await tx.query<{ inserted: number; updated: number }>(s.mergeStage);
      inserted = out[0]?.inserted ?? 0;
      updated = out[0]?.updated ?? 0;
      await tx.exec(`TRUNCATE ${s.stageName}`);
    } else {
      const batchSize = Math.max(1, options.batchSize ?? 5000);
      for (let start = 0; start < rows.length; start += batchSize) {
        const batch = rows.slice(start, start + batchSize);
        const params = spec.columns.map((c) => batch.map(c.get));
        const { rows: out } = await tx.query<{ inserted: number; updated: number }>(
          s.unnest,
          params,
        );
        inserted += out[0]?.inserted ?? 0;
        updated += out[0]?.updated ?? 0;
      }
    }
    return { inserted, updated, unchanged: rows.length - inserted - updated };
  });
}
