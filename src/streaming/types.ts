import type { BulkQuote, Quote } from '../alpha-vantage/types';
import type { MarketCalendar } from '../calendar';
import type { Clock } from '../clock';
import type { DbHandle } from '../db/types';
import type { Logger } from '../logger';
import type { QuoteRow } from '../transform/rows';
import type { StreamingBudget, StreamStrategy, StreamStrategyName } from './strategy';

/** Per-call options the streaming service passes to the extractor. */
export interface StreamingCallOptions {
  /** Aborted by {@link StreamingService.stop}: the in-flight request (and its retries) ends. */
  signal?: AbortSignal;
  /** Called once per HTTP attempt; the service counts requests with it. */
  onRequest?: (info: { endpoint: string; attempt: number }) => void;
}

/**
 * The part of `AlphaVantageExtractor` the streaming service uses. Any object with these methods
 * works (a cache, a replayer, a test double); the extractor's own rate limiter paces the calls.
 */
export interface StreamingExtractor {
  /** GLOBAL_QUOTE for one symbol. An unknown symbol must reject with an `InvalidRequestError`. */
  quote(symbol: string, options?: StreamingCallOptions): Promise<Quote>;
  /** REALTIME_BULK_QUOTES (premium); required for `mode: 'bulk'`, used by `'auto'` when present. */
  bulkQuotes?(symbols: readonly string[], options?: StreamingCallOptions): Promise<BulkQuote[]>;
  /**
   * What is left of the key's budget (`AlphaVantageExtractor.budget()`); read by the `budget` and
   * `adaptive` strategies before every plan. Without it they only keep to `intervalMs`.
   */
  budget?(): Promise<StreamingBudget>;
  /**
   * What the key was refused as premium and is remembered (`AlphaVantageExtractor.refusals()`):
   * with `mode: 'auto'`, a remembered refusal of REALTIME_BULK_QUOTES means GLOBAL_QUOTE from the
   * start.
   */
  refusals?(): Promise<
    ReadonlyArray<{
      /** The refused Alpha Vantage `function`. */
      endpoint: string;
      /** The refused parameter value, or `null` when the whole endpoint was refused. */
      parameter: unknown;
    }>
  >;
}

/** How quotes are fetched. */
export type StreamingMode = 'quote' | 'bulk' | 'auto';

/** Options of {@link StreamingService}. */
export interface StreamingOptions {
  /** A `pg.Pool`, `pg.Client` or PGlite instance with the schema installed (`installSchema`). */
  db: DbHandle;
  /** The quote source, usually an `AlphaVantageExtractor`. */
  extractor: StreamingExtractor;
  /**
   * Symbols to poll (1 to {@link MAX_STREAM_SYMBOLS}). Upper-cased; duplicates removed, first
   * occurrence keeps its place in the rotation.
   */
  symbols: readonly string[];
  /**
   * Schema holding the tables.
   * @default 'stock_etl'
   */
  schema?: string;
  /**
   * Time from the start of one cycle to the start of the next. A cycle that takes longer is
   * followed at once by the next. At least 1000 with the system clock; any positive value when
   * a `clock` is injected (tests drive time themselves).
   * @default 60000
   */
  intervalMs?: number;
  /**
   * Poll only while the market is open (per `calendar`); otherwise sleep until the next open.
   * @default true
   */
  marketHoursOnly?: boolean;
  /**
   * With `marketHoursOnly`: also poll in pre- and post-market hours (04:00–20:00 New York time,
   * 17:00 on early-close days) instead of only the regular session.
   * @default false
   */
  extendedHours?: boolean;
  /**
   * With `marketHoursOnly`: when the market closes after a cycle of this session, run one more
   * cycle so the closing price is stored.
   * @default true
   */
  pollAtClose?: boolean;
  /** The trading calendar. @default new MarketCalendar() */
  calendar?: MarketCalendar;
  /** Time source. @default systemClock */
  clock?: Clock;
  /** Where to log. @default noopLogger */
  logger?: Logger;
  /**
   * `'quote'`: one GLOBAL_QUOTE per symbol. `'bulk'`: REALTIME_BULK_QUOTES, 100 symbols a call
   * (premium plans only; needs `extractor.bulkQuotes`). `'auto'`: bulk quotes while the key is
   * entitled to them; on the first premium refusal (or a refusal the extractor remembers, which
   * costs no request) it switches to GLOBAL_QUOTE for good, asking the refused symbols again in the
   * same cycle. Without `extractor.bulkQuotes`, `'auto'` is `'quote'`.
   * @default 'auto'
   */
  mode?: StreamingMode;
  /**
   * When cycles run and which symbols they ask for: `'fixed'` (every symbol every `intervalMs`),
   * `'budget'` (spread what is left of the key's daily budget over the rest of the session),
   * `'adaptive'` (symbols that change are polled more often than quiet ones, within the budget), or
   * a {@link StreamStrategy} of your own.
   * @default 'fixed'
   */
  strategy?: StreamStrategyName | StreamStrategy;
  /**
   * Do not store a quote whose values (all but the observation time, compared as numbers — the
   * loader's rule, see `quoteSignature`) equal the last stored quote
   * of that symbol (it is still counted and emitted, with `changed: false`). The last stored
   * quotes are read from `stock_quotes` on `start()`, so a restart does not duplicate rows.
   * @default true
   */
  skipUnchanged?: boolean;
  /**
   * Longest wait after repeated rate-limit errors (the wait doubles each time, starting at twice
   * `intervalMs`). Never below `intervalMs`.
   * @default 600000 (10 minutes)
   */
  maxBackoffMs?: number;
  /**
   * What to do with a quote that fails validation: store it in `etl_rejected_rows`
   * (`'quarantine'`) or drop it (`'skip'`). Either way an `error` event reports it.
   * @default 'quarantine'
   */
  rejectPolicy?: 'quarantine' | 'skip';
}

