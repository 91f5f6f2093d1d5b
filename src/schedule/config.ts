import * as v from 'valibot';
import { MarketCalendar } from '../calendar';
import { ValidationError } from '../errors/validation-error';
import { NEW_YORK, zoneOffsetMinutes } from '../time/zone';
import {
  DEFAULT_JOB_NAMES,
  type DefaultJobOverrides,
  type DefaultJobsOptions,
  defaultScheduleJobs,
} from './defaults';
import { resolveJobs } from './resolve';
import { MARKET_CONDITIONS, type ScheduleJob } from './types';

/** A job's fields in the file; `false` (checked separately) drops a built-in job. */
const JobConfig = v.strictObject({
  cron: v.optional(v.string()),
  when: v.optional(v.picklist(MARKET_CONDITIONS)),
  extendedHours: v.optional(v.boolean()),
  datasets: v.optional(v.array(v.string())),
  outputsize: v.optional(v.picklist(['compact', 'full'])),
  symbols: v.optional(v.array(v.string())),
  health: v.optional(v.boolean()),
});

const Config = v.strictObject({
  $schema: v.optional(v.string()),
  symbols: v.optional(v.array(v.string())),
  jobs: v.optional(v.record(v.string(), v.unknown())),
});

/** valibot's result as a ValidationError naming the field (`jobs.daily.cron`). */
function check<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  prefix: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = [prefix, v.getDotPath(issue)].filter(Boolean).join('.') || '(top level)';
  // A strict object reports an unknown field as "Expected never"; say it plainly.
  const message = issue.expected === 'never' ? 'unknown field' : issue.message;
  throw new ValidationError(`schedule config: ${path}: ${message}`, {
    field: path,
    issues: result.issues,
  });
}

/** A schedule config file's content, as `stock-etl schedule --config` reads it. */
export interface ScheduleConfig {
  /** Symbols of the dataset jobs (the command line's symbols win). */
  symbols?: string[];
  /** The jobs: the built-in ones with the file's changes, then the file's own jobs. */
  jobs: ScheduleJob[];
}

/**
 * Reads a schedule config (the parsed JSON of e.g. `stock-etl.schedule.json`): per built-in job
 * (`daily`, `intraday`, `weekly`, `health`) `false` to drop it or the fields to change; any other
 * name adds a job, which then needs `cron` and `datasets` (or `health: true`).
 * @example
 * ```json
 * { "symbols": ["IBM", "MSFT"],
 *   "jobs": { "intraday": { "cron": "0 10-16 * * 1-5" }, "weekly": false,
 *             "quotes": { "cron": "*\/5 9-16 * * 1-5", "when": "market-open", "datasets": ["quote"] } } }
 * ```
 * @throws {@link ValidationError} naming the bad field (`jobs.daily.cron`, …)
 * @internal
 */
export function parseScheduleConfig(
  value: unknown,
  options: DefaultJobsOptions = {},
): ScheduleConfig {
  if (Array.isArray(value)) {
    throw new ValidationError('schedule config: must be an object', { field: '(top level)' });
  }
  const config = check(Config, value, '');
  const overrides: DefaultJobOverrides = {};
  const own: ScheduleJob[] = [];
  for (const [name, raw] of Object.entries(config.jobs ?? {})) {
    // Dataset names are checked with the rest of the job by resolveJobs.
    const change =
      raw === false
        ? false
        : (check(JobConfig, raw, `jobs.${name}`) as Partial<Omit<ScheduleJob, 'name'>>);
    if ((DEFAULT_JOB_NAMES as readonly string[]).includes(name)) {
      overrides[name as keyof DefaultJobOverrides] = change;
    } else if (change !== false) {
      own.push({ ...change, name, cron: change.cron ?? '' });
    }
  }
  const { symbols } = config;
  return {
    ...(symbols ? { symbols } : {}),
    jobs: [...defaultScheduleJobs(overrides, options), ...own],
  };
}

/**
 * Checks jobs as `createSchedule` would — names, cron expressions, market conditions, datasets,
 * symbols — without a pipeline or database, so a command line can fail before opening anything.
 * @throws {@link ValidationError} naming the job
 * @internal
 */
export function validateScheduleJobs(
  jobs: readonly ScheduleJob[],
  options: {
    /** Symbols of the jobs that do not list their own. */
    symbols?: readonly string[];
    /** Zone of the cron expressions. @default 'America/New_York' */
    timeZone?: string;
    /** The calendar. @default new MarketCalendar() */
    calendar?: MarketCalendar;
  } = {},
): void {
  const zone = options.timeZone ?? NEW_YORK;
  zoneOffsetMinutes(zone, 0);
  resolveJobs(
    jobs,
    options.symbols ? { symbols: options.symbols } : {},
    options.calendar ?? new MarketCalendar(),
    zone,
    new Date(),
    false,
  );
}
