import { afterEach, describe, expect, it } from 'vitest';
import { MarketCalendar, type MarketSession } from '../../../src/calendar';

const cal = new MarketCalendar();

/** A session as `[date, preOpen, open, close, postClose]` in UTC `HH:MM` (next day marked +1). */
function utcRow(s: MarketSession): string[] {
  const hm = (d: Date) => {
    const t = d.toISOString();
    return t.slice(0, 10) === s.date ? t.slice(11, 16) : `${t.slice(11, 16)}+1`;
  };
  return [s.date, hm(s.preOpen), hm(s.open), hm(s.close), hm(s.postClose)];
}

const EST = ['09:00', '14:30', '21:00', '01:00+1'];
const EDT = ['08:00', '13:30', '20:00', '00:00+1'];

/*
 * US DST dates (America/New_York, IANA tzdb): 2006 used the pre-2007 rules (first Sunday in
 * April, last Sunday in October); since 2007 the second Sunday in March and first Sunday in
 * November. https://www.nist.gov/pml/time-and-frequency-division/popular-links/daylight-saving-time-dst
 */
const DST_WEEKS: Array<[string, string, string, string[][]]> = [
  [
    '2006 spring (old rules)',
    '2006-03-27',
    '2006-04-07',
    [
      ...['27', '28', '29', '30', '31'].map((d) => [`2006-03-${d}`, ...EST]),
      ...['03', '04', '05', '06', '07'].map((d) => [`2006-04-${d}`, ...EDT]),
    ],
  ],
  [
    '2007 spring (first year of new rules)',
    '2007-03-05',
    '2007-03-16',
    [
      ...['05', '06', '07', '08', '09'].map((d) => [`2007-03-${d}`, ...EST]),
      ...['12', '13', '14', '15', '16'].map((d) => [`2007-03-${d}`, ...EDT]),
    ],
  ],
  [
    '2024 spring',
    '2024-03-04',
    '2024-03-15',
    [
      ...['04', '05', '06', '07', '08'].map((d) => [`2024-03-${d}`, ...EST]),
      ...['11', '12', '13', '14', '15'].map((d) => [`2024-03-${d}`, ...EDT]),
    ],
  ],
  [
    '2024 autumn',
    '2024-10-28',
    '2024-11-08',
    [
      ...['28', '29', '30', '31'].map((d) => [`2024-10-${d}`, ...EDT]),
      ['2024-11-01', ...EDT],
      ...['04', '05', '06', '07', '08'].map((d) => [`2024-11-${d}`, ...EST]),
    ],
  ],
  [
    '2026 autumn',
    '2026-10-26',
    '2026-11-06',
    [
      ...['26', '27', '28', '29', '30'].map((d) => [`2026-10-${d}`, ...EDT]),
      ...['02', '03', '04', '05', '06'].map((d) => [`2026-11-${d}`, ...EST]),
    ],
  ],
];

describe('sessions across DST changes', () => {
  for (const [name, from, to, rows] of DST_WEEKS) {
    it(`${name}: every instant in UTC`, () => {
      expect(cal.sessionsBetween(from, to).map(utcRow)).toEqual(rows);
    });
  }

  it('isOpen follows the wall clock on both sides of a change', () => {
    expect(cal.isOpen(new Date('2024-03-08T14:00:00Z'))).toBe(false); // 09:00 EST
    expect(cal.isOpen(new Date('2024-03-11T14:00:00Z'))).toBe(true); // 10:00 EDT
    expect(cal.isOpen(new Date('2024-03-08T20:30:00Z'))).toBe(true); // 15:30 EST
    expect(cal.isOpen(new Date('2024-03-11T20:30:00Z'))).toBe(false); // 16:30 EDT
  });
});

describe('isOpen', () => {
  const day = '2024-06-12T'; // a Wednesday in EDT: 04:00 = 08:00Z … 20:00 = 24:00Z
  it.each([
    ['07:59:59.999Z', false, false],
    ['08:00:00Z', false, true],
    ['13:29:59.999Z', false, true],
    ['13:30:00Z', true, true],
    ['19:59:59.999Z', true, true],
    ['20:00:00Z', false, true],
    ['23:59:59.999Z', false, true],
  ])('at %s: regular %s, extended %s', (time, regular, extended) => {
    const t = new Date(day + time);
    expect(cal.isOpen(t)).toBe(regular);
    expect(cal.isOpen(t, { extendedHours: false })).toBe(regular);
    expect(cal.isOpen(t, { extendedHours: true })).toBe(extended);
  });

  it('ends post-market at 17:00 ET on an early close', () => {
    expect(cal.isOpen(new Date('2024-12-24T17:59:00Z'))).toBe(true); // 12:59 EST
    expect(cal.isOpen(new Date('2024-12-24T18:00:00Z'))).toBe(false); // 13:00 EST
    expect(cal.isOpen(new Date('2024-12-24T21:59:00Z'), { extendedHours: true })).toBe(true);
    expect(cal.isOpen(new Date('2024-12-24T22:00:00Z'), { extendedHours: true })).toBe(false);
  });

  it('is false on weekends and holidays, extended or not', () => {
    for (const t of ['2024-06-15T15:00:00Z', '2024-07-04T15:00:00Z', '2025-01-09T15:00:00Z']) {
      expect(cal.isOpen(new Date(t))).toBe(false);
      expect(cal.isOpen(new Date(t), { extendedHours: true })).toBe(false);
    }
  });
});

