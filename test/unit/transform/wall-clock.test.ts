import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRealDate } from '../../../src/time/civil-date';
import { NEW_YORK, utcMsToWallClock, zoneOffsetMinutes } from '../../../src/time/zone';
import { IsoFormatter } from '../../../src/transform/iso';
import {
  parseEasternTimestamp,
  resolveZone,
  WallClockParser,
} from '../../../src/transform/wall-clock';
import { easternToUtcReference, wallText } from './helpers';

const H = 3_600_000;
const utc = (text: string) => new Parser().utc(text);

class Parser {
  private readonly p = new WallClockParser(NEW_YORK);
  utc(text: string): string | null {
    const r = this.p.parse(text);
    return r === null ? null : new Date(r.utcMs).toISOString();
  }
}

describe('Eastern wall clock → UTC', () => {
  it.each([
    // 2024-03-10: 02:00 EST jumps to 03:00 EDT.
    ['2024-03-10 00:00:00', '2024-03-10T05:00:00.000Z'],
    ['2024-03-10 01:59:59', '2024-03-10T06:59:59.000Z'],
    ['2024-03-10 03:00:00', '2024-03-10T07:00:00.000Z'],
    ['2024-03-10 20:00:00', '2024-03-11T00:00:00.000Z'],
    ['2024-03-08 09:30:00', '2024-03-08T14:30:00.000Z'], // Friday before: EST
    ['2024-03-11 09:30:00', '2024-03-11T13:30:00.000Z'], // Monday after: EDT
    // 2024-11-03: 02:00 EDT falls back to 01:00 EST; 01:xx is ambiguous → first (EDT).
    ['2024-11-03 00:59:59', '2024-11-03T04:59:59.000Z'],
    ['2024-11-03 01:30:00', '2024-11-03T05:30:00.000Z'],
    ['2024-11-03 02:00:00', '2024-11-03T07:00:00.000Z'],
    ['2024-11-01 16:00:00', '2024-11-01T20:00:00.000Z'], // Friday before: EDT
    ['2024-11-04 16:00:00', '2024-11-04T21:00:00.000Z'], // Monday after: EST
    // Other years' changes.
    ['2007-03-12 09:30:00', '2007-03-12T13:30:00.000Z'], // first year of the 2007 rules
    ['2006-04-03 09:30:00', '2006-04-03T13:30:00.000Z'], // old rules: DST began 2006-04-02
    ['2006-03-13 09:30:00', '2006-03-13T14:30:00.000Z'], // …so mid-March 2006 was still EST
    ['2020-11-02 04:00:00', '2020-11-02T09:00:00.000Z'],
    ['2025-03-10 04:00:00', '2025-03-10T08:00:00.000Z'],
    ['2026-11-02 19:55:00', '2026-11-03T00:55:00.000Z'],
    // A spring-forward gap time moves forward by the gap (Temporal 'compatible').
    ['2024-03-10 02:30:00', '2024-03-10T07:30:00.000Z'],
    // T separator and fractions (bulk quotes).
    ['2024-10-18T19:59:55', '2024-10-18T23:59:55.000Z'],
    ['2024-10-18 19:59:55.291', '2024-10-18T23:59:55.291Z'],
    ['2024-10-18 19:59:55.2', '2024-10-18T23:59:55.200Z'],
    ['2024-10-18 19:59:55.29', '2024-10-18T23:59:55.290Z'],
  ])('%s ET is %s', (wall, expected) => {
    expect(utc(wall)).toBe(expected);
  });

  it.each([
    '',
    '2024-03-10',
    '2024-02-30 10:00:00',
    '2023-02-29 10:00:00',
    '2024-13-01 10:00:00',
    '2024-03-10 24:00:00',
    '2024-03-10 10:60:00',
    '2024-03-10 10:00:60',
    '2024-03-10 10:00',
    '2024/03/10 10:00:00',
    '2024-03-10 10:00:00Z',
    '2024-03-10 10:00:00.1234',
    '2024-03-10 10:00:00.',
    '2024-03-10 1a:00:00',
    'abcd-ef-gh 10:00:00',
  ])('rejects %j', (text) => {
    expect(utc(text)).toBeNull();
  });

  it('accepts 29 February in leap years only', () => {
    expect(utc('2024-02-29 10:00:00')).toBe('2024-02-29T15:00:00.000Z');
    expect(utc('2000-02-29 10:00:00')).toBe('2000-02-29T15:00:00.000Z');
    expect(utc('1900-02-29 10:00:00')).toBeNull();
  });

  it('does not depend on the host time zone', () => {
    // The suite also runs under TZ=UTC and TZ=Asia/Tokyo; Node re-reads TZ when it is assigned,
    // so switch it here as well and check the results do not move.
    const saved = process.env.TZ;
    const results: (string | null)[] = [];
    try {
      for (const tz of ['UTC', 'Asia/Tokyo', 'America/Los_Angeles', 'Australia/Lord_Howe']) {
        process.env.TZ = tz;
        results.push(
          utc('2024-03-10 03:00:00'),
          utc('2024-11-03 01:30:00'),
          utc('2024-01-02 09:30:00'),
        );
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
    const expected = [
      '2024-03-10T07:00:00.000Z',
      '2024-11-03T05:30:00.000Z',
      '2024-01-02T14:30:00.000Z',
    ];
    expect(results).toEqual([...expected, ...expected, ...expected, ...expected]);
  });

  it('matches the written-out US rules for random wall clocks 2007–2037 outside the gap (property)', () => {
    const parser = new WallClockParser(NEW_YORK);
    fc.assert(
      fc.property(
        fc.integer({ min: 2007, max: 2037 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 86_399 }),
        (year, month, day, sod) => {
          fc.pre(isRealDate(year, month, day));
          const [h, m, s] = [Math.floor(sod / 3600), Math.floor(sod / 60) % 60, sod % 60];
          const expected = easternToUtcReference(year, month, day, h, m, s);
          const text = wallText({ year, month, day, hour: h, minute: m, second: s });
          const wall = utcMsToWallClock(NEW_YORK, expected);
          // Skip the spring-forward gap: those wall clocks name no instant.
          fc.pre(wallText(wall) === text);
          expect(parser.parse(text)?.utcMs).toBe(expected);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('round-trips every instant through utcMsToWallClock (property)', () => {
    const parser = new WallClockParser(NEW_YORK);
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1990, 0, 1) / 1000, max: Date.UTC(2040, 0, 1) / 1000 }),
        (sec) => {
          const instant = sec * 1000;
          const text = wallText(utcMsToWallClock(NEW_YORK, instant));
          const back = parser.parse(text)?.utcMs;
          // The repeated fall-back hour maps to its first occurrence, one hour earlier.
          expect(back === instant || back === instant - H).toBe(true);
          expect(wallText(utcMsToWallClock(NEW_YORK, back as number))).toBe(text);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('round-trips around every DST change 2000–2030 (property)', () => {
    const parser = new WallClockParser(NEW_YORK);
    // Find each change independently of the parser: a day whose noon offset differs from the
    // next day's contains one; then find the hour where the offset flips.
    const changes: number[] = [];
    const offset = (t: number) => zoneOffsetMinutes(NEW_YORK, t);
    for (let d = Date.UTC(2000, 0, 1, 12); d < Date.UTC(2031, 0, 1); d += 24 * H) {
      if (offset(d) === offset(d + 24 * H)) continue;
      let t = d;
      while (offset(t) === offset(d)) t += H;
      changes.push(t);
    }
    expect(changes.length).toBe(62);
    fc.assert(
      fc.property(
        fc.constantFrom(...changes),
        fc.integer({ min: -3 * 3600, max: 3 * 3600 }),
        (change, offset) => {
          const instant = change + offset * 1000;
          const text = wallText(utcMsToWallClock(NEW_YORK, instant));
          const back = parser.parse(text)?.utcMs;
          expect(back === instant || back === instant - H).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('is strictly increasing within a day outside the gap (property)', () => {
    const parser = new WallClockParser(NEW_YORK);
    const dstDays = [
      '2024-03-10',
      '2024-11-03',
      '2021-03-14',
      '2021-11-07',
      '2024-07-01',
      '2024-01-15',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...dstDays),
        fc.integer({ min: 0, max: 86_399 }),
        fc.integer({ min: 0, max: 86_399 }),
        (date, a, b) => {
          fc.pre(a < b);
          const text = (sod: number) =>
            `${date} ${String(Math.floor(sod / 3600)).padStart(2, '0')}:${String(Math.floor(sod / 60) % 60).padStart(2, '0')}:${String(sod % 60).padStart(2, '0')}`;
          const inGap = (sod: number) =>
            date.endsWith('-03-10') || date.endsWith('-03-14')
              ? sod >= 7200 && sod < 10_800
              : false;
          fc.pre(!inGap(a) && !inGap(b));
          expect(parser.parse(text(a))!.utcMs).toBeLessThan(parser.parse(text(b))!.utcMs);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('parseEasternTimestamp', () => {
  it('returns the UTC instant as a Date', () => {
    expect(parseEasternTimestamp('2024-03-11 09:30:00').toISOString()).toBe(
      '2024-03-11T13:30:00.000Z',
    );
    expect(parseEasternTimestamp('2024-03-11 09:30:00', 'Europe/London').toISOString()).toBe(
      '2024-03-11T09:30:00.000Z',
    );
  });
  it('throws a ValidationError for bad text or zone', () => {
    expect(() => parseEasternTimestamp('2024-03-11')).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
    expect(() => parseEasternTimestamp('2024-03-11 09:30:00', 'Mars/Olympus')).toThrow(
      /Unknown time zone/,
    );
  });
  it('resolves US/Eastern and empty zone names to America/New_York', () => {
    expect(resolveZone('US/Eastern')).toBe(NEW_YORK);
    expect(resolveZone(' ')).toBe(NEW_YORK);
    expect(resolveZone(undefined)).toBe(NEW_YORK);
    expect(resolveZone('Asia/Kolkata')).toBe('Asia/Kolkata');
  });
});

describe('IsoFormatter', () => {
  it('formats exactly like Date#toISOString (property)', () => {
    const iso = new IsoFormatter();
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.boolean(),
        (ms, whole) => {
          const t = whole ? ms - (ms % 1000) : ms;
          expect(iso.format(t)).toBe(new Date(t).toISOString());
        },
      ),
      { numRuns: 5000 },
    );
  });
  it('formats instants before 1970', () => {
    const iso = new IsoFormatter();
    const t = Date.UTC(1969, 11, 31, 23, 59, 59, 5);
    expect(iso.format(t)).toBe(new Date(t).toISOString());
  });
});
