import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type AnswerSpec, interpretAnswer } from '../alpha-vantage/interpret';
import { formatError } from '../alpha-vantage/parse/common';
import { csvIndexToJson, csvQuoteToJson, csvSeriesToJson } from '../alpha-vantage/parse/csv';
import { parseIndexData } from '../alpha-vantage/parse/index-data';
import { parseQuote } from '../alpha-vantage/parse/quotes';
import { parseOverview } from '../alpha-vantage/parse/reference';
import {
  fastTimeSeries,
  type MalformedRowsMode,
  parseTimeSeries,
} from '../alpha-vantage/parse/series';
import {
  type AdjustedPriceBar,
  type CompanyOverview,
  INTRADAY_INTERVALS,
  type IndexBar,
  type IntradayInterval,
  type PriceBar,
  type Quote,
  type TimeSeries,
} from '../alpha-vantage/types';
import { validateMonth, validateOneOf, validateSymbol } from '../alpha-vantage/validate';
import { AbortedError, throwIfAborted } from '../errors/aborted-error';
import { SourceFileError } from '../errors/source-file-error';
import { isStockEtlError } from '../errors/stock-etl-error';
import { ValidationError } from '../errors/validation-error';
import type { ExtractCallOptions, Extractor } from '../extractor';
import { CSV_COLUMNS, SERIES_FUNCTIONS } from './endpoints';
import { type ResponseKey, responseFileBase } from './file-names';

/** Options of {@link FileExtractor}. */
export interface FileExtractorOptions {
  /** The folder of saved responses, named as `responseFileBase` says (see the README). */
  dir: string;
  /**
   * What to do with a bar that cannot be parsed: fail the call (`throw`) or return it in
   * `malformed` (`report`, which the pipeline asks for per call and quarantines). As
   * `AlphaVantageExtractor`'s option of the same name.
   * @default 'throw'
   */
  malformedRows?: MalformedRowsMode;
}

/**
 * An {@link Extractor} that replays saved Alpha Vantage responses from a folder instead of asking
 * the API: for tests without a network, for reprocessing what you fetched before (after a fix in
 * your steps), and for importing history bought elsewhere in Alpha Vantage's formats.
 *
 * Each request reads one file, named `<FUNCTION>__<SYMBOL>[__<interval>][__<YYYY-MM>].json|.csv`
 * (see `responseFileBase`), and goes through the live client's own answer handling and parsers:
 * a notice in a file (rate limit, invalid call, premium refusal) raises the same typed error as
 * from the API, a broken body the same `ResponseFormatError` (its message names the file). CSV
 * bodies (`datatype=csv`) are read for every function that has a CSV format (not OVERVIEW).
 * `outputsize` and `extendedHours` do not change which file is read: the file is what you have.
 * No request is made, so `onRequest` is never called and jobs report `apiCalls: 0`.
 *
 * Record a folder from the live API with `recordingFetch`.
 *
 * @example
 * ```ts
 * const pipeline = new Pipeline({ db, extractor: new FileExtractor({ dir: './recorded' }) });
 * await pipeline.run('IBM', 'daily'); // reads ./recorded/TIME_SERIES_DAILY__IBM.json (or .csv)
 * ```
 */
export class FileExtractor implements Extractor {
  /** The folder read, as an absolute path. */
  readonly dir: string;
  readonly #mode: MalformedRowsMode;

