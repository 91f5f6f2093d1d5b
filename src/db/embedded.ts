import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { DatabaseError } from '../errors/database-error';
import { ValidationError } from '../errors/validation-error';
import { DATA_DIR_LOCK_FILE, type DataDirLockWait, lockDataDir } from './data-dir-lock';
import type { EmbeddedDb } from './embedded-db';

/** Options of {@link createEmbeddedDb}. */
export interface EmbeddedDbOptions {
  /**
   * Folder for a persistent database; created when missing. Omit for an in-memory database that
   * disappears with the process. It must be a new or empty folder, or one that holds a database
   * already: a non-empty folder of other files, or a path to a file, is refused
   * ({@link ValidationError}).
   *
   * The folder is locked while the database is open (a `stock-etl.lock` file with the process
   * id, removed by `close()` and when the process exits), because two processes on one folder
   * corrupt it. A lock left by a process that no longer runs is taken over.
   */
  dataDir?: string;
  /**
   * How long to wait, in milliseconds, when another process (or another open instance in this
   * process) holds `dataDir`; `0` refuses at once. When the wait runs out, `createEmbeddedDb`
   * throws a `DatabaseError` (SQLSTATE `55006`) saying "data folder … in use by PID n".
   * @default 0
   * @example 600_000 // a cron job that may start while a backfill runs: wait up to 10 minutes
   */
  lockWaitMs?: number;
  /**
   * Called while waiting for a busy `dataDir`: when the wait starts, then about every 5 seconds
   * — for a progress line such as "data folder in use by PID 4242; waiting…".
   */
  onLockWait?: (wait: DataDirLockWait) => void;
  /** Stops waiting for a busy `dataDir` (throws `AbortedError`). */
  signal?: AbortSignal;
}

/** Files that may sit in a folder without making it "someone's data" (desktop debris). */
const HARMLESS_FILES = new Set([DATA_DIR_LOCK_FILE, '.DS_Store', 'Thumbs.db', 'desktop.ini']);

/**
 * Starts the embedded PostgreSQL (PGlite, Postgres compiled to WASM, in-process) — the default
 * that needs no server. PGlite is loaded lazily, so users of a real server never load the WASM.
 *
 * Starting an in-memory instance runs `initdb` (a few seconds); reopening a persisted `dataDir`
 * is faster. Call `db.close()` when done: it also releases the data folder's lock. The result is a
 * PGlite instance, typed as {@link EmbeddedDb}: what stock-etl promises, without PGlite's own types.
 *
 * @throws {@link ValidationError} for a `dataDir` that is a file, or a non-empty folder that is
 *   not a PostgreSQL data folder
 * @throws `DatabaseError` (SQLSTATE `55006`) when another process holds `dataDir` longer than
 *   `lockWaitMs`, or a PostgreSQL server runs on it
 * @example
 * ```ts
 * const db = await createEmbeddedDb({ dataDir: './.stock-etl' });
 * await installSchema(db);
 * ```
 */
export async function createEmbeddedDb(options: EmbeddedDbOptions = {}): Promise<EmbeddedDb> {
  const { dataDir, lockWaitMs = 0, onLockWait, signal } = options;
  if (dataDir !== undefined && (typeof dataDir !== 'string' || dataDir.trim() === '')) {
    throw new ValidationError('dataDir must be a non-empty path', { field: 'options.dataDir' });
  }
  if (!Number.isInteger(lockWaitMs) || lockWaitMs < 0) {
    throw new ValidationError(
      `lockWaitMs must be a whole number of milliseconds ≥ 0, got ${String(lockWaitMs)}`,
      { field: 'options.lockWaitMs' },
    );
  }
  const { PGlite } = await import('@electric-sql/pglite');
  // `memory://` and other PGlite URLs (`idb://` in browsers) are not folders of this machine.
  if (dataDir === undefined || /^(?!file:)[a-z]+:\/\//i.test(dataDir)) {
    const db = new PGlite(dataDir);
    await db.waitReady;
    return db;
  }
  const dir = resolve(dataDir.replace(/^file:\/\//i, ''));
  await prepareFolder(dir);
  const lock = await lockDataDir(dir, { timeoutMs: lockWaitMs, onWait: onLockWait, signal });
  let db: PGlite | undefined;
  try {
    checkContents(dir);
    db = new PGlite(dir);
    await db.waitReady;
  } catch (error) {
    await db?.close().catch(() => {});
    lock.release();
    if (error instanceof ValidationError || error instanceof DatabaseError) throw error;
    throw new DatabaseError(`Could not open the embedded database in ${dir}: ${describe(error)}`, {
      sqlstate: '58030', // io_error
      retryable: false,
      cause: error,
    });
  }
  const close = db.close.bind(db);
  Object.defineProperty(db, 'close', {
    configurable: true,
    writable: true,
    value: async () => {
      try {
        await close();
      } finally {
        lock.release();
      }
    },
  });
  return db;
}

/** Creates the folder when missing; refuses a path that is a file. */
async function prepareFolder(dir: string): Promise<void> {
  let isDirectory: boolean | undefined;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw unusable(dir, error);
  }
  if (isDirectory === false) {
    throw new ValidationError(`dataDir ${dir} is a file, not a folder: give a folder path`, {
      field: 'options.dataDir',
    });
  }
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw unusable(dir, error);
  }
}

/**
 * A folder we may initialise (empty) or open (it holds a PostgreSQL data folder, `PG_VERSION`).
 * Anything else is someone's files, and PostgreSQL's would be written among them. A folder a
 * PostgreSQL server runs on (its `postmaster.pid` names a live process) is refused too.
 */
function checkContents(dir: string): void {
  const entries = readdirSync(dir).filter((name) => !HARMLESS_FILES.has(name));
  if (entries.length === 0) return;
  if (!entries.includes('PG_VERSION')) {
    throw new ValidationError(
      `dataDir ${dir} is not empty and is not a PostgreSQL data folder (no PG_VERSION): give a new or empty folder, or the folder of an existing stock-etl database. (If an earlier first start was interrupted, delete the folder and start again.)`,
      { field: 'options.dataDir' },
    );
  }
  const serverPid = postmasterPid(dir);
  if (serverPid !== undefined) {
    throw new DatabaseError(
      `data folder ${dir} in use by PID ${serverPid}, a PostgreSQL server: connect to that server with DATABASE_URL instead of opening its files`,
      { sqlstate: '55006', retryable: false },
    );
  }
}

/** The PID of a live PostgreSQL server on `dir` (PGlite writes a placeholder -42 there). */
function postmasterPid(dir: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(
      readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '',
      10,
    );
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

function unusable(dir: string, error: unknown): ValidationError {
  return new ValidationError(`dataDir ${dir} cannot be used: ${describe(error)}`, {
    field: 'options.dataDir',
    cause: error,
  });
}

/** A readable text for anything thrown (PGlite's file errors are plain objects). */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object') {
    const { name, errno, code, message } = error as Record<string, unknown>;
    const parts = [name, code, errno === undefined ? undefined : `errno ${errno}`, message];
    const text = parts.filter((p) => p !== undefined && p !== '').join(' ');
    if (text) return text;
  }
  return String(error);
}
