import { ValidationError } from '../errors/validation-error';
import { DAY_MS } from './civil-date';

/**
 * Wall-clock ↔ UTC conversion with real IANA rules, independent of the host's `TZ`.
 *
 * `Intl` is slow (microseconds per call), and a backfill converts millions of bar timestamps, so
 * the offset is cached per (zone, local day): a day without a DST transition has one offset and
 * costs one `Date.UTC` per row. Only the two transition days a year take the exact path.
 */

const MINUTE_MS = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (cause) {
      throw new ValidationError(`Unknown time zone "${zone}"`, { field: 'timeZone', cause });
    }
    formatters.set(zone, f);
  }
  return f;
}

/** Offset of `zone` from UTC at the instant `utcMs`, in minutes (New York in winter: -300). @internal */
export function zoneOffsetMinutes(zone: string, utcMs: number): number {
  const parts = formatterFor(zone).formatToParts(new Date(utcMs));
  let y = 0;
  let mo = 0;
  let d = 0;
  let h = 0;
  let mi = 0;
  let s = 0;
  for (const p of parts) {
    switch (p.type) {
      case 'year':
        y = Number(p.value);
        break;
      case 'month':
        mo = Number(p.value);
        break;
      case 'day':
        d = Number(p.value);
        break;
      case 'hour':
        h = Number(p.value);
        break;
      case 'minute':
        mi = Number(p.value);
        break;
      case 'second':
        s = Number(p.value);
        break;
    }
  }
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  return Math.round((asUtc - (utcMs - (utcMs % 1000))) / MINUTE_MS);
}

interface DayOffsets {
  /** Offset at local midnight (minutes). */
  start: number;
  /** Offset at the local end of the day (minutes). */
  end: number;
}

const dayCache = new Map<string, DayOffsets>();
const DAY_CACHE_LIMIT = 50_000;

function dayOffsets(zone: string, y: number, mo: number, d: number): DayOffsets {
  const key = `${zone}|${y}|${mo}|${d}`;
  let hit = dayCache.get(key);
  if (!hit) {
    const midnight = Date.UTC(y, mo - 1, d);
    // Probe 12 h either side of the local day; no real zone is more than 14 h off UTC.
    const start = zoneOffsetMinutes(zone, midnight - zoneOffsetMinutes(zone, midnight) * MINUTE_MS);
    const endProbe = midnight + DAY_MS - 1;
    const end = zoneOffsetMinutes(zone, endProbe - zoneOffsetMinutes(zone, endProbe) * MINUTE_MS);
    hit = { start, end };
    if (dayCache.size >= DAY_CACHE_LIMIT) dayCache.clear();
    dayCache.set(key, hit);
  }
  return hit;
}

/**
 * Converts a wall-clock time in `zone` to a UTC instant (milliseconds since the epoch).
 *
 * On a DST day, a time that does not exist (the spring-forward gap) moves forward by the gap, and
 * a time that occurs twice (the fall-back hour) resolves to its first occurrence — the same as
 * Temporal's `'compatible'` disambiguation.
 * @internal
 */
export function wallClockToUtcMs(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): number {
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const offsets = dayOffsets(zone, year, month, day);
  if (offsets.start === offsets.end) return local - offsets.start * MINUTE_MS;
  // Transition day: try both offsets; keep the candidates that map back to the same wall clock.
  const a = local - offsets.start * MINUTE_MS; // interpreted with the earlier offset
  const b = local - offsets.end * MINUTE_MS; // interpreted with the later offset
  const aOk = zoneOffsetMinutes(zone, a) === offsets.start;
  const bOk = zoneOffsetMinutes(zone, b) === offsets.end;
  if (aOk && bOk) return Math.min(a, b); // ambiguous: first occurrence
  if (aOk) return a;
  if (bOk) return b;
  // In the gap: shift forward by the gap length (use the offset from before the transition).
  return a;
}

/** The wall-clock parts of instant `utcMs` in `zone`. @internal */
export function utcMsToWallClock(
  zone: string,
  utcMs: number,
): {
  /** Full year, e.g. 2024. */
  year: number;
  /** Month, 1–12. */
  month: number;
  /** Day of the month, 1–31. */
  day: number;
  /** Hour, 0–23. */
  hour: number;
  /** Minute, 0–59. */
  minute: number;
  /** Second, 0–59. */
  second: number;
} {
  const local = new Date(utcMs + zoneOffsetMinutes(zone, utcMs) * MINUTE_MS);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

/** The calendar date (`YYYY-MM-DD`) in `zone` of the instant `utcMs`. */
export function zonedDate(zone: string, utcMs: number): string {
  const { year, month, day } = utcMsToWallClock(zone, utcMs);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The IANA zone of US equity data. Alpha Vantage calls it `US/Eastern` (a link to this one). */
export const NEW_YORK = 'America/New_York';