  /**
   * @param options - the folder, and what to do with bars that cannot be parsed
   * @throws {@link ValidationError} for a missing `dir` or an unknown `malformedRows`
   */
  constructor(options: FileExtractorOptions) {
    if (!options || typeof options.dir !== 'string' || options.dir === '') {
      throw new ValidationError('options.dir must name the folder of saved responses', {
        field: 'options.dir',
      });
    }
    this.dir = resolve(options.dir);
    this.#mode = validateOneOf(
      options.malformedRows ?? 'throw',
      ['throw', 'report'] as const,
      'options.malformedRows',
    );
  }

  /** TIME_SERIES_DAILY from `TIME_SERIES_DAILY__<SYMBOL>.json|csv`. */
  daily(
    symbol: string,
    options: ExtractCallOptions & { outputsize?: 'compact' | 'full' } = {},
  ): Promise<TimeSeries<PriceBar>> {
    return this.#series('TIME_SERIES_DAILY', symbol, {}, options);
  }

  /** TIME_SERIES_DAILY_ADJUSTED from `TIME_SERIES_DAILY_ADJUSTED__<SYMBOL>.json|csv`. */
  dailyAdjusted(
    symbol: string,
    options: ExtractCallOptions & { outputsize?: 'compact' | 'full' } = {},
  ): Promise<TimeSeries<AdjustedPriceBar>> {
    return this.#series('TIME_SERIES_DAILY_ADJUSTED', symbol, {}, options);
  }

  /** TIME_SERIES_WEEKLY from `TIME_SERIES_WEEKLY__<SYMBOL>.json|csv`. */
  weekly(symbol: string, options: ExtractCallOptions = {}): Promise<TimeSeries<PriceBar>> {
    return this.#series('TIME_SERIES_WEEKLY', symbol, {}, options);
  }

  /** TIME_SERIES_WEEKLY_ADJUSTED from `TIME_SERIES_WEEKLY_ADJUSTED__<SYMBOL>.json|csv`. */
  weeklyAdjusted(
    symbol: string,
    options: ExtractCallOptions = {},
  ): Promise<TimeSeries<AdjustedPriceBar>> {
    return this.#series('TIME_SERIES_WEEKLY_ADJUSTED', symbol, {}, options);
  }

  /** TIME_SERIES_MONTHLY from `TIME_SERIES_MONTHLY__<SYMBOL>.json|csv`. */
  monthly(symbol: string, options: ExtractCallOptions = {}): Promise<TimeSeries<PriceBar>> {
    return this.#series('TIME_SERIES_MONTHLY', symbol, {}, options);
  }

  /** TIME_SERIES_MONTHLY_ADJUSTED from `TIME_SERIES_MONTHLY_ADJUSTED__<SYMBOL>.json|csv`. */
  monthlyAdjusted(
    symbol: string,
    options: ExtractCallOptions = {},
  ): Promise<TimeSeries<AdjustedPriceBar>> {
    return this.#series('TIME_SERIES_MONTHLY_ADJUSTED', symbol, {}, options);
  }

  /**
   * TIME_SERIES_INTRADAY from `TIME_SERIES_INTRADAY__<SYMBOL>__<interval>.json|csv`, or with
   * `month` from `TIME_SERIES_INTRADAY__<SYMBOL>__<interval>__<YYYY-MM>.json|csv`.
   */
  intraday(
    symbol: string,
    options: ExtractCallOptions & {
      interval: IntradayInterval;
      outputsize?: 'compact' | 'full';
      month?: string;
      extendedHours?: boolean;
    },
  ): Promise<TimeSeries<PriceBar>> {
    if (!options || typeof options !== 'object') {
      throw new ValidationError('intraday options with an interval are required', {
        field: 'options',
      });
    }
    const interval = validateOneOf(options.interval, INTRADAY_INTERVALS, 'interval');
    const month = options.month === undefined ? undefined : validateMonth(options.month);
    return this.#series(
      'TIME_SERIES_INTRADAY',
      symbol,
      { interval, ...(month === undefined ? {} : { month }) },
      options,
    );
  }

  /** GLOBAL_QUOTE from `GLOBAL_QUOTE__<SYMBOL>.json|csv`. */
  quote(symbol: string, options: ExtractCallOptions = {}): Promise<Quote> {
    const s = validateSymbol(symbol);
    const ctx = { endpoint: 'GLOBAL_QUOTE', symbol: s };
    return this.#answer(
      { function: 'GLOBAL_QUOTE', symbol: s },
      { ...ctx, params: {}, dataKey: 'Global Quote', parse: (t, b) => parseQuote(t, ctx, b) },
      (text) => csvQuoteToJson(text, ctx),
      options,
    );
  }

  /** OVERVIEW from `OVERVIEW__<SYMBOL>.json` (OVERVIEW has no CSV format). */
  overview(symbol: string, options: ExtractCallOptions = {}): Promise<CompanyOverview> {
    const s = validateSymbol(symbol);
    const ctx = { endpoint: 'OVERVIEW', symbol: s };
    return this.#answer(
      { function: 'OVERVIEW', symbol: s },
      { ...ctx, params: {}, dataKey: 'Symbol', parse: (t, b) => parseOverview(t, ctx, b) },
      null,
      options,
    );
  }

  /** INDEX_DATA from `INDEX_DATA__<SYMBOL>__<interval>.json|csv`. */
  indexData(
    symbol: string,
    options: ExtractCallOptions & { interval?: 'daily' | 'weekly' | 'monthly' } = {},
  ): Promise<TimeSeries<IndexBar>> {
    const s = validateSymbol(symbol);
    const interval = validateOneOf(
      options.interval ?? 'daily',
      ['daily', 'weekly', 'monthly'] as const,
      'interval',
    );
    const ctx = { endpoint: 'INDEX_DATA', symbol: s };
    const mode = options.malformedRows ?? this.#mode;
    return this.#answer(
      { function: 'INDEX_DATA', symbol: s, interval },
      { ...ctx, params: {}, parse: (t, b) => parseIndexData(t, ctx, mode, b) },
      (text) => csvIndexToJson(text, ctx),
      options,
    );
  }

  /** A stock series: the same parser (and fast path) as the live extractor's. */
  async #series<T>(
    fn: string,
    symbol: string,
    key: { interval?: IntradayInterval; month?: string },
    options: ExtractCallOptions,
  ): Promise<TimeSeries<T>> {
    const s = validateSymbol(symbol);
    const intraday = key.interval !== undefined;
    const { seriesKey, kind } = intraday
      ? { seriesKey: `Time Series (${key.interval})`, kind: 'plain' as const }
      : (SERIES_FUNCTIONS[fn] as (typeof SERIES_FUNCTIONS)[string]);
    const spec = { endpoint: fn, symbol: s, seriesKey, kind, intraday };
    const mode = options.malformedRows ?? this.#mode;
    return this.#answer(
      { function: fn, symbol: s, ...key },
      {
        endpoint: fn,
        symbol: s,
        params: {},
        dataKey: seriesKey,
        parse: (t, b) => parseTimeSeries(t, spec, mode, b) as TimeSeries<T>,
        ...(kind === 'plain'
          ? { fast: (t: string) => fastTimeSeries(t, spec) as TimeSeries<T> | null }
          : {}),
      },
      (text) =>
        csvSeriesToJson(text, {
          endpoint: fn,
          symbol: s,
          seriesKey,
          columns: CSV_COLUMNS[kind],
          ...(key.interval === undefined ? {} : { interval: key.interval }),
        }),
      options,
    );
  }

  /**
   * Reads the file for `key` and answers it like the live client answers an HTTP 200 body; a CSV
   * body is first turned into the endpoint's JSON (`fromCsv`), a JSON one (data or notice) is
   * read as it is.
   */
  async #answer<T>(
    key: ResponseKey,
    spec: AnswerSpec<T>,
    fromCsv: ((text: string) => string) | null,
    options: ExtractCallOptions,
  ): Promise<T> {
    const what = `${key.function} ${key.symbol} read`;
    throwIfAborted(options.signal, what);
    const { file, text } = await this.#read(key, options.signal, what);
    try {
      let body = text;
      if (file.endsWith('.csv') && !/^\uFEFF?\s*\{/.test(text)) {
        if (!fromCsv) throw formatError(spec, `${key.function} has no CSV format: save it as JSON`);
        body = fromCsv(text);
      }
      return interpretAnswer(spec, 200, body, (t) => t);
    } catch (error) {
      // The same typed error as from the API, told where it came from.
      if (isStockEtlError(error)) error.message = `${error.message} (file ${file})`;
      throw error;
    }
  }

  /** The text of the `.json` or `.csv` file of `key`; exactly one of them must exist. */
  async #read(
    key: ResponseKey,
    signal: AbortSignal | undefined,
    what: string,
  ): Promise<{ file: string; text: string }> {
    const base = join(this.dir, responseFileBase(key));
    const files = [`${base}.json`, `${base}.csv`];
    const read = await Promise.allSettled(
      files.map((file) => readFile(file, { encoding: 'utf8', ...(signal ? { signal } : {}) })),
    );
    if (signal?.aborted)
      throw new AbortedError(`The ${what} was aborted`, { cause: signal.reason });
    const found = read.flatMap((r, i) =>
      r.status === 'fulfilled' ? [{ file: files[i] as string, text: r.value }] : [],
    );
    if (found.length === 2) {
      throw new SourceFileError(
        'ambiguous',
        `both ${files[0]} and ${files[1]} exist for ${key.function} ${key.symbol}: remove the one that is not current`,
        { file: files[0] as string, files },
      );
    }
    if (found[0]) return found[0];
    const failure = read
      .map((r) => (r.status === 'rejected' ? (r.reason as NodeJS.ErrnoException) : undefined))
      .find((e) => e !== undefined && e.code !== 'ENOENT');
    if (failure) {
      const file = files[read.findIndex((r) => r.status === 'rejected' && r.reason === failure)];
      throw new SourceFileError(
        'unreadable',
        `cannot read ${file} for ${key.function} ${key.symbol}: ${failure.code ?? failure.message}`,
        { file: file as string, files, cause: failure },
      );
    }
    throw new SourceFileError(
      'missing',
      `no saved response for ${key.function} ${key.symbol}${key.interval ? ` ${key.interval}` : ''}${key.month ? ` ${key.month}` : ''}: expected ${files[0]} (or .csv)`,
      { file: files[0] as string, files },
    );
  }
}
