import { describe, expect, it } from 'vitest';
import {
  DatabaseError,
  errorCodeOf,
  isDatabaseError,
  isStockEtlError,
  RateLimitError,
  ValidationError,
} from '../../../src/errors';
import { sqlstateOf, toDatabaseError } from '../../../src/errors/database-error';

/** A driver error as pg and PGlite throw them: an Error with a SQLSTATE `code`. */
const driverError = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('errorCodeOf', () => {
  it('maps stock-etl errors, driver errors and anything else', () => {
    expect(errorCodeOf(new RateLimitError('slow down'))).toBe('RATE_LIMITED');
    expect(errorCodeOf(new ValidationError('bad'))).toBe('VALIDATION');
    expect(errorCodeOf(driverError('duplicate key', '23505'))).toBe('DATABASE');
    expect(errorCodeOf(new Error('Connection terminated unexpectedly'))).toBe('DATABASE');
    expect(errorCodeOf(new DatabaseError('x', { sqlstate: '57014' }))).toBe('DATABASE');
    expect(errorCodeOf(new Error('boom'))).toBe('INTERNAL');
    expect(errorCodeOf('a string')).toBe('INTERNAL');
    expect(errorCodeOf({ code: '23505' })).toBe('INTERNAL'); // not an Error: not trusted
    // A socket error may come from anything (an HTTP client, too): not called a database error
    // here; the adapters, which know the source, map it.
    expect(errorCodeOf(driverError('read ECONNRESET', 'ECONNRESET'))).toBe('INTERNAL');
  });
});

describe('DatabaseError', () => {
  it('is a StockEtlError with code DATABASE, the SQLSTATE and whether a retry can help', () => {
    const e = new DatabaseError('deadlock detected', { sqlstate: '40P01' });
    expect(e).toBeInstanceOf(DatabaseError);
    expect(isStockEtlError(e)).toBe(true);
    expect(isDatabaseError(e)).toBe(true);
    expect(e).toMatchObject({ code: 'DATABASE', sqlstate: '40P01', retryable: true });
    expect(e.toJSON()).toEqual({ name: 'DatabaseError', code: 'DATABASE', message: e.message });
    expect(new DatabaseError('x', { sqlstate: '40P01', retryable: false }).retryable).toBe(false);
  });

  it('calls lost connections, serialization failures and deadlocks transient; not timeouts', () => {
    const retryable = (sqlstate: string) => new DatabaseError('x', { sqlstate }).retryable;
    for (const s of ['57P01', '57P02', '57P03', '08006', '08003', '08001', '40001', '40P01']) {
      expect(retryable(s), s).toBe(true);
    }
    for (const s of ['57014', '55P03', '23505', '42P01', '22003', '25001', '55006']) {
      expect(retryable(s), s).toBe(false);
    }
  });
});

describe('toDatabaseError', () => {
  it('maps pg and PGlite errors by their SQLSTATE and keeps the driver error as cause', () => {
    const cause = driverError('canceling statement due to statement timeout', '57014');
    const e = toDatabaseError(cause);
    expect(e).toMatchObject({ code: 'DATABASE', sqlstate: '57014', retryable: false, cause });
    expect(e?.message).toBe('canceling statement due to statement timeout (SQLSTATE 57014)');
    // PGlite's DatabaseError is a class of its own with the same `code` field.
    class O extends Error {
      code = '22012';
    }
    expect(toDatabaseError(new O('division by zero'))?.sqlstate).toBe('22012');
  });

  it('maps socket errors and pg wording for a lost connection to 08xxx', () => {
    expect(toDatabaseError(driverError('write EPIPE', 'EPIPE'))?.sqlstate).toBe('08006');
    expect(toDatabaseError(driverError('read ECONNRESET', 'ECONNRESET'))?.sqlstate).toBe('08006');
    expect(toDatabaseError(driverError('connect ECONNREFUSED', 'ECONNREFUSED'))?.sqlstate).toBe(
      '08001',
    );
    expect(toDatabaseError(new Error('Connection terminated unexpectedly'))?.sqlstate).toBe(
      '08006',
    );
    expect(
      toDatabaseError(new Error('Client has encountered a connection error and is not queryable'))
        ?.sqlstate,
    ).toBe('08003');
  });

  it('says a lost single connection cannot be retried (nothing can replace it)', () => {
    const lost = driverError('terminating connection due to administrator command', '57P01');
    expect(toDatabaseError(lost, true)?.retryable).toBe(true);
    expect(toDatabaseError(lost, false)?.retryable).toBe(false);
    // A deadlock is transient on any handle: the connection is fine.
    expect(toDatabaseError(driverError('deadlock detected', '40P01'), false)?.retryable).toBe(true);
  });

  it('leaves everything else alone', () => {
    expect(toDatabaseError(new Error('boom'))).toBeUndefined();
    expect(toDatabaseError(new ValidationError('bad'))).toBeUndefined();
    expect(toDatabaseError('text')).toBeUndefined();
    const existing = new DatabaseError('x', { sqlstate: '42P01' });
    expect(toDatabaseError(existing)).toBe(existing);
  });

  it('reads the SQLSTATE of a DatabaseError, of another package copy, and of a driver error', () => {
    expect(sqlstateOf(new DatabaseError('x', { sqlstate: '23505' }))).toBe('23505');
    const foreign = Object.assign(new Error('x'), { code: 'DATABASE', sqlstate: '40001' });
    expect(sqlstateOf(foreign)).toBe('40001');
    expect(sqlstateOf(driverError('x', '55P03'))).toBe('55P03');
    expect(sqlstateOf(new Error('x'))).toBeUndefined();
    expect(sqlstateOf(null)).toBeUndefined();
  });
});
