import type { AlphaVantagePlan } from '../alpha-vantage/options';
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
 * How the defaults change for a free key (`plan: 'free'`): its intraday data is not live — the
 * newest bar lags by up to a day (QUIRKS §28: realtime and 15-minute-delayed intraday need a premium
 * entitlement) — and it has 25 requests a day. Polling intraday every 15 minutes would spend 27
 * requests a symbol on bars that do not move; the free default fetches intraday once, at 20:15 New
 * York time on trading days, after the extended session. A symbol then costs 2 requests a trading
 * day (daily + intraday) and 3 on Saturday (the weekly refresh), so up to 8 symbols fit in the
 * free budget.
 */
export const FREE_KEY_JOB_CHANGES: Readonly<DefaultJobOverrides> = Object.freeze({
  intraday: Object.freeze({ cron: '15 20 * * 1-5', when: 'after-close' as const }),
});

/** Options of {@link defaultScheduleJobs}. */
export interface DefaultJobsOptions {
  /**
   * The key's plan: `free` applies {@link FREE_KEY_JOB_CHANGES} under your overrides.
   * @default a premium plan's defaults ({@link DEFAULT_SCHEDULE_JOBS} unchanged)
   */
  plan?: AlphaVantagePlan;
}

/**
 * The built-in jobs ({@link DEFAULT_SCHEDULE_JOBS}) with your changes — for a free key
 * (`{ plan: 'free' }`) first with {@link FREE_KEY_JOB_CHANGES}.
 * @example
 * ```ts
 * // Intraday once an hour, no weekly refresh:
 * defaultScheduleJobs({ intraday: { cron: '0 10-16 * * 1-5' }, weekly: false });
 * // What a free key runs by default:
 * defaultScheduleJobs({}, { plan: 'free' });
 * ```
 * @throws {@link ValidationError} for an unknown job name
 */
export function defaultScheduleJobs(
  overrides: DefaultJobOverrides = {},
  options: DefaultJobsOptions = {},
): ScheduleJob[] {
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
    const planChange = options.plan === 'free' ? FREE_KEY_JOB_CHANGES[name] : undefined;
    jobs.push({ ...DEFAULT_SCHEDULE_JOBS[name], ...(planChange || {}), ...change, name });
  }
  return jobs;
}
