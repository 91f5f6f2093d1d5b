import * as v from 'valibot';
import { integerFrom, oneOf, parseOptions } from '../options';

/** Every way rows can reach a table (see {@link UpsertOptions.method}). */
export const LOAD_METHODS = ['auto', 'unnest', 'copy'] as const;

/** How rows reach the table: one of {@link LOAD_METHODS}. */
export type LoadMethod = (typeof LOAD_METHODS)[number];

/** The default of {@link UpsertOptions.method}. */
export const DEFAULT_LOAD_METHOD: LoadMethod = 'auto';
/** The default of {@link UpsertOptions.batchSize}: rows per unnest statement. */
export const DEFAULT_BATCH_SIZE = 5000;
/** The default of {@link UpsertOptions.copyThreshold}: rows from which `auto` uses COPY. */
export const DEFAULT_COPY_THRESHOLD = 5000;

/**
 * How rows are written — the one declaration of the load tuning, taken by {@link LoaderOptions}
 * and by `PipelineOptions.load`.
 */
export interface UpsertOptions {
  /**
   * `unnest`: `INSERT … SELECT FROM unnest($1::text[], …)` in batches; `copy`: `COPY` into a
   * temporary staging table, then one `INSERT … SELECT`; `auto`: copy from `copyThreshold` rows.
   * @default 'auto' ({@link DEFAULT_LOAD_METHOD})
   * @example 'copy' // a backfill of years of intraday bars
   */
  method?: LoadMethod;
  /**
   * Rows per unnest statement (a positive integer).
   * @default 5000 ({@link DEFAULT_BATCH_SIZE})
   * @example 1000 // a server with a small max_stack_depth or work_mem
   */
  batchSize?: number;
  /**
   * From how many rows `auto` switches to COPY (an integer ≥ 0; 0 copies everything).
   * @default 5000 ({@link DEFAULT_COPY_THRESHOLD})
   */
  copyThreshold?: number;
}

const UpsertOptionsSchema = v.object({
  method: v.optional(oneOf(LOAD_METHODS), DEFAULT_LOAD_METHOD),
  batchSize: v.optional(integerFrom(1), DEFAULT_BATCH_SIZE),
  copyThreshold: v.optional(integerFrom(0), DEFAULT_COPY_THRESHOLD),
});

/**
 * The load tuning with defaults applied, checked.
 * @param prefix - how the caller names the object, e.g. `options` or `options.load`
 * @throws ValidationError naming the option, e.g. `options.load.batchSize`
 * @internal
 */
export function resolveUpsertOptions(
  options: UpsertOptions | undefined,
  prefix: string,
): Required<UpsertOptions> {
  const { method, batchSize, copyThreshold } = options ?? {};
  return parseOptions(UpsertOptionsSchema, { method, batchSize, copyThreshold }, prefix);
}
