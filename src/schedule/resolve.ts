import { normalizeSymbol } from '../alpha-vantage/validate';
import type { MarketCalendar } from '../calendar';
import { ValidationError } from '../errors/validation-error';
import { assertDataset } from '../pipeline/datasets';
import { compileTiming, type JobTiming, nextRun } from './timing';
import { MARKET_CONDITIONS, type ScheduleJob, type ScheduleOptions } from './types';

/** A validated job with its compiled timing. @internal */
export interface ResolvedJob {
  spec: ScheduleJob;
  timing: JobTiming;
  symbols: string[];
  requestsPerRun: number;
}

/**
 * Checks every job before anything runs, so a typo in a cron expression, a dataset or a symbol
 * fails at start with the job's name rather than at 16:30. @internal
 */
export function resolveJobs(
  jobs: readonly ScheduleJob[],
  options: Pick<ScheduleOptions, 'symbols' | 'pipeline' | 'db'>,
  calendar: MarketCalendar,
  timeZone: string,
  now: Date,
  checkRunners = true,
): ResolvedJob[] {
  if (!Array.isArray(jobs) || jobs.length === 0) {
    throw new ValidationError('a schedule needs at least one job', { field: 'jobs' });
  }
  const shared = (options.symbols ?? []).map((s, i) => normalizeSymbol(s, `symbols[${i}]`));
  const names = new Set<string>();
  return jobs.map((spec: ScheduleJob) => {
    if (!spec || typeof spec.name !== 'string' || !/^[A-Za-z0-9_-]+$/.test(spec.name)) {
      throw new ValidationError('every job needs a name of letters, digits, "-" or "_"', {
        field: 'jobs',
      });
    }
    const { name } = spec;
    if (names.has(name)) throw new ValidationError(`two jobs are named "${name}"`, { field: name });
    names.add(name);
    const when = spec.when ?? 'always';
    if (!MARKET_CONDITIONS.includes(when)) {
      throw new ValidationError(
        `job "${name}": when must be one of ${MARKET_CONDITIONS.join(', ')}, got ${JSON.stringify(when)}`,
        { field: `${name}.when` },
      );
    }
    const kinds = [spec.datasets !== undefined, spec.health === true, spec.run !== undefined];
    if (kinds.filter(Boolean).length !== 1) {
      throw new ValidationError(`job "${name}" needs exactly one of datasets, health or run`, {
        field: name,
      });
    }
    const timing = compileTiming(name, spec.cron, timeZone, when, spec.extendedHours === true);
    if (!nextRun(timing, now, calendar)) {
      throw new ValidationError(
        `job "${name}": cron "${spec.cron}" never runs${when === 'always' ? '' : ` while the condition "${when}" holds`}`,
        { field: `${name}.cron` },
      );
    }
    const symbols = spec.symbols
      ? spec.symbols.map((s, i) => normalizeSymbol(s, `${name}.symbols[${i}]`))
      : shared;
    let requestsPerRun = 0;
    if (spec.datasets !== undefined) {
      if (!Array.isArray(spec.datasets) || spec.datasets.length === 0) {
        throw new ValidationError(`job "${name}": datasets must be a non-empty list`, {
          field: `${name}.datasets`,
        });
      }
      for (const d of spec.datasets) assertDataset(d);
      if (symbols.length === 0) {
        throw new ValidationError(`job "${name}" has datasets but no symbols`, {
          field: `${name}.symbols`,
        });
      }
      if (checkRunners && !options.pipeline) {
        throw new ValidationError(`job "${name}" runs datasets: options.pipeline is required`, {
          field: 'options.pipeline',
        });
      }
      requestsPerRun = symbols.length * spec.datasets.length;
    } else if (spec.health) {
      if (checkRunners && !options.db) {
        throw new ValidationError(`job "${name}" is a health check: options.db is required`, {
          field: 'options.db',
        });
      }
    } else {
      if (typeof spec.run !== 'function') {
        throw new ValidationError(`job "${name}": run must be a function`, {
          field: `${name}.run`,
        });
      }
      requestsPerRun = spec.requestsPerRun ?? 0;
      if (!Number.isInteger(requestsPerRun) || requestsPerRun < 0) {
        throw new ValidationError(`job "${name}": requestsPerRun must be a non-negative integer`, {
          field: `${name}.requestsPerRun`,
        });
      }
    }
    return { spec, timing, symbols, requestsPerRun };
  });
}
