import type { MarketCalendar } from '../calendar';
import type { Clock } from '../clock';
import type { Db } from '../db/types';
import { ValidationError } from '../errors/validation-error';
import { resolveUpsertOptions, type UpsertOptions } from '../load/load-options';
import { Loader } from '../load/loader';
import type { RejectPolicy } from '../transform/context';
import type { TransformSteps } from '../transform/steps';
import { Transformer } from '../transform/transformer';

/** The stage options of a Pipeline, as given. @internal */
export interface StageOptions {
  schema?: string;
  rejectPolicy?: RejectPolicy;
  transformer?: Transformer;
  steps?: TransformSteps;
  loader?: Loader;
  load?: UpsertOptions;
}

/**
 * The schema a pipeline writes to: `schema`, else the given loader's, else the default. A loader
 * writing to another schema than the pipeline's watermarks and job logs would split one job's
 * writes across two schemas: refused. @internal
 */
export function stageSchema(options: StageOptions, fallback: string): string {
  const loader = options.loader;
  if (loader === undefined) return options.schema ?? fallback;
  if (loader === null || typeof loader.load !== 'function') {
    throw new ValidationError('options.loader must be a Loader (or a subclass of it)', {
      field: 'options.loader',
    });
  }
  if (options.schema !== undefined && options.schema !== loader.schema) {
    throw new ValidationError(
      `options.schema "${options.schema}" differs from options.loader's schema "${loader.schema}": a job's rows, watermark and log must share one schema`,
      { field: 'options.schema' },
    );
  }
  return loader.schema;
}

/**
 * The transform and load stages of a pipeline: the ones given, or defaults built from the
 * pipeline's options (as before stages could be passed). Options that belong to a stage given
 * ready-made are refused rather than silently ignored. @internal
 */
export function resolveStages(
  options: StageOptions,
  env: { db: Db; schema: string; calendar: MarketCalendar; clock: Clock },
): { transformer: Transformer; loader: Loader } {
  let transformer = options.transformer;
  if (transformer === undefined) {
    transformer = new Transformer({
      ...(options.rejectPolicy === undefined ? {} : { rejectPolicy: options.rejectPolicy }),
      ...(options.steps === undefined ? {} : { steps: options.steps }),
      calendar: env.calendar,
      clock: env.clock,
    });
  } else {
    if (transformer === null || typeof transformer.daily !== 'function') {
      throw new ValidationError('options.transformer must be a Transformer', {
        field: 'options.transformer',
      });
    }
    if (options.steps !== undefined) {
      throw new ValidationError(
        'options.steps cannot be combined with options.transformer: pass the steps to the Transformer',
        { field: 'options.steps' },
      );
    }
    if (options.rejectPolicy !== undefined && options.rejectPolicy !== transformer.rejectPolicy) {
      throw new ValidationError(
        `options.rejectPolicy "${options.rejectPolicy}" differs from options.transformer's "${transformer.rejectPolicy}": set it on the Transformer`,
        { field: 'options.rejectPolicy' },
      );
    }
  }
  let loader = options.loader;
  if (loader === undefined) {
    const tuning = resolveUpsertOptions(options.load, 'options.load');
    loader = new Loader({ db: env.db, schema: env.schema, ...tuning });
  } else if (options.load !== undefined) {
    throw new ValidationError(
      'options.load cannot be combined with options.loader: pass the tuning to the Loader',
      { field: 'options.load' },
    );
  }
  return { transformer, loader };
}
