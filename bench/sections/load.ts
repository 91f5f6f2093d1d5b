/**
 * Load figures on PostgreSQL, side by side in one loop: each run truncates the table and measures
 * the COPY ceiling, multi-row VALUES, naive per-row INSERT and the Loader (fresh insert, no-op
 * re-load, all-changed update) on the same table definition, so drift on a shared machine hits
 * every contender alike.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Loader } from '../../src/load';
import type { IntradayPriceRow } from '../../src/transform/rows';
import { freshSchema } from '../lib/db';
import { makeIntradayRows, rowValues, serializeCopyText } from '../lib/rows';
import { type Figure, figure, rate, seconds } from '../lib/stats';

/** Sizes of the load section. */
export interface LoadSizes {
  /** Symbols × bars of the main data set (COPY ceiling, Loader insert and no-op). */
  symbols: number;
  /** Bars per symbol. */
  bars: number;
  /** Rows of the all-changed update (a prefix of the main set). */
  updateRows: number;
  /** Rows of the naive per-row INSERT subset. */
  naiveRows: number;
  /** Rows of the VALUES-batch subset. */
  valuesRows: number;
  /** Runs of every figure. */
  runs: number;
}

const COLS = 'symbol, interval, ts, open, high, low, close, volume';
// The same upsert semantics as the Loader, minus its unchanged-row skip: a fair baseline.
const CONFLICT = `ON CONFLICT (symbol, interval, ts) DO UPDATE SET open = EXCLUDED.open,
  high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume`;

/** Runs the section; `log` gets one line per step. */
export async function benchLoad(
  pool: pg.Pool,
  sizes: LoadSizes,
  log: (line: string) => void,
): Promise<Record<string, Figure>> {
  const total = sizes.symbols * sizes.bars;
  const rows = makeIntradayRows(sizes.symbols, sizes.bars);
  // The changed rows are the first `updateRows` keys of the main set with every value shifted.
  const changed = makeIntradayRows(Math.ceil(sizes.updateRows / sizes.bars), sizes.bars, 1).slice(
    0,
    sizes.updateRows,
  );
  const copyText = serializeCopyText(rows);
  const schema = await freshSchema(pool);
  const table = schema.intraday;
  const loader = new Loader({ db: pool, schema: schema.name });
  const r = {
    copy: [] as number[],
    naive: [] as number[],
    values: [] as number[],
    insert: [] as number[],
    noop: [] as number[],
    update: [] as number[],
  };
  const reset = async () => {
    await pool.query(`TRUNCATE ${table}`);
    // A checkpoint between contenders keeps one's dirty pages from being flushed on the next's time.
    await pool.query('CHECKPOINT');
  };
  try {
    for (let run = 0; run < sizes.runs; run++) {
      await reset();
      r.copy.push(rate(total, await seconds(() => copyRaw(pool, table, copyText))));
      await reset();
      r.values.push(
        rate(
          sizes.valuesRows,
          await seconds(() => valuesBatches(pool, table, rows, sizes.valuesRows)),
        ),
      );
      await reset();
      r.naive.push(
        rate(
          sizes.naiveRows,
          await seconds(() => naiveInserts(pool, table, rows, sizes.naiveRows)),
        ),
      );
      await reset();
      r.insert.push(
        rate(
          total,
          await seconds(() => expectCounts(loader.loadIntraday(rows), 'inserted', total)),
        ),
      );
      await pool.query('CHECKPOINT');
      r.noop.push(
        rate(
          total,
          await seconds(() => expectCounts(loader.loadIntraday(rows), 'unchanged', total)),
        ),
      );
      await pool.query('CHECKPOINT');
      r.update.push(
        rate(
          changed.length,
          await seconds(() =>
            expectCounts(loader.loadIntraday(changed), 'updated', changed.length),
          ),
        ),
      );
      log(
        `  load run ${run + 1}/${sizes.runs}: copy ${k(r.copy)}  values ${k(r.values)}  naive ${k(r.naive)}  ` +
          `loader insert ${k(r.insert)}  noop ${k(r.noop)}  update ${k(r.update)} rows/s`,
      );
    }
  } finally {
    await schema.drop();
  }
  return {
    copy_ceiling_rows_s: figure(
      'rows/s',
      r.copy,
      `COPY FROM STDIN (text) of ${total} pre-serialized rows into the empty table`,
    ),
    naive_insert_rows_s: figure(
      'rows/s',
      r.naive,
      `${sizes.naiveRows} rows, one INSERT … ON CONFLICT per row, autocommit`,
    ),
    values_batch_rows_s: figure(
      'rows/s',
      r.values,
      `${sizes.valuesRows} rows, INSERT … VALUES of 1,000 rows … ON CONFLICT, autocommit`,
    ),
    loader_insert_rows_s: figure(
      'rows/s',
      r.insert,
      `Loader.loadIntraday, ${sizes.symbols} symbols × ${sizes.bars} bars, empty table`,
    ),
    loader_noop_rows_s: figure('rows/s', r.noop, `the same ${total} rows again, unchanged`),
    loader_update_rows_s: figure(
      'rows/s',
      r.update,
      `${changed.length} rows, every price and volume changed`,
    ),
  };
}

