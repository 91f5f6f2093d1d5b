import { ValidationError } from '../errors/validation-error';
import { clientDb, poolDb } from './pg-client';
import { pgliteDb } from './pglite-db';
import { isBranded } from './transaction';
import type { Db, DbHandle, PgClientLike, PgliteLike, PgPoolLike } from './types';

/**
 * Wraps what the user passed as `db` — a `pg.Pool`, `pg.Client`, `pg.PoolClient` or PGlite
 * instance — in the internal {@link Db} interface. An already wrapped `Db` is returned as is.
 * Throws {@link ValidationError} for anything else.
 *
 * Every driver error comes out as a `DatabaseError` (code `DATABASE`, with the SQLSTATE). A
 * connection that breaks while the library holds it never crashes the process: the operation
 * fails, a pool's client is discarded (the pool opens a new one), and a single client is
 * reported lost on every later use.
 */
export function toDb(handle: DbHandle): Db {
  if (handle === null || typeof handle !== 'object') {
    throw new ValidationError('db must be a pg.Pool, pg.Client or PGlite instance', {
      field: 'db',
    });
  }
  if (isBranded(handle) || isDbShaped(handle)) return handle as Db;
  if (isPglite(handle)) return pgliteDb(handle, 0);
  if (isPgPool(handle)) return poolDb(handle);
  if (typeof (handle as PgClientLike).query === 'function') {
    return clientDb(handle as PgClientLike, true);
  }
  throw new ValidationError('db must be a pg.Pool, pg.Client or PGlite instance', {
    field: 'db',
  });
}

/** Something that already implements {@link Db} (e.g. a wrapper a user built around one). */
function isDbShaped(handle: object): boolean {
  const h = handle as Partial<Db>;
  return (
    (h.driver === 'pg' || h.driver === 'pglite') &&
    typeof h.transaction === 'function' &&
    typeof h.copyFrom === 'function' &&
    typeof h.exec === 'function' &&
    typeof h.query === 'function'
  );
}

function isPglite(handle: object): handle is PgliteLike {
  const h = handle as Partial<PgliteLike> & { waitReady?: unknown; transaction?: unknown };
  return (
    typeof h.exec === 'function' &&
    typeof h.query === 'function' &&
    // PGlite has `waitReady`; a PGlite transaction object has `rollback` and `exec` but no `connect`.
    ('waitReady' in h || typeof (h as { rollback?: unknown }).rollback === 'function') &&
    typeof (h as { connect?: unknown }).connect !== 'function'
  );
}

/** True for a `pg.Pool` (a pool of connections, not one session). @internal */
export function isPgPool(handle: object): handle is PgPoolLike {
  return (
    typeof (handle as PgPoolLike).connect === 'function' &&
    typeof (handle as { totalCount?: unknown }).totalCount === 'number'
  );
}
