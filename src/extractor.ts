import type { AlphaVantagePlan } from './alpha-vantage/options';
import type {
  AdjustedPriceBar,
  CompanyOverview,
  IndexBar,
  IntradayInterval,
  PriceBar,
  Quote,
  TimeSeries,
} from './alpha-vantage/types';

/**
 * The extract stage's port: what a source of market data implements so a `Pipeline` can load from
 * it. Data flows one way — extract → transform → load — and this is the seam at the start:
 * `AlphaVantageExtractor` (the live API) and `FileExtractor` (saved Alpha Vantage responses)
 * implement it, and so can your own source (a cache, a vendor feed converted to these shapes).
 *
 * It lives beside the other injected ports (`Clock`, `Logger`), not inside one implementation's
 * folder.
 */

/** Per-call options the pipeline passes to the extractor. */
export interface ExtractCallOptions {
  /** Stops the request (and its retries). */
  signal?: AbortSignal;
  /** Called once per HTTP attempt: how the pipeline counts `apiCalls`. */
  onRequest?: (info: { endpoint: string; attempt: number }) => void;
  /** Return unparseable bars in `malformed` (quarantined) instead of failing the response. */
  malformedRows?: 'throw' | 'report';
}

/**
 * A source of market data: the methods a `Pipeline` calls, one per dataset, each returning the
 * parsed shapes of the Alpha Vantage endpoint of the same name. {@link AlphaVantageExtractor}
 * and {@link FileExtractor} implement it; any object with these methods works, so a host app can
 * wrap or replace the source.
 *
 * A source that reaches no API does not call `onRequest` (the pipeline counts `apiCalls` with it).
 * Honour `signal` (abort) and `malformedRows` (`'report'`: bars that cannot be parsed come back in
 * `malformed` and are quarantined; `'throw'`: they fail the call).
 *
 * @example
 * ```ts
 * class CachedExtractor implements Extractor {
 *   constructor(private readonly inner: Extractor) {}
 *   daily(symbol: string, options?: ExtractCallOptions & { outputsize?: 'compact' | 'full' }) {
 *     return this.inner.daily(symbol, options); // …or answer from your cache
 *   }
 *   // …the other methods
 * }
 * ```
 */
export interface Extractor {
  /**
   * The key's plan, when the source knows it. With `free`, daily jobs ask `compact` (TIME_SERIES_DAILY
   * `outputsize=full` is premium for free keys) unless the caller forces `full`.
   */
  readonly plan?: AlphaVantagePlan;
  /** TIME_SERIES_DAILY. */
  daily(
    symbol: string,
    options?: ExtractCallOptions & { outputsize?: 'compact' | 'full' },
  ): Promise<TimeSeries<PriceBar>>;
  /** TIME_SERIES_DAILY_ADJUSTED. */
  dailyAdjusted(
    symbol: string,
    options?: ExtractCallOptions & { outputsize?: 'compact' | 'full' },
  ): Promise<TimeSeries<AdjustedPriceBar>>;
  /** TIME_SERIES_WEEKLY. */
  weekly(symbol: string, options?: ExtractCallOptions): Promise<TimeSeries<PriceBar>>;
  /** TIME_SERIES_WEEKLY_ADJUSTED. */
  weeklyAdjusted(
    symbol: string,
    options?: ExtractCallOptions,
  ): Promise<TimeSeries<AdjustedPriceBar>>;
  /** TIME_SERIES_MONTHLY. */
  monthly(symbol: string, options?: ExtractCallOptions): Promise<TimeSeries<PriceBar>>;
  /** TIME_SERIES_MONTHLY_ADJUSTED. */
  monthlyAdjusted(
    symbol: string,
    options?: ExtractCallOptions,
  ): Promise<TimeSeries<AdjustedPriceBar>>;
  /** TIME_SERIES_INTRADAY. */
  intraday(
    symbol: string,
    options: ExtractCallOptions & {
      interval: IntradayInterval;
      outputsize?: 'compact' | 'full';
      month?: string;
      extendedHours?: boolean;
    },
  ): Promise<TimeSeries<PriceBar>>;
  /** GLOBAL_QUOTE. */
  quote(symbol: string, options?: ExtractCallOptions): Promise<Quote>;
  /** OVERVIEW. */
  overview(symbol: string, options?: ExtractCallOptions): Promise<CompanyOverview>;
  /** INDEX_DATA. */
  indexData(
    symbol: string,
    options?: ExtractCallOptions & { interval?: 'daily' | 'weekly' | 'monthly' },
  ): Promise<TimeSeries<IndexBar>>;
}

/**
 * The name {@link Extractor} had before 0.2.
 * @deprecated Use {@link Extractor}.
 */
export type PipelineExtractor = Extractor;