describe('nextOpen and previousClose', () => {
  it('skips a weekend and a holiday', () => {
    // Friday 2024-08-30 after the close → Labor Day Monday → Tuesday 2024-09-03.
    expect(cal.nextOpen(new Date('2024-08-30T21:00:00Z'))).toEqual(
      new Date('2024-09-03T13:30:00Z'),
    );
    expect(cal.previousClose(new Date('2024-09-03T12:00:00Z'))).toEqual(
      new Date('2024-08-30T20:00:00Z'),
    );
  });

  it('is strictly after for nextOpen and inclusive for previousClose', () => {
    const open = new Date('2024-06-12T13:30:00Z');
    expect(cal.nextOpen(new Date(open.getTime() - 1))).toEqual(open);
    expect(cal.nextOpen(open)).toEqual(new Date('2024-06-13T13:30:00Z'));
    const close = new Date('2024-06-12T20:00:00Z');
    expect(cal.previousClose(close)).toEqual(close);
    expect(cal.previousClose(new Date(close.getTime() - 1))).toEqual(
      new Date('2024-06-11T20:00:00Z'),
    );
  });

  it('uses preOpen and postClose with extendedHours', () => {
    const t = new Date('2024-06-12T06:00:00Z'); // 02:00 ET
    expect(cal.nextOpen(t, { extendedHours: true })).toEqual(new Date('2024-06-12T08:00:00Z'));
    expect(cal.nextOpen(t)).toEqual(new Date('2024-06-12T13:30:00Z'));
    expect(cal.previousClose(t, { extendedHours: true })).toEqual(new Date('2024-06-12T00:00:00Z'));
    expect(cal.previousClose(t)).toEqual(new Date('2024-06-11T20:00:00Z'));
  });

  it('returns the 13:00 close of an early-close day', () => {
    expect(cal.previousClose(new Date('2024-11-29T20:00:00Z'))).toEqual(
      new Date('2024-11-29T18:00:00Z'),
    );
    expect(cal.previousClose(new Date('2024-11-29T23:00:00Z'), { extendedHours: true })).toEqual(
      new Date('2024-11-29T22:00:00Z'),
    );
  });

  it('crosses a DST change: Friday EST close → Monday EDT open', () => {
    expect(cal.nextOpen(new Date('2024-03-08T21:00:00Z'))).toEqual(
      new Date('2024-03-11T13:30:00Z'),
    );
  });
});

describe('dates', () => {
  it('reads a Date as the New York calendar day of that instant', () => {
    // 2024-07-04T02:00Z is 22:00 on July 3 in New York (an early-close trading day).
    expect(cal.isTradingDay(new Date('2024-07-04T02:00:00Z'))).toBe(true);
    expect(cal.session(new Date('2024-07-04T03:59:59.999Z'))?.date).toBe('2024-07-03');
    expect(cal.session(new Date('2024-07-04T04:00:00Z'))).toBeNull();
    // Monday 2024-11-04 (EST) starts at 05:00Z; Monday 2024-03-11 (EDT) starts at 04:00Z.
    expect(cal.session(new Date('2024-11-04T04:30:00Z'))).toBeNull(); // Sunday 23:30 EST
    expect(cal.session(new Date('2024-11-04T05:00:00Z'))?.date).toBe('2024-11-04');
    expect(cal.session(new Date('2024-03-11T03:59:59.999Z'))).toBeNull();
    expect(cal.session(new Date('2024-03-11T04:00:00Z'))?.date).toBe('2024-03-11');
  });

  it('walks trading days over holidays', () => {
    expect(cal.nextTradingDay('2024-12-24')).toBe('2024-12-26');
    expect(cal.previousTradingDay('2025-01-02')).toBe('2024-12-31');
    expect(cal.nextTradingDay('2025-01-08')).toBe('2025-01-10');
    expect(cal.tradingDaysBetween('2024-12-20', '2024-12-27')).toEqual([
      '2024-12-20',
      '2024-12-23',
      '2024-12-24',
      '2024-12-26',
      '2024-12-27',
    ]);
    expect(cal.tradingDaysBetween('2024-12-27', '2024-12-20')).toEqual([]);
    expect(cal.sessionsBetween('2024-12-25', '2024-12-25')).toEqual([]);
  });

  it('computes years beyond 2100 by the rules', () => {
    expect(cal.closureReason('2101-07-04')).toBe('Independence Day');
    expect(cal.session('2101-11-25')?.earlyClose).toBe(true); // the Friday after Thanksgiving
  });
});

describe('host time zone independence', () => {
  const original = process.env.TZ;
  afterEach(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  function snapshot(): unknown {
    const c = new MarketCalendar();
    return {
      sessions: c.sessionsBetween('2024-03-01', '2024-11-30').map(utcRow),
      dayOf: c.session(new Date('2024-11-04T05:00:00Z'))?.date,
      next: c.nextOpen(new Date('2024-11-01T21:00:00Z')).toISOString(),
      holidays: c.holidays(2026),
    };
  }

  it('gives identical results under UTC, Asia/Tokyo and America/Los_Angeles', () => {
    process.env.TZ = 'UTC';
    const utc = snapshot();
    process.env.TZ = 'Asia/Tokyo';
    expect(new Date(2024, 0, 1).getTimezoneOffset()).toBe(-540); // the switch took effect
    expect(snapshot()).toEqual(utc);
    process.env.TZ = 'America/Los_Angeles';
    expect(snapshot()).toEqual(utc);
  });
});
