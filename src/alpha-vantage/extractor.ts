import { ValidationError } from '../errors/validation-error';
import type { Listener } from '../events';
import type { Extractor } from '../extractor';
import { NEW_YORK, zonedDate } from '../time/zone';
import type { KnownRefusal } from './budget-store';
import { AlphaVantageClient, type CallOptions, type CallSpec } from './client';
import type {
  DailyOptions,
  IndexDataOptions,
  IntradayOptions,
  ListingStatusOptions,
  OutputSize,
} from './endpoint-options';
import type { ExtractorEvents } from './extractor-events';
import {
  type AlphaVantageExtractorOptions,
  type AlphaVantagePlan,
  resolveOptions,
} from './options';
import { parseIndexData } from './parse/index-data';
import { parseListingStatus } from './parse/listing';
import { parseBulkQuotes, parseQuote } from './parse/quotes';
import {
  parseIndexCatalog,
  parseMarketStatus,
  parseOverview,
  parseSymbolSearch,
} from './parse/reference';
import { type BarKind, fastTimeSeries, parseTimeSeries } from './parse/series';
import type { BudgetSnapshot } from './rate-limiter';
import type {
  AdjustedPriceBar,
  BulkQuote,
  CompanyOverview,
  IndexBar,
  IndexCatalogEntry,
  ListingEntry,
  MarketStatusEntry,
  PriceBar,
  Quote,
  SymbolMatch,
  TimeSeries,
} from './types';
import { INTRADAY_INTERVALS } from './types';
import {
  validateDate,
  validateKeywords,
  validateMonth,
  validateOneOf,
  validateSymbol,
} from './validate';

/** Most symbols REALTIME_BULK_QUOTES accepts per call. */
export const BULK_QUOTES_MAX_SYMBOLS = 100;

/**
 * Typed client for the Alpha Vantage stock endpoints: one method per endpoint, each returning a
 * validated, parsed result (decimals kept as text), with client-side rate limiting, retries,
 * typed errors and API-key redaction. See {@link AlphaVantageExtractorOptions}.
 *
 * @example
 * ```ts
 * const av = new AlphaVantageExtractor({ apiKey: process.env.ALPHA_VANTAGE_API_KEY! });
 * const series = await av.daily('IBM', { outputsize: 'compact' });
 * ```
 */
export class AlphaVantageExtractor implements Extractor {
  /** The plan this extractor was configured with (see {@link AlphaVantageExtractorOptions.plan}). */
  readonly plan: AlphaVantagePlan;
  readonly #client: AlphaVantageClient;

  /**
   * @param options - API key, plan/budgets, fetch, clock, logger, budget store, retry policy
   * @throws ValidationError for invalid options
   */
  constructor(options: AlphaVantageExtractorOptions) {
    this.#client = new AlphaVantageClient(resolveOptions(options));
    this.plan = this.#client.o.plan;
  }

  /** Subscribes to an event (see {@link ExtractorEvents}); returns an unsubscribe function. */
  on<K extends keyof ExtractorEvents>(
    event: K,
    listener: Listener<ExtractorEvents, K>,
  ): () => void {
    return this.#client.events.on(event, listener);
  }

  /** Removes a listener added with {@link AlphaVantageExtractor.on}. */
  off<K extends keyof ExtractorEvents>(event: K, listener: Listener<ExtractorEvents, K>): void {
    this.#client.events.off(event, listener);
  }

  /** The daily budget of this key at this service, as counted by the budget store. */
  budget(): Promise<BudgetSnapshot> {
    return this.#client.limiter.snapshot();
  }

  /**
   * Removes today's daily-limit mark (set when Alpha Vantage said the quota is spent), e.g. after
   * upgrading the key. If the quota really is spent, the next request is refused and sets it again.
   * @returns `true` when there was a mark
   */
  clearDailyLimit(): Promise<boolean> {
    return this.#client.limiter.clearDailyLimit();
  }

  /**
   * What Alpha Vantage refused this key as premium, remembered for the configured plan and not
   * asked again until it expires (`entitlementTtlMs`). Includes refusals other processes recorded
   * in a shared budget store.
   */
  refusals(): Promise<KnownRefusal[]> {
    return this.#client.entitlements.list();
  }

  /**
   * Forgets every remembered premium refusal of this key at this service (every plan), here and in
   * the budget store, so the next request asks again.
   * @returns how many were forgotten
   */
  forgetRefusals(): Promise<number> {
    return this.#client.entitlements.forget();
  }

