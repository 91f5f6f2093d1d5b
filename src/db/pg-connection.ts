/**
 * The state stock-etl keeps per pg connection (a `pg.Client` or a client checked out of a pool):
 * the queue of its operations, the error listener it holds while it works, whether the connection
 * is lost, and — for a client the host shares with us — the hold on the host's statements.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DatabaseError, isConnectionLostSqlstate, toDatabaseError } from '../errors/database-error';
import { sendCancelRequest } from './cancel';
import type { PgClientLike } from './types';

/** What the adapter reads of a `pg.Client` beyond {@link PgClientLike}; all optional. */
interface PgClientInternals {
  on?(event: 'error', listener: (error: Error) => void): unknown;
  removeListener?(event: 'error', listener: (error: Error) => void): unknown;
  getTransactionStatus?(): string | null;
  processID?: number | null;
  secretKey?: number | null;
  host?: string;
  port?: number;
}

/** A connection as the adapter sees it. @internal */
export interface PgConnection {
  readonly client: PgClientLike & PgClientInternals;
  /**
   * True for a client the host passed as `db`: the host may send its own statements on it, and
   * the library can never replace it. False for a client the library checked out of a pool.
   */
  shared: boolean;
  /** Operations (the library's, and the host's held ones) queued or running. */
  pending: number;
  tail: Promise<unknown>;
  /** Set once the connection is gone; every later operation fails with it at once. */
  lost: DatabaseError | undefined;
  /** The connection may be left inside a transaction: a pool must not get it back. */
  broken: boolean;
  /** A cancel request in flight: statements wait for it, so it cannot hit the next one. */
  cancelling: Promise<void> | undefined;
  /** The driver's own `query` while the hold is installed. */
  driverQuery: PgClientLike['query'] | undefined;
  /** An own `query` property the client had before the hold (restored after it). */
  ownQuery: PropertyDescriptor | undefined;
  onError: (error: Error) => void;
}

const connections = new WeakMap<object, PgConnection>();

/** The state of `client`, created on first use. @internal */
export function connectionOf(client: PgClientLike, shared: boolean): PgConnection {
  let conn = connections.get(client);
  if (!conn) {
    const created: PgConnection = {
      client: client as PgConnection['client'],
      shared,
      pending: 0,
      tail: Promise.resolve(),
      lost: undefined,
      broken: false,
      cancelling: undefined,
      driverQuery: undefined,
      ownQuery: undefined,
      // Without a listener, pg's 'error' event (a terminated backend, a reset socket) would be
      // thrown as an uncaught exception and take the host process down.
      onError: (error) => markLost(created, error),
    };
    conn = created;
    connections.set(client, conn);
  }
  conn.shared = shared;
  return conn;
}

/** Records that the connection is gone (the first reason wins). @internal */
export function markLost(conn: PgConnection, error: unknown): DatabaseError {
  if (conn.lost) return conn.lost;
  const mapped =
    toDatabaseError(error, !conn.shared) ??
    new DatabaseError(`The database connection was lost: ${String(error)}`, {
      sqlstate: '08006',
      retryable: !conn.shared,
      cause: error,
    });
  conn.lost = conn.shared
    ? new DatabaseError(
        `${mapped.message}; the pg.Client passed as db cannot be used again: connect a new client, or pass a pg.Pool (which replaces lost connections)`,
        { sqlstate: mapped.sqlstate, retryable: false, cause: mapped.cause },
      )
    : mapped;
  return conn.lost;
}

/** Starts listening for the connection's errors (counted; see {@link unwatch}). @internal */
export function watch(conn: PgConnection): void {
  if (conn.pending++ > 0) return;
  conn.client.on?.('error', conn.onError);
  if (conn.shared) installHold(conn);
}

/**
 * Stops listening once nothing is pending. A lost connection keeps the listener: a dead socket
 * may still report errors, and nobody else may be listening. @internal
 */
export function unwatch(conn: PgConnection): void {
  if (--conn.pending > 0) return;
  removeHold(conn);
  if (!conn.lost) conn.client.removeListener?.('error', conn.onError);
}

/**
 * Runs `fn` after every operation queued before it on this connection. A connection runs one
 * transaction at a time; a statement sent while another caller's transaction is open would run
 * inside it. @internal
 */
export function enqueue<T>(conn: PgConnection, fn: () => Promise<T>): Promise<T> {
  watch(conn);
  const run = conn.tail.then(fn, fn);
  conn.tail = run.catch(() => undefined);
  const done = () => unwatch(conn);
  run.then(done, done);
  return run;
}

