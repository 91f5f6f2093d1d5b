import { civilDate } from '../time/civil-date';
import { parseDay, parseTime } from './days';
import { NYSE_ONE_OFF_CLOSURES, NYSE_ONE_OFF_EARLY_CLOSES } from './one-offs';
import { ruleClosures, ruleEarlyCloses } from './rules';

/**
 * What is closed, and what closes early, in one year: rules, then the one-off tables, then the
 * caller's overrides. A calendar caches one table per year, so day-by-day lookups over multi-year
 * ranges cost a map probe each.
 *
 * @internal
 */

/** An early close: minutes after midnight ET, and why. */
export interface EarlyClose {
  minutes: number;
  reason: string;
}

/** The merged closures and early closes of one year, keyed by day number. */
export interface YearTable {
  closures: Map<number, string>;
  earlyCloses: Map<number, EarlyClose>;
}

/** The year of a day number. */
export function yearOf(day: number): number {
  return civilDate(day).year;
}

function groupByYear<T>(
  entries: ReadonlyArray<[number, T]>,
): ReadonlyMap<number, Array<[number, T]>> {
  const byYear = new Map<number, Array<[number, T]>>();
  for (const entry of entries) {
    const year = yearOf(entry[0]);
    const list = byYear.get(year) ?? [];
    list.push(entry);
    byYear.set(year, list);
  }
  return byYear;
}

// The one-off tables are static data: grouped by year once, when the module loads.
const ONE_OFF_CLOSURES_BY_YEAR = groupByYear(
  NYSE_ONE_OFF_CLOSURES.map((c): [number, string] => [parseDay(c.date), c.reason]),
);
const ONE_OFF_EARLY_CLOSES_BY_YEAR = groupByYear(
  NYSE_ONE_OFF_EARLY_CLOSES.map((e): [number, EarlyClose] => [
    parseDay(e.date),
    { minutes: parseTime(e.time), reason: e.reason },
  ]),
);

/**
 * Builds the table of `year`. Overrides win over built-in entries, and a closure always wins over
 * an early close of the same day.
 */
export function buildYearTable(
  year: number,
  closureOverrides: ReadonlyMap<number, string>,
  earlyCloseOverrides: ReadonlyMap<number, EarlyClose>,
): YearTable {
  const closures = new Map<number, string>();
  const earlyCloses = new Map<number, EarlyClose>();
  for (const c of ruleClosures(year)) closures.set(c.day, c.name);
  for (const e of ruleEarlyCloses(year)) earlyCloses.set(e.day, e);
  for (const [day, reason] of ONE_OFF_CLOSURES_BY_YEAR.get(year) ?? []) closures.set(day, reason);
  for (const [day, early] of ONE_OFF_EARLY_CLOSES_BY_YEAR.get(year) ?? [])
    earlyCloses.set(day, early);
  for (const [day, early] of earlyCloseOverrides)
    if (yearOf(day) === year) earlyCloses.set(day, early);
  for (const [day, reason] of closureOverrides) if (yearOf(day) === year) closures.set(day, reason);
  for (const day of closures.keys()) earlyCloses.delete(day);
  return { closures, earlyCloses };
}