function k(runs: number[]): string {
  return `${Math.round((runs[runs.length - 1] ?? 0) / 1000)}k`;
}

async function expectCounts(
  counts: Promise<{ inserted: number; updated: number; unchanged: number }>,
  key: 'inserted' | 'updated' | 'unchanged',
  n: number,
): Promise<void> {
  const c = await counts;
  // A benchmark of a loader that silently did something else would be worthless.
  if (c[key] !== n) throw new Error(`expected ${n} ${key}, got ${JSON.stringify(c)}`);
}

async function copyRaw(pool: pg.Pool, table: string, chunks: readonly string[]): Promise<void> {
  const client = await pool.connect();
  try {
    await pipeline(
      Readable.from(chunks),
      client.query(copyFrom(`COPY ${table} (${COLS}) FROM STDIN`)),
    );
  } finally {
    client.release();
  }
}

async function naiveInserts(
  pool: pg.Pool,
  table: string,
  rows: readonly IntradayPriceRow[],
  n: number,
): Promise<void> {
  const client = await pool.connect();
  try {
    const sql = `INSERT INTO ${table} (${COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ${CONFLICT}`;
    for (let i = 0; i < n; i++) await client.query(sql, rowValues(rows[i] as IntradayPriceRow));
  } finally {
    client.release();
  }
}

async function valuesBatches(
  pool: pg.Pool,
  table: string,
  rows: readonly IntradayPriceRow[],
  n: number,
): Promise<void> {
  const client = await pool.connect();
  const batch = 1000;
  const tuple = (j: number) =>
    `($${j * 8 + 1}, $${j * 8 + 2}, $${j * 8 + 3}, $${j * 8 + 4}, $${j * 8 + 5}, $${j * 8 + 6}, $${j * 8 + 7}, $${j * 8 + 8})`;
  const fullSql = `INSERT INTO ${table} (${COLS}) VALUES ${Array.from({ length: batch }, (_, j) => tuple(j)).join(', ')} ${CONFLICT}`;
  try {
    for (let i = 0; i < n; i += batch) {
      const size = Math.min(batch, n - i);
      const sql =
        size === batch
          ? fullSql
          : `INSERT INTO ${table} (${COLS}) VALUES ${Array.from({ length: size }, (_, j) => tuple(j)).join(', ')} ${CONFLICT}`;
      const params: string[] = [];
      for (let j = i; j < i + size; j++) params.push(...rowValues(rows[j] as IntradayPriceRow));
      await client.query(sql, params);
    }
  } finally {
    client.release();
  }
}