  /** TIME_SERIES_INTRADAY: bars keyed by US/Eastern wall clock (`meta.timeZone`), newest first. */
  async intraday(symbol: string, options: IntradayOptions): Promise<TimeSeries<PriceBar>> {
    const s = validateSymbol(symbol);
    if (!options || typeof options !== 'object') {
      throw new ValidationError('intraday options with an interval are required', {
        field: 'options',
      });
    }
    const interval = validateOneOf(options.interval, INTRADAY_INTERVALS, 'interval');
    const month =
      options.month === undefined ? undefined : this.#notFutureMonth(validateMonth(options.month));
    const params: Record<string, string | undefined> = {
      symbol: s,
      interval,
      outputsize: outputSize(options.outputsize),
      month,
      adjusted: bool(options.adjusted, 'adjusted'),
      extended_hours: bool(options.extendedHours, 'extendedHours'),
      entitlement:
        options.entitlement === undefined
          ? undefined
          : validateOneOf(options.entitlement, ['realtime', 'delayed'] as const, 'entitlement'),
    };
    return this.#series(
      'TIME_SERIES_INTRADAY',
      s,
      `Time Series (${interval})`,
      'plain',
      true,
      params,
      options,
    );
  }

  /** TIME_SERIES_DAILY (raw, as traded). */
  async daily(symbol: string, options: DailyOptions = {}): Promise<TimeSeries<PriceBar>> {
    const s = validateSymbol(symbol);
    const params = { symbol: s, outputsize: outputSize(options.outputsize) };
    return this.#series(
      'TIME_SERIES_DAILY',
      s,
      'Time Series (Daily)',
      'plain',
      false,
      params,
      options,
    );
  }

  /** TIME_SERIES_DAILY_ADJUSTED (adjusted close, dividend, split coefficient). */
  async dailyAdjusted(
    symbol: string,
    options: DailyOptions = {},
  ): Promise<TimeSeries<AdjustedPriceBar>> {
    const s = validateSymbol(symbol);
    const params = { symbol: s, outputsize: outputSize(options.outputsize) };
    return this.#series(
      'TIME_SERIES_DAILY_ADJUSTED',
      s,
      'Time Series (Daily)',
      'adjusted-split',
      false,
      params,
      options,
    );
  }

  /** TIME_SERIES_WEEKLY (always full history). */
  async weekly(symbol: string, options: CallOptions = {}): Promise<TimeSeries<PriceBar>> {
    const s = validateSymbol(symbol);
    return this.#series(
      'TIME_SERIES_WEEKLY',
      s,
      'Weekly Time Series',
      'plain',
      false,
      { symbol: s },
      options,
    );
  }

  /** TIME_SERIES_WEEKLY_ADJUSTED (no split coefficient: `splitCoefficient` is `null`). */
  async weeklyAdjusted(
    symbol: string,
    options: CallOptions = {},
  ): Promise<TimeSeries<AdjustedPriceBar>> {
    const s = validateSymbol(symbol);
    return this.#series(
      'TIME_SERIES_WEEKLY_ADJUSTED',
      s,
      'Weekly Adjusted Time Series',
      'adjusted',
      false,
      { symbol: s },
      options,
    );
  }

  /** TIME_SERIES_MONTHLY (always full history). */
  async monthly(symbol: string, options: CallOptions = {}): Promise<TimeSeries<PriceBar>> {
    const s = validateSymbol(symbol);
    return this.#series(
      'TIME_SERIES_MONTHLY',
      s,
      'Monthly Time Series',
      'plain',
      false,
      { symbol: s },
      options,
    );
  }

  /** TIME_SERIES_MONTHLY_ADJUSTED (no split coefficient: `splitCoefficient` is `null`). */
  async monthlyAdjusted(
    symbol: string,
    options: CallOptions = {},
  ): Promise<TimeSeries<AdjustedPriceBar>> {
    const s = validateSymbol(symbol);
    return this.#series(
      'TIME_SERIES_MONTHLY_ADJUSTED',
      s,
      'Monthly Adjusted Time Series',
      'adjusted',
      false,
      { symbol: s },
      options,
    );
  }

  /** GLOBAL_QUOTE. An unknown symbol (`{"Global Quote": {}}`) is an InvalidRequestError. */
  async quote(symbol: string, options: CallOptions = {}): Promise<Quote> {
    const s = validateSymbol(symbol);
    const ctx = { endpoint: 'GLOBAL_QUOTE', symbol: s };
    return this.#call(
      {
        ...ctx,
        params: { symbol: s },
        dataKey: 'Global Quote',
        parse: (t, b) => parseQuote(t, ctx, b),
      },
      options,
    );
  }

  /**
   * REALTIME_BULK_QUOTES (premium): split into calls of at most 100 symbols, made one after the
   * other; results in the order the server returned them. The demo key's artificial sample is a
   * PremiumEndpointError, never data.
   */
  async bulkQuotes(symbols: readonly string[], options: CallOptions = {}): Promise<BulkQuote[]> {
    if (!Array.isArray(symbols) || symbols.length === 0) {
      throw new ValidationError('symbols must be a non-empty array', { field: 'symbols' });
    }
    const unique = [...new Set(symbols.map((s, i) => validateSymbol(s, `symbols[${i}]`)))];
    const out: BulkQuote[] = [];
    for (let i = 0; i < unique.length; i += BULK_QUOTES_MAX_SYMBOLS) {
      const chunk = unique.slice(i, i + BULK_QUOTES_MAX_SYMBOLS).join(',');
      const ctx = { endpoint: 'REALTIME_BULK_QUOTES', symbol: chunk };
      const part = await this.#call(
        {
          ...ctx,
          params: { symbol: chunk },
          dataKey: 'data',
          parse: (t, b) => parseBulkQuotes(t, ctx, b),
        },
        options,
      );
      out.push(...part);
    }
    return out;
  }

  /** OVERVIEW. `{}` (unknown symbol / no fundamentals) is an InvalidRequestError. */
  async overview(symbol: string, options: CallOptions = {}): Promise<CompanyOverview> {
    const s = validateSymbol(symbol);
    const ctx = { endpoint: 'OVERVIEW', symbol: s };
    return this.#call(
      {
        ...ctx,
        params: { symbol: s },
        dataKey: 'Symbol',
        parse: (t, b) => parseOverview(t, ctx, b),
      },
      options,
    );
  }

  /** LISTING_STATUS (CSV): active or delisted US stocks and ETFs, optionally as of a date. */
  async listingStatus(options: ListingStatusOptions = {}): Promise<ListingEntry[]> {
    const state = validateOneOf(
      options.state ?? 'active',
      ['active', 'delisted'] as const,
      'state',
    );
    const date = options.date === undefined ? undefined : validateDate(options.date);
    const ctx = { endpoint: 'LISTING_STATUS' };
    return this.#call(
      { ...ctx, params: { state, date }, csv: true, parse: (t) => parseListingStatus(t, ctx) },
      options,
    );
  }

  /** SYMBOL_SEARCH: best matches for free-text keywords. */
  async search(keywords: string, options: CallOptions = {}): Promise<SymbolMatch[]> {
    const k = validateKeywords(keywords);
    const ctx = { endpoint: 'SYMBOL_SEARCH' };
    return this.#call(
      {
        ...ctx,
        params: { keywords: k },
        dataKey: 'bestMatches',
        parse: (t, b) => parseSymbolSearch(t, ctx, b),
      },
      options,
    );
  }

  /** MARKET_STATUS: open/closed state of the world's markets. */
  async marketStatus(options: CallOptions = {}): Promise<MarketStatusEntry[]> {
    const ctx = { endpoint: 'MARKET_STATUS' };
    return this.#call(
      { ...ctx, params: {}, dataKey: 'markets', parse: (t, b) => parseMarketStatus(t, ctx, b) },
      options,
    );
  }

  /** INDEX_DATA: daily/weekly/monthly levels of an index such as SPX, DJI, COMP, VIX; newest first. */
  async indexData(symbol: string, options: IndexDataOptions = {}): Promise<TimeSeries<IndexBar>> {
    const s = validateSymbol(symbol);
    const interval = validateOneOf(
      options.interval ?? 'daily',
      ['daily', 'weekly', 'monthly'] as const,
      'interval',
    );
    const ctx = { endpoint: 'INDEX_DATA', symbol: s };
    const mode = options.malformedRows ?? this.#client.o.malformedRows;
    return this.#call(
      { ...ctx, params: { symbol: s, interval }, parse: (t, b) => parseIndexData(t, ctx, mode, b) },
      options,
    );
  }

  /** INDEX_CATALOG: every supported index symbol with its long name. */
  async indexCatalog(options: CallOptions = {}): Promise<IndexCatalogEntry[]> {
    const ctx = { endpoint: 'INDEX_CATALOG' };
    return this.#call(
      { ...ctx, params: {}, parse: (t, b) => parseIndexCatalog(t, ctx, b) },
      options,
    );
  }

  #series<T>(
    endpoint: string,
    symbol: string,
    seriesKey: string,
    kind: BarKind,
    intraday: boolean,
    params: Record<string, string | undefined>,
    options: CallOptions,
  ): Promise<TimeSeries<T>> {
    const spec = { endpoint, symbol, seriesKey, kind, intraday };
    const mode = options.malformedRows ?? this.#client.o.malformedRows;
    return this.#call(
      {
        endpoint,
        symbol,
        params,
        dataKey: seriesKey,
        parse: (t, b) => parseTimeSeries(t, spec, mode, b) as TimeSeries<T>,
        ...(kind === 'plain'
          ? { fast: (t: string) => fastTimeSeries(t, spec) as TimeSeries<T> | null }
          : {}),
      },
      options,
    );
  }

  async #call<T>(spec: CallSpec<T>, options: CallOptions): Promise<T> {
    return this.#client.call(spec, { signal: options.signal, onRequest: options.onRequest });
  }

  #notFutureMonth(month: string): string {
    const current = zonedDate(NEW_YORK, this.#client.o.clock.now()).slice(0, 7);
    if (month > current) {
      throw new ValidationError(`month ${month} is in the future (now ${current} in New York)`, {
        field: 'month',
      });
    }
    return month;
  }
}

function outputSize(value: OutputSize | undefined): string | undefined {
  return value === undefined
    ? undefined
    : validateOneOf(value, ['compact', 'full'] as const, 'outputsize');
}

function bool(value: boolean | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean')
    throw new ValidationError(`${field} must be a boolean`, { field });
  return String(value);
}
