import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/types';

/**
 * Session-level advisory locks: job leases and the locks that keep two processes from doing the
 * same work. Keys are signed 64-bit integers carried as decimal strings (a JS number cannot hold
 * them); every lock is taken with the one-argument (bigint) form, so a key is one `pg_locks` row
 * with `objsubid = 1`, `classid` = high 32 bits and `objid` = low 32 bits.
 */

/** A 64-bit key derived from `parts` (SHA-256), as a decimal string. @internal */
export function advisoryKey(...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return digest.readBigInt64BE(0).toString();
}

/**
 * A random positive key of 53 bits (a lease must never collide with a dead owner's key; 2^-53 per
 * pair is never). Kept within JavaScript's safe integers, because the key is stored in job rows and
 * drivers that return such a `bigint` as a number (PGlite) keep rows JSON-serialisable. @internal
 */
export function randomAdvisoryKey(): string {
  const n = randomBytes(8).readBigUInt64BE(0) & ((1n << 53n) - 1n);
  return (n === 0n ? 1n : n).toString();
}

/** Takes session lock `key` if free; never waits. True when this session now holds it. @internal */
export async function tryAdvisoryLock(db: Db, key: string): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>(
    'SELECT pg_try_advisory_lock($1::bigint) AS ok',
    [key],
  );
  return rows[0]?.ok === true;
}

/** Releases one hold of session lock `key`. @internal */
export async function advisoryUnlock(db: Db, key: string): Promise<void> {
  await db.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
}

/** Releases every session advisory lock of the session (only for a connection of our own). @internal */
export async function advisoryUnlockAll(db: Db): Promise<void> {
  await db.query('SELECT pg_advisory_unlock_all()');
}

/**
 * SQL subquery: the bigint keys of every advisory lock granted to any session of this database.
 * `pg_locks` is readable by every role, and it includes the reading session's own locks (which a
 * `pg_try_advisory_lock` probe would not reveal: session locks are re-entrant). @internal
 */
export const HELD_ADVISORY_KEYS = `SELECT (l.classid::int8 << 32) | l.objid::int8
    FROM pg_catalog.pg_locks l
   WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted
     AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = current_database())`;
