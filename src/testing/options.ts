import type { FakeCalendar } from './sessions';
import type {
  FakeFaultOptions,
  FakeFixture,
  FakeKeyConfig,
  FakeListingEntry,
  FakePlan,
  FakePremiumParameter,
  FakeRateLimit,
  FakeStats,
  FaultSpec,
  RecordedRequest,
  RequestFilter,
} from './types';

/** Options of {@link startFakeAlphaVantage}. */
export interface FakeAlphaVantageOptions {
  /**
   * Port to listen on; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * Interface to listen on.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * The market's "now": data ends at the latest session at or before it, and the current
   * session only has the bars that have ended by then.
   * @default () => new Date()
   */
  now?: () => Date;
  /**
   * Time source of the rate-limit windows and of `RecordedRequest.at`, in ms. Separate from
   * `now` so a test can freeze market data while the limiter still sees time pass.
   * @default Date.now
   */
  clock?: () => number;
  /**
   * Model keys not listed in `keys` as Alpha Vantage answers a key on this plan *today*, instead
   * of the permissive default (no limits, only bulk quotes premium). Shorthand for `defaultPlan:
   * plan`, `rateLimit: PLAN_LIMITS[plan]`, `premiumFunctions: LIVE_PREMIUM_FUNCTIONS` and
   * `premiumParameters: LIVE_PREMIUM_PARAMETERS`; each of those given explicitly still wins, and a
   * key listed in `keys` on another plan gets that plan's {@link PLAN_LIMITS}.
   *
   * With `'free'`: 25 requests a day and 1 a second (the burst notice of 2025-12 beyond that);
   * `outputsize=full` on TIME_SERIES_DAILY refused with the "premium feature" notice (API.md §1.3,
   * verified live in 2026); TIME_SERIES_DAILY_ADJUSTED and REALTIME_BULK_QUOTES refused as premium
   * endpoints (API.md §1.3 / QUIRKS §9). **Assumed**, for want of evidence either way:
   * TIME_SERIES_INTRADAY `full` and `month=` are served to free keys; an `entitlement=` request is a
   * premium-endpoint refusal; the day is a sliding 24 hours; refusals for premium reasons count
   * against the day (requests refused for going too fast do not).
   * @example startFakeAlphaVantage({ plan: 'free' })
   */
  plan?: FakePlan;
  /** Known keys and their plans and limits. Keys not listed use `defaultPlan` and `rateLimit`. */
  keys?: Record<string, FakeKeyConfig>;
  /**
   * Plan of keys not listed in `keys` (the real service accepts unknown keys).
   * @default 'free'
   */
  defaultPlan?: FakePlan;
  /**
   * Answer keys not listed in `keys` with the invalid-key error instead of serving them.
   * @default false
   */
  rejectUnknownKeys?: boolean;
  /**
   * Limits of keys that do not set their own. No limit is enforced unless configured, so tests
   * are not slowed by the free tier; use {@link PLAN_LIMITS} to mimic a plan.
   * @default {}
   */
  rateLimit?: FakeRateLimit;
  /**
   * Milliseconds shaved off each rate-limit window when counting, to absorb the jitter between a
   * client's send time and the server's arrival time (a client pacing exactly N/s must not be
   * refused because two requests arrived 999 ms apart). Set 0 for exact windows.
   * @default 0
   */
  rateLimitLeewayMs?: number;
  /**
   * Which wording the daily-limit notice uses: `B` echoes the API key (as the real service does).
   * @default 'B'
   */
  dailyLimitWording?: 'A' | 'B';
  /** Canned responses served before synthetic data; the first match wins. */
  fixtures?: FakeFixture[];
  /**
   * Symbols that do not exist: a list (case-insensitive) or a predicate. Time series answer
   * `Invalid API call`, GLOBAL_QUOTE `{"Global Quote": {}}`, OVERVIEW `{}`.
   * @default symbols starting with `INVALID`, and text that is not a plausible ticker
   */
  unknownSymbols?: readonly string[] | ((symbol: string) => boolean);
  /** Random faults. */
  faults?: FakeFaultOptions;
  /**
   * Functions that free keys may not call. Requests with `entitlement=realtime|delayed` are
   * premium on any function.
   * @default ['REALTIME_BULK_QUOTES'] (with `plan`: {@link LIVE_PREMIUM_FUNCTIONS})
   */
  premiumFunctions?: readonly string[];
  /**
   * Parameter values that free keys may not ask for, answered with the "premium feature" notice.
   * @default [] (with `plan`: {@link LIVE_PREMIUM_PARAMETERS})
   */
  premiumParameters?: readonly FakePremiumParameter[];
  /** LISTING_STATUS rows (also searched by SYMBOL_SEARCH and used for names). @default a built-in list of well-known US listings */
  listing?: readonly FakeListingEntry[];
  /**
   * First day of synthetic daily history.
   * @default '2000-01-01'
   */
  historyStart?: string;
  /**
   * The trading calendar.
   * @default new MarketCalendar() (NYSE)
   */
  calendar?: FakeCalendar;
  /**
   * CSV line ending (2020 bodies used CRLF; clients must accept both).
   * @default '\r\n'
   */
  csvLineEnding?: '\r\n' | '\n';
  /**
   * How many requests `requests` keeps (oldest dropped first); counters in `stats()` are exact regardless.
   * @default 100000
   */
  maxRecordedRequests?: number;
}