/** Most symbols one service polls; bulk mode covers them in 100-symbol calls. */
export const MAX_STREAM_SYMBOLS = 1000;

/** A stored (or skipped) quote, as emitted by the `quote` event. */
export interface StreamQuote extends QuoteRow {
  /** False when every value but the observation time equals the previous quote of this symbol. */
  changed: boolean;
  /** True when the row was written to `stock_quotes` in this cycle. */
  stored: boolean;
}

/** Why the service stopped. */
export type StopReason = 'requested' | 'no-symbols' | 'fatal';

/** Payload of the `error` event. */
export interface StreamingErrorEvent {
  /** The error: a `StockEtlError` — from the extractor, or a `DatabaseError` (with the SQLSTATE). */
  error: Error;
  /** The error's `code`: a `StockEtlErrorCode` (`DATABASE` for a database error), or `INTERNAL`. */
  code: string;
  /** The symbol concerned, when there is one. */
  symbol?: string;
  /** True when the service stops because of this error. */
  fatal: boolean;
}

/** Payload of `poll:start`. */
export interface PollStartEvent {
  /** 1-based cycle number (counts across restarts). */
  cycle: number;
  /** Symbols this cycle asks for. */
  symbols: string[];
  /** Clock time the cycle started. */
  at: Date;
}

/** Payload of `poll:finish`. */
export interface PollFinishEvent {
  /** The cycle number of the matching `poll:start`. */
  cycle: number;
  /** Quotes received (stored or not). */
  quotes: number;
  /** Rows written to `stock_quotes`. */
  stored: number;
  /** Quotes not stored because they were unchanged. */
  unchanged: number;
  /** `error` events emitted during the cycle. */
  errors: number;
  /** HTTP requests made (retries included), as reported through `onRequest`. */
  requests: number;
  /** Clock time the cycle took. */
  durationMs: number;
  /** True when `stop()` interrupted the cycle. */
  aborted: boolean;
}

/** Payload of `market:closed`. */
export interface MarketClosedEvent {
  /** Clock time the closure was noticed. */
  at: Date;
  /** When polling resumes (`preOpen` with `extendedHours`). */
  nextOpen: Date;
}

/** Payload of `market:open`. */
export interface MarketOpenEvent {
  /** Clock time the open was noticed. */
  at: Date;
  /** When this session ends (`postClose` with `extendedHours`). */
  closesAt: Date;
}

/** Payload of `symbol:dropped`. */
export interface SymbolDroppedEvent {
  /** The symbol removed from the rotation. */
  symbol: string;
  /** Why: the `InvalidRequestError` of its request. */
  error: Error;
  /** Symbols still polled. */
  remaining: string[];
}

/** Payload of `pause`. */
export interface PauseEvent {
  /** `rate-limit` (doubling waits) or `daily-limit` (until the quota resets). */
  reason: 'rate-limit' | 'daily-limit';
  /** When polling resumes. */
  until: Date;
  /** Length of the pause. */
  delayMs: number;
}

/** Payload of `stop`. */
export interface StopEvent {
  /** `requested` (by `stop()`), `no-symbols` (all dropped) or `fatal` (e.g. invalid API key). */
  reason: StopReason;
  /** The error that stopped the service, when `reason` is not `requested`. */
  error?: Error;
}

/**
 * The events of {@link StreamingService}. A type alias (not an interface) so it satisfies the
 * emitter's string-keyed map constraint while keeping exact event names.
 */
export type StreamingEvents = {
  /** One quote, after it was stored (or skipped as unchanged). */
  quote: StreamQuote;
  /** A cycle begins. */
  'poll:start': PollStartEvent;
  /** A cycle ended (completely, cut short by a rate limit, or aborted by `stop()`). */
  'poll:finish': PollFinishEvent;
  /** The market is closed; the service sleeps until `nextOpen`. Emitted once per closure. */
  'market:closed': MarketClosedEvent;
  /** The market is open (on start, or on waking at the open). */
  'market:open': MarketOpenEvent;
  /** An unknown symbol was removed from the rotation. */
  'symbol:dropped': SymbolDroppedEvent;
  /** Polling pauses: a rate limit (the wait doubles each time) or the spent daily quota. */
  pause: PauseEvent;
  /** Something failed. Only `fatal` errors stop the service. */
  error: StreamingErrorEvent;
  /** The loop ended; the service is stopped. */
  stop: StopEvent;
  /** `mode: 'auto'` switched from bulk quotes to GLOBAL_QUOTE after a premium refusal. */
  'mode:switch': ModeSwitchEvent;
};

/** Payload of `mode:switch`. */
export interface ModeSwitchEvent {
  /** The mode given up. */
  from: 'bulk';
  /** The mode used from now on. */
  to: 'quote';
  /** The premium refusal that caused the switch. */
  error: Error;
}

/** Counters of {@link StreamingService.stats}, accumulated across restarts. */
export interface StreamingStats {
  /** Cycles run. */
  cycles: number;
  /** Quotes received. */
  quotes: number;
  /** Rows written to `stock_quotes`. */
  stored: number;
  /** Quotes not stored because they were unchanged. */
  unchanged: number;
  /** `error` events emitted. */
  errors: number;
  /** HTTP requests made (retries included). */
  requests: number;
  /** True between `start()` and the end of the loop. */
  running: boolean;
  /** Symbols still in the rotation. */
  symbols: string[];
  /** Symbols dropped as unknown. */
  dropped: string[];
  /** When the current pause (closed market, rate limit, daily limit) ends, or `null`. */
  sleepingUntil: Date | null;
}
