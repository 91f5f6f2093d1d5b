import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../../src/errors/database-error';
import { noopLogger } from '../../../src/logger';
import type { RunContext } from '../../../src/pipeline/context';
import { retryTransient } from '../../../src/pipeline/job-runner';

const ctx = { logger: noopLogger } as unknown as RunContext;
const job = { symbol: 'IBM', dataset: 'daily' as const };

/** An attempt that fails with `errors` in turn, then succeeds. */
function attempts(...errors: unknown[]) {
  let calls = 0;
  const run = async () => {
    const error = errors[calls++];
    if (error) throw error;
    return { warnings: ['earlier warning'] };
  };
  return { run, calls: () => calls };
}

describe('retryTransient', () => {
  it('retries once after a deadlock, a serialization failure or a lost pool connection', async () => {
    for (const sqlstate of ['40P01', '40001', '57P01', '08006']) {
      const a = attempts(new DatabaseError('x', { sqlstate }));
      const out = await retryTransient(ctx, job, undefined, a.run);
      expect(a.calls(), sqlstate).toBe(2);
      expect(out.warnings[0]).toBe('earlier warning');
      expect(out.warnings[1]).toMatch(
        `retried once after a transient database error (SQLSTATE ${sqlstate})`,
      );
    }
  });

  it('retries only once', async () => {
    const a = attempts(
      new DatabaseError('x', { sqlstate: '40P01' }),
      new DatabaseError('y', { sqlstate: '40P01' }),
    );
    await expect(retryTransient(ctx, job, undefined, a.run)).rejects.toThrow('y');
    expect(a.calls()).toBe(2);
  });

  it('does not retry timeouts, a lost single client, other errors, or an aborted job', async () => {
    const cases: [unknown, AbortSignal | undefined][] = [
      [new DatabaseError('timeout', { sqlstate: '57014' }), undefined],
      [new DatabaseError('lock', { sqlstate: '55P03' }), undefined],
      [new DatabaseError('lost client', { sqlstate: '57P01', retryable: false }), undefined],
      [new Error('bug'), undefined],
      [new DatabaseError('x', { sqlstate: '40P01' }), AbortSignal.abort()],
    ];
    for (const [error, signal] of cases) {
      const a = attempts(error);
      await expect(retryTransient(ctx, job, signal, a.run)).rejects.toBe(error);
      expect(a.calls()).toBe(1);
    }
  });
});
