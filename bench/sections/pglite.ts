/**
 * The Loader on embedded PostgreSQL (PGlite, WASM, in-process), for users who choose it over a
 * server. Single-threaded and in the same process as the caller, so expect a fraction of a real
 * server's throughput.
 */
import { createEmbeddedDb } from '../../src/db';
import { Loader } from '../../src/load';
import { freshSchema } from '../lib/db';
import { makeIntradayRows } from '../lib/rows';
import { type Figure, figure, rate, seconds } from '../lib/stats';

/** Sizes of the PGlite section. */
export interface PgliteSizes {
  /** Symbols × bars loaded per run. */
  symbols: number;
  /** Bars per symbol. */
  bars: number;
  /** Runs. */
  runs: number;
}

/** Runs the section. */
export async function benchPglite(
  sizes: PgliteSizes,
  log: (line: string) => void,
): Promise<Record<string, Figure>> {
  const db = await createEmbeddedDb();
  const rows = makeIntradayRows(sizes.symbols, sizes.bars);
  const insert: number[] = [];
  const noop: number[] = [];
  try {
    const schema = await freshSchema(db);
    const loader = new Loader({ db, schema: schema.name });
    for (let run = 0; run < sizes.runs; run++) {
      await db.exec(`TRUNCATE ${schema.intraday}`);
      let counts = { inserted: 0, updated: 0, unchanged: 0 };
      insert.push(
        rate(
          rows.length,
          await seconds(async () => {
            counts = await loader.loadIntraday(rows);
          }),
        ),
      );
      if (counts.inserted !== rows.length) throw new Error(`PGlite inserted ${counts.inserted}`);
      noop.push(rate(rows.length, await seconds(() => loader.loadIntraday(rows))));
      log(
        `  pglite run ${run + 1}/${sizes.runs}: insert ${Math.round((insert[run] ?? 0) / 1000)}k rows/s, ` +
          `no-op ${Math.round((noop[run] ?? 0) / 1000)}k rows/s`,
      );
    }
  } finally {
    await db.close();
  }
  return {
    pglite_loader_insert_rows_s: figure(
      'rows/s',
      insert,
      `Loader.loadIntraday on in-memory PGlite, ${rows.length} rows, empty table`,
    ),
    pglite_loader_noop_rows_s: figure(
      'rows/s',
      noop,
      `the same ${rows.length} rows again, unchanged`,
    ),
  };
}
