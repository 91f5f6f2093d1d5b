import { describeValue } from '../bounded-text';
import { ValidationError } from '../errors/validation-error';
import { daysInMonth, readDigits, weekday } from '../time/civil-date';
import { NEW_YORK, wallClockToUtcMs, zoneOffsetMinutes } from '../time/zone';

/**
 * Fast parsing of exchange wall-clock keys (`YYYY-MM-DD HH:MM:SS[.mmm]`) into UTC instants.
 *
 * Bars arrive grouped by day, so everything that depends only on the date — validity, weekday, and
 * the zone's offset for that day (from src/time/zone.ts, which runs `Intl` once per day) — is
 * computed once per day and reused while the date prefix stays the same. A row then costs a few
 * `charCodeAt` reads and one subtraction. Days with a DST transition take zone.ts's exact path per
 * row instead.
 */

/** What is known about one local date of a zone. */
export interface LocalDay {
  /** `YYYY-MM-DD`. */
  date: string;
  /** Year. */
  year: number;
  /** Month 1–12. */
  month: number;
  /** Day 1–31. */
  day: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** `Date.UTC` of the local midnight read as if it were UTC. */
  midnightAsUtcMs: number;
  /** The zone's offset in ms when constant all day, `null` on a DST transition day. */
  offsetMs: number | null;
}

/** A parsed wall-clock key. */
export interface WallClockInstant {
  /** Its local date. */
  day: LocalDay;
  /** Seconds since local midnight (0–86399), from the wall clock as written. */
  secondOfDay: number;
  /** The UTC instant in milliseconds since the epoch. */
  utcMs: number;
}

const NO_DAY: LocalDay = {
  date: '',
  year: 0,
  month: 0,
  day: 0,
  weekday: 0,
  midnightAsUtcMs: 0,
  offsetMs: 0,
};

/**
 * Maps `IANA-ish` names Alpha Vantage uses to the zone to convert with. `US/Eastern` is a link to
 * `America/New_York` in the IANA database; resolving it here avoids relying on the runtime's link
 * table. Empty or missing means New York: Alpha Vantage's zone is fixed ("not modifiable").
 */
export function resolveZone(name: string | undefined | null): string {
  if (name === undefined || name === null) return NEW_YORK;
  const trimmed = name.trim();
  if (trimmed === '' || trimmed === 'US/Eastern') return NEW_YORK;
  return trimmed;
}

/**
 * Parses wall-clock keys of one zone, caching per local day. Not shared between responses: it is
 * cheap to create and keeps the transforms free of global mutable state (zone.ts holds the
 * process-wide per-day offset cache).
 */
export class WallClockParser {
  private lastText = '';
  private lastDay: LocalDay | null = null;
  /**
   * The result of the last successful {@link WallClockParser.read}. Reused rather than allocated per
   * row: at a million rows a second, per-row result objects are most of the garbage.
   */
  readonly last: WallClockInstant = { day: NO_DAY, secondOfDay: 0, utcMs: 0 };

  /**
   * @param zone - an IANA zone name (links such as `US/Eastern` work)
   * @throws {@link ValidationError} when the runtime does not know `zone`
   */
  constructor(readonly zone: string) {
    zoneOffsetMinutes(zone, 0); // fail fast on an unknown zone
  }

  /** The local day of a `YYYY-MM-DD…` key, or `null` when the date is malformed or not real. */
  dayOf(text: string): LocalDay | null {
    if (this.samePrefix(text)) return this.lastDay;
    const day = this.computeDay(text, text.slice(0, 10));
    this.lastText = text;
    this.lastDay = day;
    return day;
  }

  /** Whether `text` starts with the same 10 characters as the last key (no substring allocated). */
  private samePrefix(text: string): boolean {
    const last = this.lastText;
    if (last.length < 10 || text.length < 10) return false;
    for (let i = 9; i >= 0; i--) if (text.charCodeAt(i) !== last.charCodeAt(i)) return false;
    return true;
  }

  private computeDay(text: string, date: string): LocalDay | null {
    if (text.length < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
    const year = readDigits(text, 0, 4);
    const month = readDigits(text, 5, 2);
    const day = readDigits(text, 8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      return null;
    }
    const midnightAsUtcMs = Date.UTC(year, month - 1, day);
    // Offset at both ends of the day; equal means no transition that day, so one subtraction
    // per row is exact.
    const start = midnightAsUtcMs - wallClockToUtcMs(this.zone, year, month, day, 0, 0, 0);
    const endLocal = midnightAsUtcMs + 86_399_000;
    const end = endLocal - wallClockToUtcMs(this.zone, year, month, day, 23, 59, 59);
    return {
      date,
      year,
      month,
      day,
      weekday: weekday(year, month, day),
      midnightAsUtcMs,
      offsetMs: start === end ? start : null,
    };
  }

  /**
   * Parses `YYYY-MM-DD HH:MM:SS` (a `T` separator and a `.m`–`.mmm` fraction are accepted too).
   * Returns `null` when the text is malformed or names no real date-time. The result is a copy.
   */
  parse(text: string): WallClockInstant | null {
    return this.read(text) ? { ...this.last } : null;
  }

  /**
   * Like {@link WallClockParser.parse} but without allocating: returns whether `text` parsed and
   * leaves the result in {@link WallClockParser.last} (overwritten by the next call).
   */
  read(text: string): boolean {
    const n = text.length;
    if (n < 19) return false;
    const sep = text.charCodeAt(10);
    if ((sep !== 32 && sep !== 84) || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) {
      return false;
    }
    const hour = readDigits(text, 11, 2);
    const minute = readDigits(text, 14, 2);
    const second = readDigits(text, 17, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return false;
    }
    let millis = 0;
    if (n > 19) {
      const digits = n - 20;
      if (text.charCodeAt(19) !== 46 || digits < 1 || digits > 3) return false;
      millis = readDigits(text, 20, digits);
      if (millis < 0) return false;
      if (digits === 1) millis *= 100;
      else if (digits === 2) millis *= 10;
    }
    const day = this.dayOf(text);
    if (day === null) return false;
    const secondOfDay = hour * 3600 + minute * 60 + second;
    const last = this.last;
    last.day = day;
    last.secondOfDay = secondOfDay;
    last.utcMs =
      day.offsetMs !== null
        ? day.midnightAsUtcMs + secondOfDay * 1000 - day.offsetMs + millis
        : wallClockToUtcMs(this.zone, day.year, day.month, day.day, hour, minute, second) + millis;
    return true;
  }
}

/**
 * Converts an exchange wall-clock timestamp (`YYYY-MM-DD HH:MM:SS[.mmm]`, US/Eastern unless another
 * zone is given) to its UTC instant, with real DST rules and whatever the host's `TZ`. A time in the
 * spring-forward gap moves forward by the gap; one in the repeated fall-back hour resolves to its
 * first occurrence (see src/time/zone.ts).
 *
 * @param text - the wall-clock key as Alpha Vantage sends it
 * @param zone - IANA zone of the wall clock
 * @throws {@link ValidationError} when `text` is not such a timestamp or `zone` is unknown
 * @internal
 */
export function parseEasternTimestamp(text: string, zone: string = NEW_YORK): Date {
  const parsed =
    typeof text === 'string' ? new WallClockParser(resolveZone(zone)).parse(text) : null;
  if (!parsed) {
    throw new ValidationError(
      `Not a wall-clock timestamp (YYYY-MM-DD HH:MM:SS): ${describeValue(text)}`,
      { field: 'timestamp' },
    );
  }
  return new Date(parsed.utcMs);
}
