import { describe, expect, it } from 'vitest';
import { errorCodeOf, RateLimitError, ValidationError } from '../../../src/errors';

describe('errorCodeOf', () => {
  it('maps stock-etl errors, driver errors and anything else', () => {
    expect(errorCodeOf(new RateLimitError('slow down'))).toBe('RATE_LIMITED');
    expect(errorCodeOf(new ValidationError('bad'))).toBe('VALIDATION');
    expect(errorCodeOf(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(
      'DB_23505',
    );
    expect(errorCodeOf(new Error('boom'))).toBe('INTERNAL');
    expect(errorCodeOf('a string')).toBe('INTERNAL');
    expect(errorCodeOf({ code: '23505' })).toBe('INTERNAL'); // not an Error: not trusted
  });
});
