import type { Clock } from '../clock';
import { AbortedError, throwIfAborted } from '../errors/aborted-error';
import { advisoryKey, advisoryUnlock, tryAdvisoryLock } from '../load/advisory-lock';
import type { JobLease } from './lease';

/**
 * Locks that keep identical work from running twice at once: one per (schema, job kind, symbol,
 * dataset[, month]). Two layers:
 * - in this process, a FIFO queue per database handle and key (session advisory locks are
 *   re-entrant, so two pipelines sharing one session — a `pg.Client`, PGlite — would not exclude
 *   each other through them; PGlite is single-process, so this layer alone is complete there);
 * - across processes, a session advisory lock on the pipeline's lease session, polled with
 *   `pg_try_advisory_lock` (never a blocking wait on a shared connection: two processes waiting
 *   for each other's locks in one queue could deadlock). Heartbeat mode has no session to hold
 *   it, so there only the first layer applies.
 * @internal
 */

/** Ends a hold taken with {@link lockWork}; safe to call twice; never throws. @internal */
export type WorkUnlock = () => Promise<void>;

const queues = new WeakMap<object, Map<string, Promise<void>>>();

/** Longest pause between two tries for a lock another process holds. */
const MAX_POLL_MS = 500;

/**
 * Waits until this pipeline holds work lock `parts` (in this process and across processes).
 * `onWait` is called once if it had to wait. Aborting `signal` stops the wait with
 * {@link AbortedError}.
 * @internal
 */
export async function lockWork(
  scope: { handle: object; lease: JobLease; clock: Clock; q: string },
  parts: readonly string[],
  signal: AbortSignal | undefined,
  onWait?: () => void,
): Promise<WorkUnlock> {
  const key = advisoryKey('stock-etl work', scope.q, ...parts);
  let waited = false;
  const wait = () => {
    if (!waited) onWait?.();
    waited = true;
  };
  const releaseLocal = await queueLocal(scope.handle, key, signal, wait);
  try {
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(signal, 'job');
      const session = await scope.lease.session();
      if (!session) return once(async () => releaseLocal()); // heartbeat mode
      if (await tryAdvisoryLock(session.db, key)) {
        return once(async () => {
          try {
            if (!session.lost) await advisoryUnlock(session.db, key);
          } catch {
            // The lock went with a broken connection, or goes when the lease is released.
          } finally {
            releaseLocal();
          }
        });
      }
      wait();
      await scope.clock.sleep(Math.min(MAX_POLL_MS, 20 * 2 ** attempt), signal);
    }
  } catch (error) {
    releaseLocal();
    throw error;
  }
}

async function queueLocal(
  handle: object,
  key: string,
  signal: AbortSignal | undefined,
  onWait: () => void,
): Promise<() => void> {
  throwIfAborted(signal, 'job');
  let byKey = queues.get(handle);
  if (!byKey) {
    byKey = new Map();
    queues.set(handle, byKey);
  }
  const before = byKey.get(key);
  let release!: () => void;
  const mine = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = (before ?? Promise.resolve()).then(() => mine);
  byKey.set(key, tail);
  const done = () => {
    release();
    if (byKey.get(key) === tail) byKey.delete(key);
  };
  if (!before) return done;
  onWait();
  try {
    await abortable(before, signal);
  } catch (error) {
    // Keep our place in the queue consistent: hand over as soon as the one before us is done.
    void before.then(done);
    throw error;
  }
  return done;
}

function abortable(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  return new Promise<void>((resolve, reject) => {
    const onAbort = () =>
      reject(new AbortedError('The job was aborted while waiting', { cause: signal.reason }));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

function once(fn: () => Promise<void>): WorkUnlock {
  let done: Promise<void> | undefined;
  return () => {
    done ??= fn();
    return done;
  };
}
