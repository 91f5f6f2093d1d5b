/**
 * One-off NYSE closures and unscheduled early closes — days no rule predicts.
 *
 * Listed from 1985 (complete from 2000). Sources: the NYSE/ICE announcements for each event, and
 * the NYSE closings history compiled in pandas_market_calendars
 * (https://github.com/rsheftel/pandas_market_calendars/blob/088e5ed1cfa05fa1ae00897ec65d413b3b31b29b/pandas_market_calendars/holidays_nyse.py).
 * When the exchange closes unexpectedly before a release ships it, callers add the day with
 * `MarketCalendar.addClosure` or the `closures` option.
 */

/** A one-off full-day closure of the NYSE. */
export interface OneOffClosure {
  /** New York calendar day, `YYYY-MM-DD`. */
  readonly date: string;
  /** Why the exchange was closed. */
  readonly reason: string;
}

/** A one-off early close of the NYSE (not produced by the holiday rules). */
export interface OneOffEarlyClose {
  /** New York calendar day, `YYYY-MM-DD`. */
  readonly date: string;
  /** Close, `HH:MM` New York time. */
  readonly time: string;
  /** Why the exchange closed early. */
  readonly reason: string;
}

/**
 * Unscheduled full-day NYSE closures since 1985, ascending. Each is verified against the
 * exchange's announcement or contemporary news reports (see the calendar tests for URLs).
 */
export const NYSE_ONE_OFF_CLOSURES: readonly OneOffClosure[] = Object.freeze([
  { date: '1985-09-27', reason: 'Hurricane Gloria' },
  { date: '1994-04-27', reason: 'National Day of Mourning for former President Richard Nixon' },
  { date: '2001-09-11', reason: 'September 11 attacks' },
  { date: '2001-09-12', reason: 'September 11 attacks' },
  { date: '2001-09-13', reason: 'September 11 attacks' },
  { date: '2001-09-14', reason: 'September 11 attacks' },
  { date: '2004-06-11', reason: 'National Day of Mourning for former President Ronald Reagan' },
  { date: '2007-01-02', reason: 'National Day of Mourning for former President Gerald Ford' },
  { date: '2012-10-29', reason: 'Hurricane Sandy' },
  { date: '2012-10-30', reason: 'Hurricane Sandy' },
  {
    date: '2018-12-05',
    reason: 'National Day of Mourning for former President George H. W. Bush',
  },
  { date: '2025-01-09', reason: 'National Day of Mourning for former President Jimmy Carter' },
]);

/**
 * Early closes that no rule produces: the exchange closed at 13:00 on the Friday after a Thursday
 * Christmas in 1997 and 2003. (Closes forced by outages, such as 2005-06-01, are not schedules and
 * are not listed.)
 */
export const NYSE_ONE_OFF_EARLY_CLOSES: readonly OneOffEarlyClose[] = Object.freeze([
  { date: '1997-12-26', time: '13:00', reason: 'Day after Christmas' },
  { date: '2003-12-26', time: '13:00', reason: 'Day after Christmas' },
]);
