import { isPgPool, toDb } from '../db/adapters';
import type { Db, DbHandle, PgPoolClientLike, PgPoolLike } from '../db/types';
import {
  advisoryUnlock,
  advisoryUnlockAll,
  randomAdvisoryKey,
  tryAdvisoryLock,
} from '../load/advisory-lock';
import type { Logger } from '../logger';

/**
 * How a process proves that its jobs are alive:
 * - `dedicated`: a `pg.Pool` — a connection of its own, checked out while jobs run, holds the lease;
 * - `session`: a `pg.Client` or PGlite — the handle's one session holds the lease (PGlite is
 *   single-process, so the leases in its session are exactly the live pipelines);
 * - `heartbeat`: no session to pin (a wrapped `Db`, a pool of one connection, `leases: false`) —
 *   the jobs' heartbeats are the only sign of life.
 * @internal
 */
export type LeaseMode = 'dedicated' | 'session' | 'heartbeat';

/** Where a lease (and the work locks of its holders) lives while held. @internal */
export interface LeaseSession {
  /** Statements here run on the lease's session. */
  readonly db: Db;
  /** The lease key (a session advisory lock). */
  readonly key: string;
  /** True once the connection broke or went back to its pool: its locks are gone. */
  lost: boolean;
  /** True once the lease was released (in session mode the session itself lives on). */
  closed: boolean;
}

/** The lease mode for the handle the user passed. @internal */
export function leaseMode(handle: DbHandle, leases: boolean): LeaseMode {
  const db = toDb(handle);
  // A `Db` the user wrapped: we cannot tell which session a statement runs on.
  if (!leases || db === handle) return 'heartbeat';
  if (db.driver === 'pglite') return 'session';
  if (isPgPool(handle)) {
    // The lease takes one connection for itself: a pool of one would leave none for the jobs.
    const max = (handle as { options?: { max?: number } }).options?.max;
    return max !== undefined && max < 2 ? 'heartbeat' : 'dedicated';
  }
  return 'session';
}

const shared = new WeakMap<object, SharedLease>();

/**
 * The one lease of this process on database handle `handle` (mode `dedicated` or `session`):
 * every pipeline on the handle shares it, so a pool gives up one connection per process, not one
 * per pipeline (several pipelines on a small pool could otherwise hold every connection as leases
 * and leave none for their jobs). @internal
 */
export function sharedLease(handle: DbHandle, mode: 'dedicated' | 'session'): SharedLease {
  let lease = shared.get(handle);
  if (!lease) {
    // Lease statements are instant: they go to the handle as given, not through a pipeline's
    // wrapping (timeouts, cancellation), which is one pipeline's and not the others'.
    lease = new SharedLease(handle, mode, toDb(handle));
    shared.set(handle, lease);
  }
  return lease;
}

/**
 * A reference-counted lease: taken when the first holder arrives, released (lock, and for a pool
 * the connection) when the last one leaves. If the lease connection breaks while held, a new
 * lease is taken at once and `onRekey` listeners move their running jobs to it. @internal
 */
export class SharedLease {
  readonly #handle: object;
  readonly #mode: 'dedicated' | 'session';
  readonly #db: Db;
  readonly #rekeyed = new Set<(session: LeaseSession) => Promise<void>>();
  #holders = 0;
  #session: Promise<LeaseSession> | undefined;
  #resolved: LeaseSession | undefined;
  #closing: Promise<void> = Promise.resolve();

  constructor(handle: object, mode: 'dedicated' | 'session', db: Db) {
    this.#handle = handle;
    this.#mode = mode;
    this.#db = db;
  }

  /** Takes a hold; resolves with the session once the lease is held. */
  async acquire(logger: Logger): Promise<LeaseSession> {
    this.#holders++;
    try {
      return await this.current(logger);
    } catch (error) {
      await this.release(logger);
      throw error;
    }
  }

