import { describe, expect, it } from 'vitest';
import { MarketCalendar, NYSE_ONE_OFF_CLOSURES } from '../../../src/calendar';

/*
 * Every NYSE full-day closure and early close of 2020–2027, transcribed from the exchange's own
 * announcements (NYSE Group press releases, as republished verbatim):
 *  - 2020–2022: https://mondovisione.com/media-and-resources/news/nyse-group-announces-2020-2021-and-2022-holiday-and-early-closings-calendar/
 *  - 2021–2023: https://mondovisione.com/media-and-resources/news/nyse-group-announces-2021-2022-and-2023-holiday-and-early-closings-calendar/
 *  - 2022–2024 (adds Juneteenth; New Year's Day 2022 "No holiday observed, pursuant to NYSE
 *    Rule 7.2"): https://mondovisione.com/media-and-resources/news/nyse-group-announces-2022-2023-and-2024-holiday-and-early-closings-calendar/
 *  - 2025–2027: https://mondovisione.com/media-and-resources/news/nyse-group-announces-2025-2026-and-2027-holiday-and-early-closings-calendar/
 *  - live calendar: https://www.nyse.com/markets/hours-calendars
 * Each release also states the 13:00 early closes and that the late trading sessions (post-market)
 * close at 17:00 on those days. Carter's day of mourning (2025-01-09) was announced separately:
 * https://www.ibtimes.com/nyse-nasdaq-markets-closed-jan-9-day-mourning-jimmy-carter-3757298
 */
const HOLIDAYS: Record<number, string[]> = {
  2020: ['01-01', '01-20', '02-17', '04-10', '05-25', '07-03', '09-07', '11-26', '12-25'],
  // New Year's Day 2022 is a Saturday: not observed on Friday 2021-12-31.
  2021: ['01-01', '01-18', '02-15', '04-02', '05-31', '07-05', '09-06', '11-25', '12-24'],
  2022: ['01-17', '02-21', '04-15', '05-30', '06-20', '07-04', '09-05', '11-24', '12-26'],
  2023: ['01-02', '01-16', '02-20', '04-07', '05-29', '06-19', '07-04', '09-04', '11-23', '12-25'],
  2024: ['01-01', '01-15', '02-19', '03-29', '05-27', '06-19', '07-04', '09-02', '11-28', '12-25'],
  2025: [
    ...['01-01', '01-09', '01-20', '02-17', '04-18', '05-26', '06-19', '07-04', '09-01'],
    ...['11-27', '12-25'],
  ],
  2026: ['01-01', '01-19', '02-16', '04-03', '05-25', '06-19', '07-03', '09-07', '11-26', '12-25'],
  2027: ['01-01', '01-18', '02-15', '03-26', '05-31', '06-18', '07-05', '09-06', '11-25', '12-24'],
};

/** 13:00 ET early closes, from the same releases. */
const EARLY_CLOSES: Record<number, string[]> = {
  2020: ['11-27', '12-24'],
  2021: ['11-26'],
  2022: ['11-25'],
  2023: ['07-03', '11-24'],
  2024: ['07-03', '11-29', '12-24'],
  2025: ['07-03', '11-28', '12-24'],
  2026: ['11-27', '12-24'],
  2027: ['11-26'],
};

const cal = new MarketCalendar();

