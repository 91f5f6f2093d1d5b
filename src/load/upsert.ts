import type { Db } from '../db/types';
import { sqlstateOf } from '../errors/database-error';
import { copyChunks } from './copy-text';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_COPY_THRESHOLD,
  DEFAULT_LOAD_METHOD,
  type UpsertOptions,
} from './load-options';
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
  classifyStage: string;
  updateFromStage: string;
  insertAllFromStage: string;
  insertNewFromStage: string;
  copyDirect: string;
  rangeProbe: string | undefined;
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
  const keyMatch = spec.key.map((k) => `t.${k} = s.${k}`).join(' AND ');
  const targetCols = spec.update.map((c) => `t.${c}`).join(', ');
  const stagedCols = spec.update.map((c) => `s.${c}`).join(', ');
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
    // One read-only join tells which statements are needed at all: a re-load of unchanged rows
    // stops here without writing anything (ON CONFLICT DO UPDATE … WHERE would lock and WAL-log
    // every conflicting row, changed or not).
    classifyStage: `SELECT count(*) FILTER (WHERE t.${spec.key[0]} IS NULL)::int AS new,
        count(*) FILTER (WHERE t.${spec.key[0]} IS NOT NULL AND (${targetCols}) IS DISTINCT FROM (${stagedCols}))::int AS changed
      FROM ${stageName} AS s LEFT JOIN ${q}.${spec.table} AS t ON ${keyMatch}`,
    updateFromStage: `UPDATE ${q}.${spec.table} AS t SET ${[
      ...spec.update.map((c) => `${c} = s.${c}`),
      ...(spec.touchUpdatedAt ? ['updated_at = now()'] : []),
    ].join(', ')}
      FROM ${stageName} AS s WHERE ${keyMatch} AND (${targetCols}) IS DISTINCT FROM (${stagedCols})`,
    insertAllFromStage: `INSERT INTO ${q}.${spec.table} (${cols}) SELECT ${cols} FROM ${stageName}`,
    insertNewFromStage: `INSERT INTO ${q}.${spec.table} (${cols})
      SELECT ${cols} FROM ${stageName} AS s
       WHERE NOT EXISTS (SELECT 1 FROM ${q}.${spec.table} AS t WHERE ${keyMatch})`,
    copyDirect: `COPY ${q}.${spec.table} (${cols}) FROM STDIN`,
    rangeProbe: spec.range ? rangeProbe(spec, q, spec.range) : undefined,
  };
  bySchema.set(q, s);
  return s;
}

function columnType<R>(spec: TableSpec<R>, name: string): string {
  const col = spec.columns.find((c) => c.name === name);
  if (!col) throw new Error(`table spec ${spec.table}: ${name} is not a column`);
  return col.type;
}

/** `SELECT EXISTS(…)`: does any stored row fall inside one of the (group, lo, hi) ranges? */
function rangeProbe<R>(
  spec: TableSpec<R>,
  q: string,
  range: NonNullable<TableSpec<R>['range']>,
): string {
  const groups = range.within.map((c, i) => `$${i + 1}::${columnType(spec, c)}[]`);
  const type = columnType(spec, range.column);
  const n = range.within.length;
  return `SELECT EXISTS (
      SELECT 1 FROM unnest(${groups.join(', ')}, $${n + 1}::${type}[], $${n + 2}::${type}[])
                AS g(${[...range.within, 'lo', 'hi'].join(', ')})
       WHERE EXISTS (SELECT 1 FROM ${q}.${spec.table} AS t
                      WHERE ${range.within.map((c) => `t.${c} = g.${c}`).join(' AND ')}
                        AND t.${range.column} BETWEEN g.lo AND g.hi)) AS taken`;
}

/** What one pass over a large load tells about its keys. */
interface KeyScan {
  /** Parameters of the range probe, or `null` when a value cannot be ordered here. */
  probe: unknown[][] | null;
  /**
   * True when, inside every group, the range column strictly rises or strictly falls in input
   * order — then no key can repeat and the in-memory deduplication is skipped (the transformer's
   * newest-first output always qualifies).
   */
  ordered: boolean;
}

/**
 * One pass over `rows`: per group of `within` values, the lowest and highest value of the range
 * column (for the probe), and whether the range column is strictly monotonic inside each group.
 */
function scanKeys<R>(spec: TableSpec<R>, rows: readonly R[]): KeyScan {
  const range = spec.range as NonNullable<TableSpec<R>['range']>;
  const within = range.within.map((c) => spec.columns.find((x) => x.name === c)?.get);
  const col = spec.columns.find((x) => x.name === range.column);
  if (!col || within.some((g) => !g)) return { probe: null, ordered: false };
  const getters = within as ((row: R) => string | null)[];
  const instant = col.type === 'timestamptz';
  interface Group {
    values: (string | null)[];
    lo: string;
    hi: string;
    last: string;
    direction: number;
  }
  const groups = new Map<string, Group>();
  let probeOk = true;
  let ordered = true;
  let current: Group | undefined;
  for (const row of rows) {
    let v = col.get(row);
    if (v === null) return { probe: null, ordered: false };
    // Canonical ISO instants (what the transformer makes) order as text; others are normalised.
    if (instant && !(v.length === 24 && v.endsWith('Z'))) {
      const ms = Date.parse(v);
      if (Number.isNaN(ms)) {
        probeOk = false;
        ordered = false;
        break;
      }
      v = new Date(ms).toISOString();
    }
    // Consecutive rows nearly always share their group: compare before hashing.
    let group = current;
    if (!group || getters.some((g, i) => g(row) !== group?.values[i])) {
      const values = getters.map((g) => g(row));
      const key = values.join('\u0001');
      group = groups.get(key);
      if (group) {
        ordered = false; // a group seen before, interrupted: cannot vouch for its order
      } else {
        group = { values, lo: v, hi: v, last: v, direction: 0 };
        groups.set(key, group);
        current = group;
        continue;
      }
      current = group;
    }
    const step = v > group.last ? 1 : v < group.last ? -1 : 0;
    if (step === 0 || (group.direction !== 0 && step !== group.direction)) ordered = false;
    group.direction = step;
    group.last = v;
    if (v < group.lo) group.lo = v;
    else if (v > group.hi) group.hi = v;
  }
  if (!probeOk) return { probe: null, ordered: false };
  const list = [...groups.values()];
  return {
    probe: [
      ...range.within.map((_, i) => list.map((g) => g.values[i])),
      list.map((g) => g.lo),
      list.map((g) => g.hi),
    ],
    ordered,
  };
}

