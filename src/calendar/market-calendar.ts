import { ValidationError } from '../errors/validation-error';
import { formatDayNumber } from '../time/civil-date';
import {
  checkYearArgument,
  dayOfInstant,
  isWeekend,
  MAX_DAY,
  MIN_DAY,
  newYorkWallMs,
  parseDay,
  parseTime,
} from './days';
import type { MarketCalendarOptions, MarketHoursOptions, MarketSession } from './types';

export type { MarketCalendarOptions, MarketHoursOptions, MarketSession } from './types';

import { buildYearTable, type EarlyClose, type YearTable, yearOf } from './year-table';

// Minutes after midnight, New York wall clock.
const PRE_OPEN = 4 * 60;
const OPEN = 9 * 60 + 30;
const CLOSE = 16 * 60;
const POST_CLOSE = 20 * 60;
// NYSE Arca/American/National late trading sessions end at 17:00 on early-close days (NYSE Group
// holiday announcements, e.g. "late trading sessions will close at 5:00 p.m.").
const EARLY_POST_CLOSE = 17 * 60;

function checkReason(reason: unknown, field: string): string {
  if (typeof reason !== 'string' || reason.trim() === '') {
    throw new ValidationError(`Expected a non-empty reason for ${field}`, { field });
  }
  return reason;
}

/**
 * The NYSE trading calendar: holidays, early closes, one-off closures and session hours.
 *
 * Pure and host-independent: every wall-clock time is converted with the IANA rules for
 * America/New_York, so results are identical under any `TZ`. Rule-based holidays are computed for
 * any year from 1900 to 9999 and cached per year; one-off closures are listed from 1985. Each
 * instance holds its own overrides ({@link MarketCalendar.addClosure},
 * {@link MarketCalendar.addEarlyClose}); nothing is global.
 *
 * Dates are `YYYY-MM-DD` strings (New York calendar days) or `Date`s (the New York day containing
 * that instant). Invalid input throws {@link ValidationError}.
 */
export class MarketCalendar {
  /** The exchange's time zone; every session bound is New York wall-clock time. */
  readonly timeZone: 'America/New_York' = 'America/New_York';

  readonly #closures = new Map<number, string>();
  readonly #earlyCloses = new Map<number, EarlyClose>();
  readonly #years = new Map<number, YearTable>();

