import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors/validation-error';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_COPY_THRESHOLD,
  DEFAULT_LOAD_METHOD,
  resolveUpsertOptions,
} from '../../../src/load/load-options';
import { Loader } from '../../../src/load/loader';
import { resolveStages } from '../../../src/pipeline/stages';

// Enough of a PGlite for the constructors, which only wrap the handle.
const db = { query: async () => ({ rows: [] }), exec: async () => [] };

function thrown(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('did not throw');
}

describe('load options', () => {
  it('applies the DEFAULT_* constants', () => {
    expect(resolveUpsertOptions(undefined, 'options')).toEqual({
      method: DEFAULT_LOAD_METHOD,
      batchSize: DEFAULT_BATCH_SIZE,
      copyThreshold: DEFAULT_COPY_THRESHOLD,
    });
    expect(resolveUpsertOptions({ method: 'copy', copyThreshold: 0 }, 'options')).toEqual({
      method: 'copy',
      batchSize: DEFAULT_BATCH_SIZE,
      copyThreshold: 0,
    });
  });

  it('names the option and carries valibot issues', () => {
    const error = thrown(() => resolveUpsertOptions({ batchSize: 0 }, 'options.load'));
    expect(error.field).toBe('options.load.batchSize');
    expect(error.message).toBe('options.load.batchSize must be a positive integer, got 0');
    expect(error.issues?.length).toBe(1);
    const method = thrown(() => resolveUpsertOptions({ method: 'bulk' as never }, 'options'));
    expect(method.field).toBe('options.method');
    expect(method.message).toContain('must be one of "auto", "unnest", "copy"');
    expect(thrown(() => resolveUpsertOptions({ copyThreshold: 1.5 }, 'o')).field).toBe(
      'o.copyThreshold',
    );
  });

  it('is checked by new Loader and by the pipeline default loader', () => {
    expect(thrown(() => new Loader({ db, batchSize: -1 })).field).toBe('options.batchSize');
    expect(new Loader({ db, method: 'unnest' })).toBeInstanceOf(Loader);
    const env = { db: db as never, schema: 'stock_etl', calendar: {} as never, clock: {} as never };
    expect(thrown(() => resolveStages({ load: { batchSize: 2.5 } }, env)).field).toBe(
      'options.load.batchSize',
    );
  });
});
