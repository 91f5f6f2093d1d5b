/** One NYSE trading day: its regular and extended-hours bounds as UTC instants. */
export interface MarketSession {
  /** New York calendar day, `YYYY-MM-DD`. */
  date: string;
  /** Regular-session open, 09:30 New York time. */
  open: Date;
  /** Regular-session close: 16:00 New York time, or the early-close time. */
  close: Date;
  /** True when the regular session ends early (usually 13:00). */
  earlyClose: boolean;
  /** Start of pre-market trading, 04:00 New York time. */
  preOpen: Date;
  /** End of post-market trading: 20:00 New York time, 17:00 on early-close days. */
  postClose: Date;
}

/** Closures and early closes to add on top of the built-in NYSE calendar. */
export interface MarketCalendarOptions {
  /**
   * Extra full-day closures (weekdays only), e.g. a closure announced after this release.
   * @default []
   */
  closures?: ReadonlyArray<{
    /** The closed day, `YYYY-MM-DD`. */
    date: string;
    /** Why the market is closed. */
    reason: string;
  }>;
  /**
   * Extra early closes; `time` is `HH:MM` New York time, after 09:30 and before 16:00.
   * @default []
   */
  earlyCloses?: ReadonlyArray<{
    /** The day, `YYYY-MM-DD`. */
    date: string;
    /** The early closing time, `HH:MM` New York time. */
    time: string;
    /** Why the market closes early. */
    reason?: string;
  }>;
}

/** Which hours count as "open". */
export interface MarketHoursOptions {
  /**
   * Include pre-market (from 04:00) and post-market (to 20:00, 17:00 on early-close days) trading.
   * @default false
   */
  extendedHours?: boolean;
}