  /** @param options - extra closures and early closes (see {@link MarketCalendarOptions}) */
  constructor(options: MarketCalendarOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new ValidationError('MarketCalendar options must be an object', { field: 'options' });
    }
    for (const c of options.closures ?? []) this.addClosure(c.date, c.reason);
    for (const e of options.earlyCloses ?? []) this.addEarlyClose(e.date, e.time, e.reason);
  }

  /** True when the NYSE holds a regular session on that New York day. */
  isTradingDay(date: string | Date): boolean {
    return this.#isTrading(parseDay(date));
  }

  /** The session of that New York day, or `null` on weekends and closures. */
  session(date: string | Date): MarketSession | null {
    return this.#session(parseDay(date));
  }

  /**
   * True when the market is open at `instant`: `open <= t < close`, or with `extendedHours`
   * `preOpen <= t < postClose`.
   */
  isOpen(instant: Date, options: MarketHoursOptions = {}): boolean {
    const day = dayOfInstant(instant);
    if (!this.#isTrading(day)) return false;
    const t = instant.getTime();
    const [start, end] = this.#bounds(day, options.extendedHours === true);
    return start <= t && t < end;
  }

  /** The first open (`preOpen` with `extendedHours`) strictly after `instant`. */
  nextOpen(instant: Date, options: MarketHoursOptions = {}): Date {
    const t = instant instanceof Date ? instant.getTime() : Number.NaN;
    const extended = options.extendedHours === true;
    for (let day = dayOfInstant(instant); day <= MAX_DAY; day++) {
      if (!this.#isTrading(day)) continue;
      const start = this.#bounds(day, extended)[0];
      if (start > t) return new Date(start);
    }
    throw new ValidationError('No market open before the end of the supported years', {
      field: 'instant',
    });
  }

  /** The last close (`postClose` with `extendedHours`) at or before `instant`. */
  previousClose(instant: Date, options: MarketHoursOptions = {}): Date {
    const t = instant instanceof Date ? instant.getTime() : Number.NaN;
    const extended = options.extendedHours === true;
    for (let day = dayOfInstant(instant); day >= MIN_DAY; day--) {
      if (!this.#isTrading(day)) continue;
      const end = this.#bounds(day, extended)[1];
      if (end <= t) return new Date(end);
    }
    throw new ValidationError('No market close after the start of the supported years', {
      field: 'instant',
    });
  }

  /** Sessions from `from` to `to`, both inclusive, ascending; empty when `from` is after `to`. */
  sessionsBetween(from: string | Date, to: string | Date): MarketSession[] {
    const out: MarketSession[] = [];
    const last = parseDay(to, 'to');
    for (let day = parseDay(from, 'from'); day <= last; day++) {
      const s = this.#session(day);
      if (s) out.push(s);
    }
    return out;
  }

  /** Trading days (`YYYY-MM-DD`) from `from` to `to`, both inclusive, ascending. */
  tradingDaysBetween(from: string | Date, to: string | Date): string[] {
    const out: string[] = [];
    const last = parseDay(to, 'to');
    for (let day = parseDay(from, 'from'); day <= last; day++) {
      if (this.#isTrading(day)) out.push(formatDayNumber(day));
    }
    return out;
  }

  /** The first trading day strictly after `date`. */
  nextTradingDay(date: string | Date): string {
    for (let day = parseDay(date) + 1; day <= MAX_DAY; day++) {
      if (this.#isTrading(day)) return formatDayNumber(day);
    }
    throw new ValidationError('No trading day before the end of the supported years', {
      field: 'date',
    });
  }

  /** The last trading day strictly before `date`. */
  previousTradingDay(date: string | Date): string {
    for (let day = parseDay(date) - 1; day >= MIN_DAY; day--) {
      if (this.#isTrading(day)) return formatDayNumber(day);
    }
    throw new ValidationError('No trading day after the start of the supported years', {
      field: 'date',
    });
  }

  /** Full-day weekday closures of `year` — rules, one-offs and overrides — ascending. */
  holidays(year: number): Array<{
    /** The closed day, `YYYY-MM-DD`. */
    date: string;
    /** The holiday's or closure's name. */
    name: string;
  }> {
    const table = this.#year(checkYearArgument(year));
    return [...table.closures]
      .sort((a, b) => a[0] - b[0])
      .map(([day, name]) => ({ date: formatDayNumber(day), name }));
  }

  /** Why the market is closed on that weekday, or `null` when it trades (and on weekends). */
  closureReason(date: string | Date): string | null {
    const day = parseDay(date);
    if (isWeekend(day)) return null;
    return this.#year(yearOf(day)).closures.get(day) ?? null;
  }

  /** Why that day closes early, or `null` when it is not an early-close trading day. */
  earlyCloseReason(date: string | Date): string | null {
    const day = parseDay(date);
    if (!this.#isTrading(day)) return null;
    return this.#year(yearOf(day)).earlyCloses.get(day)?.reason ?? null;
  }

  /**
   * Closes the market for the whole of a weekday, e.g. for a closure announced after this release.
   * Replaces the reason of an existing closure and cancels an early close on that day.
   */
  addClosure(date: string | Date, reason: string): this {
    const day = parseDay(date);
    checkReason(reason, 'reason');
    if (isWeekend(day)) {
      throw new ValidationError(
        `${formatDayNumber(day)} is a weekend; the market is closed anyway`,
        {
          field: 'date',
        },
      );
    }
    this.#closures.set(day, reason);
    this.#earlyCloses.delete(day);
    this.#years.delete(yearOf(day));
    return this;
  }

  /**
   * Ends the regular session of a trading day early at `time` (`HH:MM` New York time, after 09:30
   * and before 16:00); post-market then ends at 17:00. Replaces a built-in early close.
   *
   * @param time - close time @default '13:00'
   * @param reason - why @default 'Early close'
   */
  addEarlyClose(date: string | Date, time = '13:00', reason = 'Early close'): this {
    const day = parseDay(date);
    const minutes = parseTime(time);
    if (minutes <= OPEN || minutes >= CLOSE) {
      throw new ValidationError(
        `An early close must be after 09:30 and before 16:00, got ${time}`,
        {
          field: 'time',
        },
      );
    }
    checkReason(reason, 'reason');
    if (!this.#isTrading(day)) {
      const why = isWeekend(day) ? 'a weekend' : `closed (${this.closureReason(date)})`;
      throw new ValidationError(`${formatDayNumber(day)} is ${why}; it has no session to shorten`, {
        field: 'date',
      });
    }
    this.#earlyCloses.set(day, { minutes, reason });
    this.#years.delete(yearOf(day));
    return this;
  }

  #isTrading(day: number): boolean {
    return !isWeekend(day) && !this.#year(yearOf(day)).closures.has(day);
  }

  /** Start and end of the session (ms), regular or extended. The day must be a trading day. */
  #bounds(day: number, extended: boolean): [number, number] {
    const early = this.#year(yearOf(day)).earlyCloses.get(day);
    if (extended) {
      return [
        newYorkWallMs(day, PRE_OPEN),
        newYorkWallMs(day, early ? EARLY_POST_CLOSE : POST_CLOSE),
      ];
    }
    return [newYorkWallMs(day, OPEN), newYorkWallMs(day, early ? early.minutes : CLOSE)];
  }

  #session(day: number): MarketSession | null {
    if (!this.#isTrading(day)) return null;
    const early = this.#year(yearOf(day)).earlyCloses.get(day);
    return {
      date: formatDayNumber(day),
      open: new Date(newYorkWallMs(day, OPEN)),
      close: new Date(newYorkWallMs(day, early ? early.minutes : CLOSE)),
      earlyClose: early !== undefined,
      preOpen: new Date(newYorkWallMs(day, PRE_OPEN)),
      postClose: new Date(newYorkWallMs(day, early ? EARLY_POST_CLOSE : POST_CLOSE)),
    };
  }

  /** The merged closures and early closes of a year, built once and kept until an override. */
  #year(year: number): YearTable {
    let table = this.#years.get(year);
    if (!table) {
      table = buildYearTable(year, this.#closures, this.#earlyCloses);
      this.#years.set(year, table);
    }
    return table;
  }
}
