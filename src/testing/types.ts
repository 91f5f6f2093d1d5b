/**
 * Public types of the fake Alpha Vantage server (`stock-etl/testing`).
 */

/** A subscription plan. Free keys get premium notices on premium endpoints. */
export type FakePlan =
  | 'free'
  | 'premium-75'
  | 'premium-150'
  | 'premium-300'
  | 'premium-600'
  | 'premium-1200';

/** Request allowance of one key; a missing field means "no limit" on that window. */
export interface FakeRateLimit {
  /** Accepted requests per sliding 1 s window. */
  perSecond?: number;
  /** Accepted requests per sliding 60 s window. */
  perMinute?: number;
  /** Accepted requests per sliding 24 h window. */
  perDay?: number;
}

/** Configuration of one API key. */
export interface FakeKeyConfig extends FakeRateLimit {
  /** The key's plan; decides premium access and the wording of limit notices. */
  plan: FakePlan;
}

/**
 * A parameter value that free keys may not ask for on one function: answered with the
 * "premium feature" notice that names it (e.g. `outputsize=full` on TIME_SERIES_DAILY).
 */
export interface FakePremiumParameter {
  /** The `function`, e.g. `TIME_SERIES_DAILY`. */
  function: string;
  /** The parameter name, e.g. `outputsize`. */
  parameter: string;
  /** The refused value, e.g. `full`. */
  value: string;
}

/** A canned response served instead of synthetic data when every `match` entry equals a query parameter. */
export interface FakeFixture {
  /** Query parameters that must all be present with these values (`function` and `symbol` compare case-insensitively; `apikey` is never compared). */
  match: Record<string, string>;
  /** The response body, sent verbatim. */
  body: string;
  /**
   * Content type of `body`.
   * @default 'application/json' (or the CSV type when the body does not start with `{` or `[`)
   */
  contentType?: string;
  /**
   * HTTP status.
   * @default 200
   */
  status?: number;
}

/** Every fault the server can script. */
export type FaultKind =
  | 'http-500'
  | 'http-503'
  | 'delay'
  | 'reset'
  | 'truncate'
  | 'malformed-number'
  | 'duplicate-timestamp'
  | 'empty-series'
  | 'empty-object'
  | 'html'
  | 'rate-limit-note'
  | 'rate-limit-information'
  | 'burst'
  | 'daily-limit'
  | 'premium'
  | 'premium-parameter'
  | 'invalid-call'
  | 'invalid-key';

/** A fault to inject into upcoming matching requests. */
export interface FaultSpec {
  /** What goes wrong. */
  kind: FaultKind;
  /** Only requests with this `function` and/or `symbol` (case-insensitive) trigger it; omitted = any request. */
  match?: {
    /** The `function` query parameter to match, case-insensitive. */
    function?: string;
    /** The `symbol` query parameter to match, case-insensitive. */
    symbol?: string;
  };
  /**
   * How many matching requests it affects.
   * @default 1
   */
  times?: number;
  /**
   * For `delay`: how long to wait before answering normally.
   * @default 30000
   */
  delayMs?: number;
  /**
   * For `html`: the HTTP status of the proxy page (the real thing has been seen with 502 and 200).
   * @default 502
   */
  status?: number;
}

/** Random faults drawn from a seeded generator, so a run is reproducible. */
export interface FakeFaultOptions {
  /**
   * Seed of the fault dice.
   * @default 1
   */
  seed?: number;
  /** Probability (0–1) per request of each kind; kinds are tried in a fixed order and at most one fires. */
  probability?: Partial<Record<FaultKind, number>>;
}

/** One LISTING_STATUS row. */
export interface FakeListingEntry {
  /** Ticker, e.g. `BRK-B`. */
  symbol: string;
  /** Company name (the real CSV strips commas; so must you). */
  name: string;
  /** `NYSE`, `NASDAQ`, `NYSE ARCA`, `NYSE MKT`, `BATS`, `AMEX`. */
  exchange: string;
  /** `Stock` or `ETF`. */
  assetType: 'Stock' | 'ETF';
  /** `YYYY-MM-DD`. */
  ipoDate: string;
  /** `YYYY-MM-DD`, or `null` while listed. */
  delistingDate: string | null;
}

/** How the server answered a request. */
export type RequestOutcome =
  | 'served'
  | 'fixture'
  | 'rate-limited'
  | 'fault'
  | 'rejected'
  | 'not-found';

/** One request as the server saw it. The API key itself is never stored. */
export interface RecordedRequest {
  /** 1-based arrival order. */
  seq: number;
  /** Arrival time, milliseconds since the epoch (from the `clock` option). */
  at: number;
  /** HTTP method. */
  method: string;
  /** URL path, e.g. `/query`. */
  path: string;
  /** The `function` parameter, upper-cased, or `''`. */
  function: string;
  /** The `symbol` parameter as sent, or `''`. */
  symbol: string;
  /** Every query parameter except `apikey`. */
  params: Readonly<Record<string, string>>;
  /** Whether a non-empty `apikey` was sent. */
  hasApiKey: boolean;
  /** SHA-256 of the key in hex (see `hashApiKey`; the key itself is never kept), or `null` without a key. */
  apiKeyHash: string | null;
  /** How it was answered. */
  outcome: RequestOutcome;
  /** HTTP status sent (0 when the connection was reset). */
  status: number;
  /** The fault applied, if any. */
  fault?: FaultKind;
}

/** Filter for {@link FakeAlphaVantage.requestCount}; every given field must match. */
export interface RequestFilter {
  /** `function`, case-insensitive. */
  function?: string;
  /** `symbol`, case-insensitive. */
  symbol?: string;
  /** The plain API key; compared by hash. */
  apiKey?: string;
  /** Outcome. */
  outcome?: RequestOutcome;
}

/** Counters since start (or the last `reset()`). */
export interface FakeStats {
  /** Every request received. */
  total: number;
  /** Answered with data (synthetic or fixture). */
  served: number;
  /** Refused by the server's own rate limiting. */
  rateLimited: number;
  /** Answered with a scripted or random fault. */
  faults: number;
  /** Refused for another reason: key, premium, invalid call, unknown function. */
  rejected: number;
}
