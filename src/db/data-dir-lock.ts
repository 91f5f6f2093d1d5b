/**
 * An exclusive lock on an embedded database's data folder. PGlite is PostgreSQL in one process:
 * two processes (or two instances in one process) on one folder each cache pages the other
 * overwrites, and the folder ends up corrupt. The lock is a file in the folder holding the
 * owner's PID; a lock whose process is gone (killed, crashed) is stale and is taken over.
 */
import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { throwIfAborted } from '../errors/aborted-error';
import { DatabaseError } from '../errors/database-error';

/** Name of the lock file inside the data folder. @internal */
export const DATA_DIR_LOCK_FILE = 'stock-etl.lock';

/** Who holds a data folder. */
export interface DataDirLockHolder {
  /** Process id of the holder. */
  pid: number;
  /** Host the holder runs on (a PID is only checked on this host). */
  hostname: string;
  /** When it took the lock (ISO 8601). */
  since: string;
}

/** What `onLockWait` is told while a process waits for a busy data folder. */
export interface DataDirLockWait {
  /** The data folder (absolute path). */
  dataDir: string;
  /** The process holding it. */
  holder: DataDirLockHolder;
  /** How long this process has waited so far, in milliseconds. */
  waitedMs: number;
  /** How long it will wait in all, in milliseconds. */
  timeoutMs: number;
}

/** A held lock. @internal */
export interface DataDirLock {
  /** Removes the lock file (when it is still ours). Idempotent. */
  release(): void;
}

/** How often a waiting process looks at the lock again, and reports that it still waits. */
const POLL_MS = 100;
const REPORT_EVERY_MS = 5_000;
/** A lock file that cannot be read as JSON this long after it was written is debris of a crash. */
const UNREADABLE_STALE_MS = 5_000;

interface LockContent extends DataDirLockHolder {
  token: string;
}

/**
 * Takes the data folder's lock, waiting up to `timeoutMs` for its holder to let go (reporting
 * through `onWait` at once and then every 5 s). A lock left by a process that no longer runs is
 * taken over. Throws {@link DatabaseError} (SQLSTATE `55006`, object in use) naming the holder's
 * PID when the folder stays busy.
 * @internal
 */
export async function lockDataDir(
  dataDir: string,
  options: {
    timeoutMs: number;
    onWait?: ((wait: DataDirLockWait) => void) | undefined;
    signal?: AbortSignal | undefined;
  },
): Promise<DataDirLock> {
  const path = join(dataDir, DATA_DIR_LOCK_FILE);
  const mine: LockContent = {
    pid: process.pid,
    hostname: hostname(),
    since: new Date().toISOString(),
    token: randomUUID(),
  };
  const started = Date.now();
  let reported = -Infinity;
  for (;;) {
    throwIfAborted(options.signal, 'wait for the data folder');
    if (tryCreate(path, mine)) break;
    const held = readLock(path);
    if (held === 'gone') continue;
    if (held === 'stale') {
      takeOver(path, (moved) => typeof moved !== 'object');
      continue;
    }
    if (isStale(held)) {
      takeOver(path, (moved) => typeof moved === 'object' && moved.token === held.token);
      continue;
    }
    const waitedMs = Date.now() - started;
    if (waitedMs >= options.timeoutMs) throw inUse(dataDir, held, waitedMs);
    if (waitedMs - reported >= REPORT_EVERY_MS) {
      reported = waitedMs;
      options.onWait?.({ dataDir, holder: holderOf(held), waitedMs, timeoutMs: options.timeoutMs });
    }
    // An abort ends the sleep early; the loop's first line reports it.
    const pause = Math.max(0, Math.min(POLL_MS, options.timeoutMs - waitedMs));
    await sleep(pause, undefined, { signal: options.signal }).catch(() => {});
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    const held = readLock(path);
    if (typeof held === 'object' && held.token === mine.token) {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    }
  };
  // A process that ends without closing the database still frees the folder. (A killed one
  // cannot; its lock is stale, and the next process takes it over.)
  process.on('exit', release);
  return { release };
}

function tryCreate(path: string, content: LockContent): boolean {
  try {
    writeFileSync(path, `${JSON.stringify(content)}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The lock's content; `gone` when it vanished meanwhile; `stale` when it is unreadable debris. */
function readLock(path: string): LockContent | 'gone' | 'stale' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockContent>;
    if (typeof parsed.pid === 'number' && typeof parsed.token === 'string') {
      return {
        pid: parsed.pid,
        token: parsed.token,
        hostname: String(parsed.hostname ?? ''),
        since: String(parsed.since ?? ''),
      };
    }
  } catch {
    // judged below
  }
  // Being written right now (a reader can see the file before its content), or left half
  // written by a crash: only the age tells.
  try {
    return Date.now() - statSync(path).mtimeMs > UNREADABLE_STALE_MS ? 'stale' : 'gone';
  } catch {
    return 'gone';
  }
}

/** A lock of this host whose process is gone. A lock of another host is never judged stale. */
function isStale(held: LockContent): boolean {
  if (held.hostname !== hostname()) return false;
  try {
    process.kill(held.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes a stale lock so the next `tryCreate` can win. Moving it aside first (an atomic rename)
 * and checking what was moved keeps two processes that both found it stale from removing each
 * other's fresh lock: whoever moved a live lock puts it back.
 */
function takeOver(
  path: string,
  isTheStaleOne: (moved: ReturnType<typeof readLock>) => boolean,
): void {
  const aside = `${path}.${process.pid}.${randomUUID()}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else took it
    throw error;
  }
  if (!isTheStaleOne(readLock(aside))) {
    try {
      linkSync(aside, path); // a fresh lock of a process that won the race: put it back
    } catch {
      // a third process holds it by now; its lock stands
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

function holderOf(held: LockContent): DataDirLockHolder {
  return { pid: held.pid, hostname: held.hostname, since: held.since };
}

function inUse(dataDir: string, held: LockContent, waitedMs: number): DatabaseError {
  const who = held.pid === process.pid ? `PID ${held.pid} (this process)` : `PID ${held.pid}`;
  const where = held.hostname && held.hostname !== hostname() ? ` on ${held.hostname}` : '';
  const waited = waitedMs > 0 ? ` (waited ${Math.round(waitedMs / 1000)} s)` : '';
  return new DatabaseError(
    `data folder ${dataDir} in use by ${who}${where}${waited}: an embedded database serves one process at a time; close the other one first`,
    { sqlstate: '55006', retryable: false },
  );
}
