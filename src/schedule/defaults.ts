import { ValidationError } from '../errors/validation-error';
import type { ScheduleJob } from './types';

/** Names of the built-in jobs, in the order they are listed and run by `runOnce`. */
export const DEFAULT_JOB_NAMES = ['daily', 'intraday', 'weekly', 'health'] as const;

/** A built-in job's name. */
export type DefaultJobName = (typeof DEFAULT_JOB_NAMES)[number];

/**
 * The jobs the original system ran, at its times (New York time):
 *
 * - `daily` — 16:30 Monday–Friday, after the close of each trading day (holidays skipped; on
 *   early-close days it still runs at 16:30): daily bars.
 * - `intraday` — every 15 minutes from 09:30 to the close (16:00, 13:00 on early-close days) on
 *   trading days: 5-minute bars.
 * - `weekly` — Saturday 10:00, the full refresh: whole weekly and monthly histories (those
 *   endpoints always return everything) and company master data (`overview`).
 * - `health` — every 30 minutes: `healthCheck`.
 */
export const DEFAULT_SCHEDULE_JOBS: Readonly<Record<DefaultJobName, Readonly<ScheduleJob>>> =
  Object.freeze({
    daily: Object.freeze({
      name: 'daily',
      cron: '30 16 * * 1-5',
      when: 'after-close',
      datasets: Object.freeze(['daily'] as const),
    }),
    intraday: Object.freeze({
      name: 'intraday',
      cron: '*/15 9-16 * * 1-5',
      when: 'market-open',
      datasets: Object.freeze(['intraday:5min'] as const),
    }),
    weekly: Object.freeze({
      name: 'weekly',
      cron: '0 10 * * 6',
      when: 'always',
      datasets: Object.freeze(['weekly', 'monthly', 'overview'] as const),
    }),
    health: Object.freeze({ name: 'health', cron: '*/30 * * * *', when: 'always', health: true }),
  });

/** Per built-in job: `false` to leave it out, or the fields to change (cron, datasets, …). */
export type DefaultJobOverrides = Partial<
  Record<DefaultJobName, false | Partial<Omit<ScheduleJob, 'name'>>>
>;

/**
 * The built-in jobs ({@link DEFAULT_SCHEDULE_JOBS}) with your changes.
 * @example
 * ```ts
 * // Intraday once an hour, no weekly refresh:
 * defaultScheduleJobs({ intraday: { cron: '0 10-16 * * 1-5' }, weekly: false });
 * ```
 * @throws {@link ValidationError} for an unknown job name
 */
export function defaultScheduleJobs(overrides: DefaultJobOverrides = {}): ScheduleJob[] {
  for (const name of Object.keys(overrides)) {
    if (!(DEFAULT_JOB_NAMES as readonly string[]).includes(name)) {
      throw new ValidationError(
        `Unknown job "${name}"; the built-in jobs are ${DEFAULT_JOB_NAMES.join(', ')}`,
        { field: 'jobs' },
      );
    }
  }
  const jobs: ScheduleJob[] = [];
  for (const name of DEFAULT_JOB_NAMES) {
    const change = overrides[name];
    if (change === false) continue;
    jobs.push({ ...DEFAULT_SCHEDULE_JOBS[name], ...change, name });
  }
  return jobs;
}