describe('NYSE holidays 2020–2027', () => {
  for (const [year, days] of Object.entries(HOLIDAYS)) {
    it(`lists exactly the published closures of ${year}`, () => {
      const got = cal.holidays(Number(year)).map((h) => h.date);
      expect(got).toEqual(days.map((d) => `${year}-${d}`));
      for (const date of got) {
        expect(cal.isTradingDay(date)).toBe(false);
        expect(cal.session(date)).toBeNull();
        expect(cal.closureReason(date)).toBeTruthy();
      }
    });
  }

  it('names observed holidays', () => {
    expect(cal.closureReason('2021-12-24')).toBe('Christmas Day (observed)');
    expect(cal.closureReason('2022-06-20')).toBe('Juneteenth National Independence Day (observed)');
    expect(cal.closureReason('2027-06-18')).toBe('Juneteenth National Independence Day (observed)');
    expect(cal.closureReason('2023-01-02')).toBe("New Year's Day (observed)");
    expect(cal.closureReason('2024-03-29')).toBe('Good Friday');
  });

  it('keeps the Friday before a Saturday New Year’s Day open (Rule 7.2)', () => {
    for (const date of ['2021-12-31', '2010-12-31', '2004-12-31', '2032-12-31']) {
      expect(cal.isTradingDay(date)).toBe(true);
      expect(cal.closureReason(date)).toBeNull();
    }
  });

  it('observes MLK Day only from 1998 and Juneteenth only from 2022', () => {
    expect(cal.closureReason('1998-01-19')).toBe('Martin Luther King Jr. Day');
    expect(cal.isTradingDay('1997-01-20')).toBe(true);
    expect(cal.isTradingDay('2021-06-18')).toBe(true); // Juneteenth 2021 (a Saturday) fell before
    expect(cal.isTradingDay('2021-06-21')).toBe(true);
  });

  it('computes Good Friday from Easter in far years', () => {
    // Easter Sundays: 2000-04-23, 2038-04-25 (latest possible), 2285-03-22 (earliest possible).
    expect(cal.closureReason('2000-04-21')).toBe('Good Friday');
    expect(cal.closureReason('2038-04-23')).toBe('Good Friday');
    expect(cal.closureReason('2285-03-20')).toBe('Good Friday');
  });

  it('counts the published number of trading days a year', () => {
    const count = (y: number) => cal.tradingDaysBetween(`${y}-01-01`, `${y}-12-31`).length;
    expect([2020, 2021, 2022, 2023, 2024, 2025].map(count)).toEqual([253, 252, 251, 250, 252, 250]);
  });
});

describe('NYSE early closes 2020–2027', () => {
  for (const [year, days] of Object.entries(EARLY_CLOSES)) {
    it(`lists exactly the published early closes of ${year}`, () => {
      const early = cal
        .sessionsBetween(`${year}-01-01`, `${year}-12-31`)
        .filter((s) => s.earlyClose);
      expect(early.map((s) => s.date)).toEqual(days.map((d) => `${year}-${d}`));
      for (const s of early) {
        // All early closes of these years are in EST or EDT; both sides checked by wall clock.
        const offsetHours = s.open.getUTCHours() - 9; // 4 in EDT, 5 in EST
        expect(s.close.getUTCHours()).toBe(13 + offsetHours);
        expect(s.close.getUTCMinutes()).toBe(0);
        expect(s.postClose.getUTCHours()).toBe(17 + offsetHours);
        expect(cal.earlyCloseReason(s.date)).toBeTruthy();
      }
    });
  }

  it('exact instants of Black Friday 2024 (EST) and July 3 2024 (EDT)', () => {
    expect(cal.session('2024-11-29')).toEqual({
      date: '2024-11-29',
      open: new Date('2024-11-29T14:30:00Z'),
      close: new Date('2024-11-29T18:00:00Z'),
      earlyClose: true,
      preOpen: new Date('2024-11-29T09:00:00Z'),
      postClose: new Date('2024-11-29T22:00:00Z'),
    });
    expect(cal.session('2024-07-03')?.close).toEqual(new Date('2024-07-03T17:00:00Z'));
    expect(cal.earlyCloseReason('2024-07-03')).toBe('Day before Independence Day');
    expect(cal.earlyCloseReason('2024-07-05')).toBeNull();
  });

  /*
   * July 4 on a Thursday: the half day was Friday July 5 until 2012 and has been Wednesday
   * July 3 since 2013 (rules and history in pandas_market_calendars,
   * https://github.com/rsheftel/pandas_market_calendars/blob/088e5ed1cfa05fa1ae00897ec65d413b3b31b29b/pandas_market_calendars/holidays_nyse.py
   * — FridayAfterIndependenceDayNYSEpre2013, WednesdayBeforeIndependenceDayPost2013).
   */
  it('moves the July half day from Friday July 5 (2002) to Wednesday July 3 (2013, 2019)', () => {
    expect(cal.session('2002-07-05')?.earlyClose).toBe(true);
    expect(cal.session('2002-07-03')?.earlyClose).toBe(false);
    expect(cal.session('2013-07-03')?.earlyClose).toBe(true);
    expect(cal.session('2013-07-05')?.earlyClose).toBe(false);
    expect(cal.session('2019-07-03')?.earlyClose).toBe(true);
  });

  it('has no July half day when July 4 is a Monday or a weekend', () => {
    expect(cal.session('2022-07-01')?.earlyClose).toBe(false); // July 4 2022: Monday
    expect(cal.session('2020-07-02')?.earlyClose).toBe(false); // July 4 2020: Saturday
    expect(cal.session('2021-07-02')?.earlyClose).toBe(false); // July 4 2021: Sunday
  });

  it('closes early on a Monday Christmas Eve and the 2003 day after Christmas', () => {
    expect(cal.session('2018-12-24')?.earlyClose).toBe(true);
    expect(cal.session('2012-12-24')?.earlyClose).toBe(true);
    expect(cal.session('2003-12-26')?.earlyClose).toBe(true);
    expect(cal.earlyCloseReason('2003-12-26')).toBe('Day after Christmas');
    expect(cal.session('2008-12-26')?.earlyClose).toBe(false);
  });
});