/** A running fake Alpha Vantage. */
export interface FakeAlphaVantage {
  /** Base URL, e.g. `http://127.0.0.1:54321`; requests go to `${url}/query`. */
  readonly url: string;
  /** The port listened on. */
  readonly port: number;
  /** Requests received so far (a snapshot), oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Number of recorded requests matching `filter` (all when omitted). */
  requestCount(filter?: RequestFilter): number;
  /** Counters since start or the last `reset()`. */
  stats(): FakeStats;
  /** Queues a scripted fault for upcoming matching requests. */
  inject(fault: FaultSpec): void;
  /** Number of scripted faults still queued (a fault with `times: 3` counts 3). */
  pendingFaults(): number;
  /** Forgets requests, counters, queued faults and rate-limit windows; re-seeds random faults. */
  reset(): void;
  /** Stops listening, drops open connections and pending delayed answers. Idempotent. */
  close(): Promise<void>;
}

/** Published request allowances of each plan (API.md §1.1), ready for `rateLimit` or `keys`. */
export const PLAN_LIMITS: Readonly<Record<FakePlan, Readonly<FakeRateLimit>>> = Object.freeze({
  free: Object.freeze({ perSecond: 1, perDay: 25 }),
  'premium-75': Object.freeze({ perSecond: 5, perMinute: 75 }),
  'premium-150': Object.freeze({ perSecond: 5, perMinute: 150 }),
  'premium-300': Object.freeze({ perSecond: 10, perMinute: 300 }),
  'premium-600': Object.freeze({ perSecond: 20, perMinute: 600 }),
  'premium-1200': Object.freeze({ perSecond: 30, perMinute: 1200 }),
});

/** Functions Alpha Vantage refuses to free keys today (API.md §1.3; QUIRKS §9 for DAILY_ADJUSTED). */
export const LIVE_PREMIUM_FUNCTIONS: readonly string[] = Object.freeze([
  'REALTIME_BULK_QUOTES',
  'TIME_SERIES_DAILY_ADJUSTED',
]);

/** Parameter values Alpha Vantage refuses to free keys today (API.md §1.3, 2024–2026). */
export const LIVE_PREMIUM_PARAMETERS: readonly FakePremiumParameter[] = Object.freeze([
  Object.freeze({ function: 'TIME_SERIES_DAILY', parameter: 'outputsize', value: 'full' }),
]);
