import type { AlphaVantagePlan } from '../alpha-vantage/options';
import type {
  AdjustedPriceBar,
  CompanyOverview,
  IndexBar,
  IntradayInterval,
  PriceBar,
  Quote,
  TimeSeries,
} from '../alpha-vantage/types';

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
 * The part of {@link AlphaVantageExtractor} the pipeline uses. Any object with these methods works,
 * so a host app can wrap or replace the source (a cache, a recorded-response replayer).
 */
export interface PipelineExtractor {
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