/*
 * One-off closures, each checked against public sources:
 *  - 2001-09-11..14 September 11: https://en.wikipedia.org/wiki/Aftermath_of_the_September_11_attacks
 *  - 2004-06-11 Reagan, 2007-01-02 Ford, 2012-10-29/30 Sandy, 2018-12-05 G. H. W. Bush, 1994-04-27
 *    Nixon, 1985-09-27 Gloria: pandas_market_calendars holidays_nyse.py (URL above), and
 *    https://www.nyse.com/markets/hours-calendars
 *  - 2025-01-09 Carter: https://www.ibtimes.com/nyse-nasdaq-markets-closed-jan-9-day-mourning-jimmy-carter-3757298
 */
describe('one-off closures', () => {
  const expected = [
    '1985-09-27',
    '1994-04-27',
    '2001-09-11',
    '2001-09-12',
    '2001-09-13',
    '2001-09-14',
    '2004-06-11',
    '2007-01-02',
    '2012-10-29',
    '2012-10-30',
    '2018-12-05',
    '2025-01-09',
  ];

  it('lists every closure since 2000 that the issue names, ascending', () => {
    expect(NYSE_ONE_OFF_CLOSURES.map((c) => c.date)).toEqual(expected);
  });

  it('closes each day with its reason and includes it in holidays()', () => {
    for (const { date, reason } of NYSE_ONE_OFF_CLOSURES) {
      expect(cal.isTradingDay(date)).toBe(false);
      expect(cal.closureReason(date)).toBe(reason);
      expect(cal.holidays(Number(date.slice(0, 4))).map((h) => h.date)).toContain(date);
    }
    expect(cal.closureReason('2012-10-29')).toBe('Hurricane Sandy');
    expect(cal.closureReason('2007-01-02')).toMatch(/Ford/);
  });

  it('reopens after the September 2001 closure on Monday 2001-09-17', () => {
    expect(cal.nextTradingDay('2001-09-10')).toBe('2001-09-17');
    expect(cal.previousTradingDay('2001-09-17')).toBe('2001-09-10');
    expect(cal.nextOpen(new Date('2001-09-10T20:00:00Z'))).toEqual(
      new Date('2001-09-17T13:30:00Z'),
    );
  });

  it('is frozen data', () => {
    expect(Object.isFrozen(NYSE_ONE_OFF_CLOSURES)).toBe(true);
  });
});