/**
 * The fast path of a large load: when one index probe shows that no stored row falls inside the
 * key ranges of `rows`, they are all new and go straight into the table with COPY — the physical
 * limit, no staging, no conflict handling. Runs in a savepoint: if a concurrent writer (or a
 * duplicate inside `rows`) makes a key collide, the savepoint is rolled back and `null` tells the
 * caller to take the staged path.
 */
async function copyIfAllNew<R>(
  tx: Db,
  s: Statements,
  spec: TableSpec<R>,
  rows: readonly R[],
  params: unknown[][] | null,
): Promise<LoadCounts | null> {
  if (!s.rangeProbe || !params) return null;
  const { rows: probe } = await tx.query<{ taken: boolean }>(s.rangeProbe, params);
  if (probe[0]?.taken !== false) return null;
  try {
    const copied = await tx.transaction((sp) =>
      sp.copyFrom(
        s.copyDirect,
        copyChunks(
          rows,
          spec.columns.map((c) => c.get),
        ),
      ),
    );
    return { inserted: copied || rows.length, updated: 0, unchanged: 0 };
  } catch (error) {
    if (sqlstateOf(error) === '23505') return null; // unique_violation
    throw error;
  }
}

/**
 * Moves staged rows into the table: UPDATE the changed ones, then INSERT the new ones (all of them
 * without an anti-join when none existed). A concurrent writer inserting one of our keys between
 * the statements makes the INSERT fail with a unique violation; then its savepoint is rolled back
 * and the ON CONFLICT merge finishes the job (rows already updated compare equal there and count
 * as unchanged, so counts stay exact).
 */
async function mergeStaged(
  tx: Db,
  s: Statements,
  staged: number,
): Promise<{ inserted: number; updated: number }> {
  const { rows: plan } = await tx.query<{ new: number; changed: number }>(s.classifyStage);
  const fresh = plan[0]?.new ?? 0;
  const changed = plan[0]?.changed ?? 0;
  const updated = changed > 0 ? (await tx.query(s.updateFromStage)).rowCount : 0;
  if (fresh === 0) return { inserted: 0, updated };
  try {
    return await tx.transaction(async (sp) => {
      const sql = fresh === staged ? s.insertAllFromStage : s.insertNewFromStage;
      const { rowCount: inserted } = await sp.query(sql);
      return { inserted, updated };
    });
  } catch (error) {
    if (sqlstateOf(error) !== '23505') throw error;
    const { rows } = await tx.query<{ inserted: number; updated: number }>(s.mergeStage);
    return { inserted: rows[0]?.inserted ?? 0, updated: updated + (rows[0]?.updated ?? 0) };
  }
}

/**
 * Upserts `rows` into `spec.table` of the schema `q` (quoted) and returns exact counts. Rows with
 * the same key are deduplicated first (the last wins). Unchanged rows are not rewritten.
 *
 * Large loads go through COPY: straight into the table when an index probe proves every key new,
 * else into a temporary staging table that is then merged with an UPDATE of the changed rows and an
 * INSERT of the new ones. Small loads use `INSERT … SELECT FROM unnest(…) ON CONFLICT`.
 *
 * Runs in one transaction (a savepoint when `db` already is one): all rows or none.
 * @internal
 */
export async function upsertRows<R>(
  db: Db,
  q: string,
  spec: TableSpec<R>,
  input: readonly R[],
  options: UpsertOptions = {},
): Promise<LoadCounts> {
  if (input.length === 0) return { ...NO_COUNTS };
  const method = options.method ?? DEFAULT_LOAD_METHOD;
  const copyThreshold = options.copyThreshold ?? DEFAULT_COPY_THRESHOLD;
  const useCopy = method === 'copy' || (method === 'auto' && input.length >= copyThreshold);
  const s = statements(spec, q);
  const scan = useCopy && spec.range ? scanKeys(spec, input) : undefined;
  return db.transaction(async (tx) => {
    if (scan) {
      // Duplicates inside `input` make the direct COPY collide and fall back, so no need to
      // deduplicate first on the fast path.
      const direct = await copyIfAllNew(tx, s, spec, input, scan.probe);
      if (direct) return direct;
    }
    const rows = scan?.ordered ? input : dedupeByKey(input, spec);
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
      ({ inserted, updated } = await mergeStaged(tx, s, rows.length));
      await tx.exec(`TRUNCATE ${s.stageName}`);
    } else {
      const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
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
