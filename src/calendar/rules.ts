import { dayNumber, weekdayOf } from '../time/civil-date';

/**
 * The recurring NYSE holidays and early closes, computed per year (NYSE Rule 7.2 and the
 * exchange's published calendars). Today's rules are applied to every year, except where a rule is
 * known to have started later (MLK Day 1998, Juneteenth 2022, the 1 p.m. early closes 1993/1995).
 * Historical holidays retired before 2000 (Election Day, pre-1971 fixed-date holidays, …) are not
 * modelled.
 *
 * @internal
 */

/** 13:00 ET in minutes after midnight: the time of every scheduled early close since 1993. */
export const ONE_PM = 13 * 60;

/** A full-day closure produced by a rule. */
export interface RuleClosure {
  day: number;
  name: string;
}

/** An early close produced by a rule. */
export interface RuleEarlyClose {
  day: number;
  /** Close, minutes after midnight ET. */
  minutes: number;
  reason: string;
}

const SUNDAY = 0;
const MONDAY = 1;
const TUESDAY = 2;
const WEDNESDAY = 3;
const THURSDAY = 4;
const FRIDAY = 5;
const SATURDAY = 6;

/** The `n`-th `dow` (0 = Sunday) of a month. */
function nthWeekday(year: number, month: number, dow: number, n: number): number {
  const first = dayNumber(year, month, 1);
  return first + ((dow - weekdayOf(first) + 7) % 7) + (n - 1) * 7;
}

/** The last `dow` of a month. */
function lastWeekday(year: number, month: number, dow: number): number {
  const last = dayNumber(year, month + 1, 0);
  return last - ((weekdayOf(last) - dow + 7) % 7);
}

/** Easter Sunday (Gregorian), by the anonymous "Meeus/Jones/Butcher" computus. */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayNumber(year, month, day);
}

/**
 * A fixed-date holiday with NYSE observance: Saturday → the Friday before, Sunday → the Monday
 * after. New Year's Day passes `saturdayToFriday = false`: Rule 7.2 does not close the exchange on
 * a Friday that ends a yearly accounting period, so a Saturday New Year's Day is not observed.
 */
function observed(out: RuleClosure[], day: number, name: string, saturdayToFriday = true): void {
  const w = weekdayOf(day);
  if (w === SATURDAY) {
    if (saturdayToFriday) out.push({ day: day - 1, name: `${name} (observed)` });
  } else if (w === SUNDAY) {
    out.push({ day: day + 1, name: `${name} (observed)` });
  } else {
    out.push({ day, name });
  }
}

/** Rule-based full-day closures of `year`, ascending. */
export function ruleClosures(year: number): RuleClosure[] {
  const out: RuleClosure[] = [];
  observed(out, dayNumber(year, 1, 1), "New Year's Day", false);
  if (year >= 1998) {
    out.push({ day: nthWeekday(year, 1, MONDAY, 3), name: 'Martin Luther King Jr. Day' });
  }
  out.push({ day: nthWeekday(year, 2, MONDAY, 3), name: "Washington's Birthday" });
  out.push({ day: easterSunday(year) - 2, name: 'Good Friday' });
  out.push({ day: lastWeekday(year, 5, MONDAY), name: 'Memorial Day' });
  if (year >= 2022) {
    observed(out, dayNumber(year, 6, 19), 'Juneteenth National Independence Day');
  }
  observed(out, dayNumber(year, 7, 4), 'Independence Day');
  out.push({ day: nthWeekday(year, 9, MONDAY, 1), name: 'Labor Day' });
  out.push({ day: nthWeekday(year, 11, THURSDAY, 4), name: 'Thanksgiving Day' });
  observed(out, dayNumber(year, 12, 25), 'Christmas Day');
  return out.sort((x, y) => x.day - y.day);
}

/**
 * Rule-based 13:00 early closes of `year`, ascending.
 *
 * - Day before Independence Day (from 1995): July 3 when July 4 is a Tuesday, Wednesday or Friday.
 *   When July 4 is a Thursday the half day was Friday July 5 until 2012 and has been Wednesday
 *   July 3 since 2013. A Monday July 4 leaves a Sunday July 3 (nothing); a weekend July 4 makes
 *   July 3 or 5 the observed holiday, with no half day.
 * - Day after Thanksgiving (from 1993).
 * - Christmas Eve (from 1993) when it is Monday–Thursday; a Friday Dec 24 is the observed
 *   Christmas holiday when Dec 25 is a Saturday.
 */
export function ruleEarlyCloses(year: number): RuleEarlyClose[] {
  const out: RuleEarlyClose[] = [];
  if (year >= 1995) {
    const july4 = weekdayOf(dayNumber(year, 7, 4));
    if (july4 === TUESDAY || july4 === WEDNESDAY || july4 === FRIDAY) {
      out.push({
        day: dayNumber(year, 7, 3),
        minutes: ONE_PM,
        reason: 'Day before Independence Day',
      });
    } else if (july4 === THURSDAY) {
      if (year >= 2013) {
        out.push({
          day: dayNumber(year, 7, 3),
          minutes: ONE_PM,
          reason: 'Day before Independence Day',
        });
      } else {
        out.push({
          day: dayNumber(year, 7, 5),
          minutes: ONE_PM,
          reason: 'Day after Independence Day',
        });
      }
    }
  }
  if (year >= 1993) {
    out.push({
      day: nthWeekday(year, 11, THURSDAY, 4) + 1,
      minutes: ONE_PM,
      reason: 'Day after Thanksgiving',
    });
    const eve = dayNumber(year, 12, 24);
    const w = weekdayOf(eve);
    if (w >= MONDAY && w <= THURSDAY) {
      out.push({ day: eve, minutes: ONE_PM, reason: 'Christmas Eve' });
    }
  }
  return out.sort((x, y) => x.day - y.day);
}