/** Calls the driver's `query` (past the hold, which only the host's calls go through). @internal */
export function driverQuery(conn: PgConnection, ...args: unknown[]): unknown {
  const query = (conn.driverQuery ?? conn.client.query) as (...a: unknown[]) => unknown;
  return query.apply(conn.client, args);
}

/**
 * Runs one driver call: fails at once on a lost connection, waits for a cancel request in flight,
 * and turns driver errors into {@link DatabaseError} (a lost connection is remembered). @internal
 */
export async function driverCall<T>(conn: PgConnection, op: () => Promise<T>): Promise<T> {
  if (conn.lost) throw conn.lost;
  if (conn.cancelling) await conn.cancelling;
  try {
    return await op();
  } catch (error) {
    if (conn.lost) throw conn.lost; // "not queryable" says less than why it broke
    const mapped = toDatabaseError(error, !conn.shared);
    if (mapped && isConnectionLostSqlstate(mapped.sqlstate)) {
      throw markLost(conn, error);
    }
    throw mapped ?? error;
  }
}

/**
 * Cancels the statement the connection's backend is running, with a protocol cancel request.
 * Later statements on the connection wait until the server has taken it. @internal
 */
export function cancelStatement(conn: PgConnection): void {
  const { client } = conn;
  const processID = client.processID;
  const secretKey = client.secretKey;
  const host = client.host;
  const port = client.port;
  if (typeof processID !== 'number' || typeof secretKey !== 'number' || !host || !port) return;
  const sent = sendCancelRequest({ host, port: Number(port), processID, secretKey });
  conn.cancelling = sent.then(() => {
    if (conn.cancelling === sent) conn.cancelling = undefined;
  });
}

/** True when the connection sits inside a transaction (pg reports it after every statement). */
export function inTransaction(conn: PgConnection): boolean {
  const status = conn.client.getTransactionStatus?.();
  return status === 'T' || status === 'E';
}

/** The library transaction (if any) whose callback the current code runs in. */
const insideTransaction = new AsyncLocalStorage<{ conn: PgConnection; open: boolean }>();

/**
 * Runs a top-level transaction's callback so that code it calls — the host's own, e.g. a
 * `client.query` written inside `db.transaction(async (tx) => …)` — is known to belong to it.
 * @internal
 */
export async function withinTransaction<T>(conn: PgConnection, fn: () => Promise<T>): Promise<T> {
  const marker = { conn, open: true };
  try {
    return await insideTransaction.run(marker, fn);
  } finally {
    marker.open = false; // a task it started and that outlives it is outside again
  }
}

/**
 * While the library works on a client the host shares with it, the host's own statements wait
 * until that work is done instead of running inside the library's transaction (and being rolled
 * back with it). Statements sent from inside a transaction's own callback are part of it and go
 * straight through (holding them would deadlock). Installed as an own `query` property of the
 * client, removed when idle.
 */
function installHold(conn: PgConnection): void {
  const client = conn.client as unknown as Record<string, unknown>;
  const original = conn.client.query;
  conn.driverQuery = original;
  conn.ownQuery = Object.getOwnPropertyDescriptor(client, 'query');
  const held = (...args: unknown[]): unknown => {
    const here = insideTransaction.getStore();
    if (here?.open && here.conn === conn) {
      return (original as (...a: unknown[]) => unknown).apply(conn.client, args);
    }
    const first = args[0] as { submit?: unknown; callback?: unknown } | undefined;
    const submittable = typeof first?.submit === 'function';
    if (submittable || args.some((a) => typeof a === 'function') || first?.callback) {
      // Callback and submittable forms answer through their own channel: queue the call itself.
      void enqueue(conn, async () => {
        (original as (...a: unknown[]) => unknown).apply(conn.client, args);
      });
      return submittable ? first : undefined;
    }
    return enqueue(conn, () =>
      Promise.resolve((original as (...a: unknown[]) => unknown).apply(conn.client, args)),
    );
  };
  Object.defineProperty(client, 'query', { value: held, configurable: true, writable: true });
  Object.defineProperty(client, HOLD, { value: held, configurable: true });
}

const HOLD = Symbol('stock-etl.hold');

function removeHold(conn: PgConnection): void {
  const client = conn.client as unknown as Record<string | symbol, unknown>;
  const held = client[HOLD];
  if (!held) return;
  delete client[HOLD];
  // Only undo our own property: if someone replaced `query` meanwhile, theirs stays.
  if (client.query === held) {
    if (conn.ownQuery) Object.defineProperty(client, 'query', conn.ownQuery);
    else delete client.query;
  }
  conn.driverQuery = undefined;
  conn.ownQuery = undefined;
}
