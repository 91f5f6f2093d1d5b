import type { PGlite } from '@electric-sql/pglite';
import { ValidationError } from '../errors/validation-error';

/** Options of {@link createEmbeddedDb}. */
export interface EmbeddedDbOptions {
  /**
   * Folder for a persistent database; created when missing. Omit for an in-memory database that
   * disappears with the process.
   */
  dataDir?: string;
}

/**
 * Starts the embedded PostgreSQL (PGlite, Postgres compiled to WASM, in-process) — the default
 * that needs no server. PGlite is loaded lazily, so users of a real server never load the WASM.
 *
 * Starting an in-memory instance runs `initdb` (a few seconds); reopening a persisted `dataDir`
 * is faster. Call `db.close()` when done.
 *
 * @example
 * ```ts
 * const db = await createEmbeddedDb({ dataDir: './.stock-etl' });
 * await installSchema(db);
 * ```
 */
export async function createEmbeddedDb(options: EmbeddedDbOptions = {}): Promise<PGlite> {
  const { dataDir } = options;
  if (dataDir !== undefined && (typeof dataDir !== 'string' || dataDir.trim() === '')) {
    throw new ValidationError('dataDir must be a non-empty path', { field: 'options.dataDir' });
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite(dataDir);
  await db.waitReady;
  return db;
}
