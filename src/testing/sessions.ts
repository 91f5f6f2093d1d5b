import { addDays, dayNumberOf } from '../time/civil-date';
import { NEW_YORK, utcMsToWallClock, zonedDate } from '../time/zone';

/**
 * The part of `MarketCalendar` (src/calendar) the fake needs. Accepting the interface instead of
 * the class lets users plug in a calendar for another exchange, and keeps the server testable.
 */
export interface FakeCalendar {
  /** The session of a `YYYY-MM-DD` date, or `null` when the market is closed all day. */
  session(date: string): {
    /** Regular-session open. */
    open: Date;
    /** Regular-session close (the early-close time on early-close days). */
    close: Date;
    /** Start of pre-market trading. */
    preOpen: Date;
    /** End of post-market trading. */
    postClose: Date;
    /** True when the regular session ends early. */
    earlyClose: boolean;
  } | null;
  /** Whether `date` has a session. */
  isTradingDay(date: string): boolean;
  /** Trading days from `from` to `to`, inclusive, ascending. */
  tradingDaysBetween(from: string, to: string): string[];
}

/** One session in ET minutes of the day, plus the UTC instant of ET midnight for that day. */
export interface DayWindow {
  /** `YYYY-MM-DD`. */
  date: string;
  /** UTC ms of 00:00 ET on that date (a session day never has a DST switch). */
  midnightUtc: number;
  /** Extended session start / end, minutes after ET midnight (normally 240 / 1200). */
  preOpen: number;
  postClose: number;
  /** Regular session start / end (normally 570 / 960; early closes end at 780). */
  open: number;
  close: number;
}

const MINUTE_MS = 60_000;

function etMinutes(utcMs: number): number {
  const w = utcMsToWallClock(NEW_YORK, utcMs);
  return w.hour * 60 + w.minute;
}

/**
 * Calendar look-ups with the small caches a busy fake needs: a year of sessions is resolved once,
 * and the long list of trading days since the history start is kept for the latest `to` only, so
 * memory stays bounded however long the server runs.
 */
export class SessionIndex {
  private windows = new Map<string, DayWindow | null>();
  private daysCache: { from: string; to: string; days: string[] } | null = null;

  constructor(private readonly calendar: FakeCalendar) {}

  /** The session of `date` in ET minutes, or `null` on a closed day. */
  window(date: string): DayWindow | null {
    let w = this.windows.get(date);
    if (w !== undefined) return w;
    const s = this.calendar.session(date);
    if (s) {
      const pre = etMinutes(s.preOpen.getTime());
      w = {
        date,
        midnightUtc: s.preOpen.getTime() - pre * MINUTE_MS,
        preOpen: pre,
        postClose: etMinutes(s.postClose.getTime()) || 1440,
        open: etMinutes(s.open.getTime()),
        close: etMinutes(s.close.getTime()),
      };
    } else {
      w = null;
    }
    if (this.windows.size > 4000) this.windows.clear();
    this.windows.set(date, w);
    return w;
  }

  /** Trading days in `[from, to]`, ascending. */
  tradingDays(from: string, to: string): string[] {
    if (from > to) return [];
    const c = this.daysCache;
    if (c && c.from === from && c.to === to) return c.days;
    const days = this.calendar.tradingDaysBetween(from, to);
    // Only the long history list is worth keeping; it is asked for on every daily request.
    if (dayNumberOf(to) - dayNumberOf(from) > 366) this.daysCache = { from, to, days };
    return days;
  }

  /** The last trading day on or before `date`. */
  previousOrSame(date: string): string {
    let d = date;
    for (let i = 0; i < 30; i++) {
      if (this.calendar.isTradingDay(d)) return d;
      d = addDays(d, -1);
    }
    return d;
  }
}

/** Today's date in New York for a UTC instant. */
export function etDate(utcMs: number): string {
  return zonedDate(NEW_YORK, utcMs);
}

/** `YYYY-MM-DD HH:MM:SS` in New York for a UTC instant. */
export function etDateTime(utcMs: number): string {
  const w = utcMsToWallClock(NEW_YORK, utcMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${p(w.month)}-${p(w.day)} ${p(w.hour)}:${p(w.minute)}:${p(w.second)}`;
}