  /** Gives a hold back; the last one releases the lease. */
  async release(logger: Logger): Promise<void> {
    if (--this.#holders > 0) return;
    const pending = this.#session;
    this.#session = undefined;
    this.#resolved = undefined;
    this.#closing = (async () => {
      const s = await pending?.catch(() => undefined);
      if (s)
        await this.#close(s).catch((e) =>
          logger.warn('could not release the job lease', { error: String(e) }),
        );
    })();
    await this.#closing;
  }

  /** The session holding the lease now (taken again after a lost connection). Only while held. */
  current(logger: Logger): Promise<LeaseSession> {
    if (this.#holders === 0) return Promise.reject(new Error('the job lease is not held'));
    if (!this.#session) {
      const opened = this.#closing.then(() => this.#open(logger));
      this.#session = opened;
      opened.then(
        (s) => {
          if (this.#session === opened) this.#resolved = s;
        },
        // A failure surfaces to the caller; let the next use try again.
        () => {
          if (this.#session === opened) this.#session = undefined;
        },
      );
    }
    return this.#session;
  }

  /** Calls `fn` with the new session whenever the lease had to be taken again. */
  onRekey(fn: (session: LeaseSession) => Promise<void>): () => void {
    this.#rekeyed.add(fn);
    return () => this.#rekeyed.delete(fn);
  }

  async #open(logger: Logger): Promise<LeaseSession> {
    if (this.#mode === 'session') {
      const key = await takeKey(this.#db);
      return { db: this.#db, key, lost: false, closed: false };
    }
    const client = await (this.#handle as PgPoolLike).connect();
    const db = toDb(client);
    // A checked-out pg client has no 'error' listener: without one, a terminated connection
    // would be an unhandled 'error' event that takes the host process down.
    const listener = (error: Error) => {
      if (session.lost) return;
      session.lost = true;
      session.release(error);
      this.#lost(session, error, logger);
    };
    const session: DedicatedSession = {
      db,
      key: '',
      lost: false,
      closed: false,
      release: releaseOnce(client, listener),
    };
    listen(client, 'on', listener);
    try {
      return Object.assign(session, { key: await takeKey(db) });
    } catch (error) {
      session.lost = true;
      session.release(error as Error);
      throw error;
    }
  }

  async #close(session: LeaseSession): Promise<void> {
    session.closed = true;
    if (this.#mode === 'session') {
      await advisoryUnlock(session.db, session.key);
      return;
    }
    const release = (session as DedicatedSession).release;
    if (session.lost) return;
    let failed: Error | undefined;
    try {
      // Only our own locks live on this connection: drop them all before it goes back.
      await advisoryUnlockAll(session.db);
    } catch (error) {
      failed = error as Error; // then the connection is destroyed, not pooled, locks and all
    }
    session.lost = true; // from here on, the connection may be someone else's
    release(failed);
  }

  /**
   * The lease connection broke (terminated, failover): its lock is gone, so the running jobs look
   * dead to others. Take a new lease at once and move the running jobs to it. (A sweep in the
   * moment between is the one way a live job can still be marked `STALE`; its row then keeps
   * that status — see `finishJobLog`.)
   */
  #lost(session: LeaseSession, error: unknown, logger: Logger): void {
    logger.warn('job lease connection lost; taking a new lease', { error: String(error) });
    if (this.#resolved !== session) return; // still opening (that fails), or already replaced
    this.#session = undefined;
    this.#resolved = undefined;
    if (this.#holders === 0) return;
    void (async () => {
      try {
        const next = await this.current(logger);
        for (const fn of this.#rekeyed) await fn(next);
      } catch (e) {
        logger.warn('could not take a new job lease', { error: String(e) });
      }
    })();
  }
}

/** A fresh random lease key that no other session holds. */
async function takeKey(db: Db): Promise<string> {
  // Random keys: a second try is already astronomically unlikely.
  for (let attempt = 0; attempt < 5; attempt++) {
    const key = randomAdvisoryKey();
    if (await tryAdvisoryLock(db, key)) return key;
  }
  throw new Error('could not take a job lease: every advisory lock tried was held');
}

/** A lease session on a connection checked out of a pool. */
interface DedicatedSession extends LeaseSession {
  /** Returns the connection to its pool (destroys it when given an error); once. */
  release(error?: Error): void;
}

/**
 * Gives `client` back once. A healthy connection goes back without our listener (a pooled
 * connection must not collect one per lease); a broken one keeps it, so its late errors stay handled.
 */
function releaseOnce(
  client: PgPoolClientLike,
  listener: (error: Error) => void,
): (error?: Error) => void {
  let released = false;
  return (error) => {
    if (released) return;
    released = true;
    if (!error) listen(client, 'off', listener);
    client.release(error ?? false);
  };
}

function listen(
  client: PgPoolClientLike,
  how: 'on' | 'off',
  listener: (error: Error) => void,
): void {
  const c = client as unknown as Record<
    'on' | 'off',
    ((event: 'error', fn: (error: Error) => void) => void) | undefined
  >;
  c[how]?.call(client, 'error', listener);
}
