import type { MarketCalendar } from '../calendar';
import { zonedDate } from '../time/zone';
import { type JobTiming, runsBetween } from './timing';
import type { ScheduleBudgetCheck } from './types';

/** Days looked ahead for the busiest day: two weeks hold two weekends and most holiday weeks. @internal */
export const BUDGET_LOOKAHEAD_DAYS = 14;

/** Runs counted per job: a per-second job is over any budget long before this. */
const MAX_RUNS_COUNTED = 5_000;

/** What the key allows, as read from the budget source (all null when there is none). @internal */
export interface KeyBudget {
  perDay: number | null;
  usedToday: number | null;
  remainingToday: number | null;
}

/**
 * Counts the requests the schedule makes per budget day over the next two weeks and compares the
 * busiest day with the key's daily limit, and the rest of today with what is left today.
 * @internal
 */
export function checkScheduleBudget(
  timings: readonly JobTiming[],
  requestsPerRun: ReadonlyMap<string, number>,
  from: Date,
  calendar: MarketCalendar,
  timeZone: string,
  key: KeyBudget,
): ScheduleBudgetCheck {
  const until = new Date(from.getTime() + BUDGET_LOOKAHEAD_DAYS * 86_400_000);
  const days = new Map<string, Map<string, number>>();
  // Jobs that make no request (the health check) cannot change the answer: leave them out.
  const costly = timings.filter((t) => (requestsPerRun.get(t.name) ?? 0) > 0);
  for (const run of runsBetween(costly, from, until, calendar, MAX_RUNS_COUNTED)) {
    const day = zonedDate(timeZone, run.at.getTime());
    const perJob = days.get(day) ?? new Map<string, number>();
    perJob.set(run.job, (perJob.get(run.job) ?? 0) + 1);
    days.set(day, perJob);
  }
  const total = (perJob: Map<string, number> | undefined) =>
    [...(perJob ?? [])].reduce(
      (sum, [job, runs]) => sum + runs * (requestsPerRun.get(job) ?? 0),
      0,
    );
  const today = zonedDate(timeZone, from.getTime());
  let peakDay = today;
  let peakRequests = -1;
  for (const [day, perJob] of days) {
    const n = total(perJob);
    if (n > peakRequests) {
      peakDay = day;
      peakRequests = n;
    }
  }
  const peak = days.get(peakDay);
  const restOfToday = total(days.get(today));
  return {
    perDay: key.perDay,
    usedToday: key.usedToday,
    remainingToday: key.remainingToday,
    peakDay,
    peakRequests: Math.max(0, peakRequests),
    perJob: timings
      .map((t) => ({
        job: t.name,
        runs: peak?.get(t.name) ?? 0,
        requestsPerRun: requestsPerRun.get(t.name) ?? 0,
      }))
      .filter((j) => j.runs > 0 && j.requestsPerRun > 0),
    restOfToday,
    fits: key.perDay === null || peakRequests <= key.perDay,
    todayFits: key.remainingToday === null || restOfToday <= key.remainingToday,
  };
}

/** The budget check as one sentence with the numbers (empty when everything fits). @internal */
export function describeBudget(check: ScheduleBudgetCheck): string {
  const parts: string[] = [];
  if (!check.fits) {
    const detail = check.perJob
      .map((j) => `${j.job} ${j.runs} run${j.runs === 1 ? '' : 's'} × ${j.requestsPerRun}`)
      .join(' + ');
    parts.push(
      `the schedule needs ${check.peakRequests} API requests on ${check.peakDay} (${detail}) but the key allows ${check.perDay} a day`,
    );
  }
  if (!check.todayFits) {
    parts.push(
      `the rest of today needs ${check.restOfToday} requests but only ${check.remainingToday} of ${check.perDay} are left`,
    );
  }
  return parts.join('; ');
}
