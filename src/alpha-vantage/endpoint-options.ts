import type { CallOptions } from './client';
import type { IntradayInterval } from './types';

// Per-endpoint option types of AlphaVantageExtractor.

/** `outputsize`: `compact` = latest 100 points; `full` = whole history (intraday: 30 days or the month). */
export type OutputSize = 'compact' | 'full';

/** Options of `AlphaVantageExtractor.intraday`. */
export interface IntradayOptions extends CallOptions {
  /** Bar length. */
  interval: IntradayInterval;
  /** @default 'compact' (server default) */
  outputsize?: OutputSize;
  /** A month of history, `YYYY-MM` (2000-01 or later, not in the future). */
  month?: string;
  /** Split/dividend-adjusted bars. @default true (server default) */
  adjusted?: boolean;
  /** Include pre- and post-market bars (04:00–20:00 ET). @default true (server default) */
  extendedHours?: boolean;
  /** Premium realtime / 15-minute-delayed US data. */
  entitlement?: 'realtime' | 'delayed';
}

/** Options of the daily endpoints. */
export interface DailyOptions extends CallOptions {
  /** @default 'compact' (server default) */
  outputsize?: OutputSize;
}

/** Options of `AlphaVantageExtractor.listingStatus`. */
export interface ListingStatusOptions extends CallOptions {
  /** @default 'active' */
  state?: 'active' | 'delisted';
  /** As of this `YYYY-MM-DD` date (after 2010-01-01). */
  date?: string;
}

/** Options of `AlphaVantageExtractor.indexData`. */
export interface IndexDataOptions extends CallOptions {
  /** @default 'daily' */
  interval?: 'daily' | 'weekly' | 'monthly';
}
