import { Cron } from 'croner';
import type { MarketCalendar } from '../calendar';
import { ValidationError } from '../errors/validation-error';
import { zonedDate } from '../time/zone';
import type { MarketCondition, PlannedRun } from './types';

/**
 * Cron times are computed by croner (time zones, DST gaps and repeats, every cron syntax); this
 * module only filters them through the market calendar. Pure: no timers, no clock — the caller
 * says what "now" is, so the same code answers "when does it fire" for tests and for the loop.
 */

/** Most cron times examined for one next run (a 15-minute cron over a year is ~35k). */
const MAX_CANDIDATES = 200_000;
/** How far ahead a next run is looked for: past a year and a bit, the job is taken to never run. */
const MAX_LOOKAHEAD_MS = 400 * 86_400_000;

/** A job's timing, compiled once. @internal */
export interface JobTiming {
  name: string;
  cron: Cron;
  when: MarketCondition;
  extendedHours: boolean;
}

/** Parses a job's cron expression; a bad one is a {@link ValidationError} naming the job. @internal */
export function compileTiming(
  name: string,
  pattern: string,
  timeZone: string,
  when: MarketCondition,
  extendedHours: boolean,
): JobTiming {
  if (typeof pattern !== 'string' || pattern.trim() === '') {
    throw new ValidationError(`job "${name}" needs a cron expression`, { field: `${name}.cron` });
  }
  let cron: Cron;
  try {
    // No callback: croner only evaluates the pattern here; the schedule's loop owns the timers.
    cron = new Cron(pattern.trim(), { timezone: timeZone, mode: '5-or-6-parts' });
    cron.nextRun(new Date(0)); // an invalid zone only shows when a date is converted
  } catch (error) {
    throw new ValidationError(
      `job "${name}": invalid cron expression "${pattern}" (${(error as Error).message.replace(/^CronPattern: /, '')})`,
      { field: `${name}.cron`, cause: error },
    );
  }
  return { name, cron, when, extendedHours };
}

/** Why a cron time does not count, or null when it does. @internal */
export function gateReason(timing: JobTiming, at: Date, calendar: MarketCalendar): string | null {
  if (timing.when === 'always') return null;
  const day = zonedDate(calendar.timeZone, at.getTime());
  const session = calendar.session(day);
  if (!session) {
    const why = calendar.closureReason(day);
    return why ? `${day} ${why}` : 'weekend';
  }
  const t = at.getTime();
  if (timing.when === 'after-close') return t >= session.close.getTime() ? null : 'before close';
  const [start, end] = timing.extendedHours
    ? [session.preOpen, session.postClose]
    : [session.open, session.close];
  return t >= start.getTime() && t <= end.getTime() ? null : 'market closed';
}

/**
 * The first cron time strictly after `after` that the market condition lets through, with the
 * holidays passed over on the way; null when there is none within the examined range.
 * @internal
 */
export function nextRun(
  timing: JobTiming,
  after: Date,
  calendar: MarketCalendar,
): { at: Date; passedOver: string[] } | null {
  const passedOver = new Set<string>();
  let cursor = after;
  const limit = after.getTime() + MAX_LOOKAHEAD_MS;
  for (let i = 0; i < MAX_CANDIDATES; i++) {
    const candidate = timing.cron.nextRun(cursor);
    if (!candidate || candidate.getTime() > limit) return null;
    const reason = gateReason(timing, candidate, calendar);
    if (reason === null) return { at: candidate, passedOver: [...passedOver] };
    if (/^\d{4}-\d{2}-\d{2} /.test(reason)) passedOver.add(reason);
    cursor = candidate;
  }
  return null;
}

/** Every run of the jobs in `[from, until)`, in time order (ties in job order). */
export function runsBetween(
  timings: readonly JobTiming[],
  from: Date,
  until: Date,
  calendar: MarketCalendar,
  maxPerJob = Number.POSITIVE_INFINITY,
): PlannedRun[] {
  const out: PlannedRun[] = [];
  timings.forEach((timing) => {
    // Start just before `from` so a cron time exactly at `from` is included.
    let cursor = new Date(from.getTime() - 1);
    for (let n = 0; n < maxPerJob; n++) {
      const next = nextRun(timing, cursor, calendar);
      if (!next || next.at >= until) break;
      out.push({ job: timing.name, at: next.at });
      cursor = next.at;
    }
  });
  const order = new Map(timings.map((t, i) => [t.name, i]));
  return out.sort(
    (a, b) => a.at.getTime() - b.at.getTime() || (order.get(a.job) ?? 0) - (order.get(b.job) ?? 0),
  );
}
