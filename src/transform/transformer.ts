import type {
  AdjustedPriceBar,
  BulkQuote,
  CompanyOverview,
  IndexBar,
  IntradayInterval,
  ListingEntry,
  PriceBar,
  Quote,
  TimeSeries,
} from '../alpha-vantage/types';
import { normalizeSymbol } from '../alpha-vantage/validate';
import { MarketCalendar } from '../calendar/market-calendar';
import { type Clock, systemClock } from '../clock';
import { ValidationError } from '../errors/validation-error';
import type { TradingCalendar } from './bounds';
import { REJECT_POLICIES, type RejectPolicy } from './context';
import { transformIntraday } from './intraday';
import { transformBulkQuotes, transformQuote } from './quotes';
import { transformListing, transformOverview } from './reference';
import type {
  DailyPriceRow,
  IndexPriceRow,
  IntradayPriceRow,
  PeriodPriceRow,
  QuoteRow,
  StockRow,
  TransformResult,
} from './rows';
import { transformDaily, transformIndex, transformMonthly, transformWeekly } from './series';
import {
  runSteps,
  STEP_KINDS,
  type StepKind,
  type StepRows,
  type TransformStep,
  type TransformSteps,
} from './steps';

/** Options of {@link Transformer}. Every one has a default: `new Transformer()` works. */
export interface TransformerOptions {
  /**
   * What to do with rows that fail validation (or that a step rejects): return them as `rejects`
   * to be quarantined (`quarantine`), return them to be only counted (`skip`), or throw a
   * `RejectedRowsError` for the response (`throw`). A `Pipeline` given this transformer stores
   * the rejects in `etl_rejected_rows` under `quarantine`.
   * @default 'quarantine'
   */
  rejectPolicy?: RejectPolicy;
  /**
   * The trading calendar: daily bars (and intraday bars) of US listings dated on a day without a
   * session are rejected.
   * @default new MarketCalendar()
   */
  calendar?: TradingCalendar;
  /**
   * Where `now` comes from when a call does not pass one: bars dated after it (plus
   * `futureSkewMs`) cannot exist yet and are rejected. A `Pipeline` passes its own clock's time.
   * @default systemClock
   */
  clock?: Clock;
  /**
   * Tolerance past `now` for a host clock that runs behind the source's.
   * @default 900000 (15 minutes, `DEFAULT_FUTURE_SKEW_MS`)
   */
  futureSkewMs?: number;
  /**
   * Steps of yours, run per kind of rows after the transformer's own validation (see
   * {@link TransformSteps}). A kind without steps costs nothing.
   * @default {} (no steps)
   * @example
   * ```ts
   * { daily: [(rows) => rows.filter((r) => r.volume !== '0')] }
   * ```
   */
  steps?: TransformSteps;
}

/** Per-call context of the series methods of {@link Transformer}. */
export interface TransformCall {
  /**
   * The symbol the rows are for, normalised like the pipeline does (trimmed, upper-cased).
   * @default the symbol in the response's `Meta Data`
   */
  symbol?: string;
  /**
   * The dataset recorded on rejects.
   * @default from the response's endpoint: `daily`, `daily_adjusted`, `weekly`, …, `intraday:5min`, `index`
   */
  dataset?: string;
  /**
   * When the response was received, in ms since the epoch.
   * @default the transformer's `clock`
   */
  now?: number;
}

/** Per-call context of {@link Transformer.intraday}. */
export interface IntradayCall extends TransformCall {
  /** The requested bar length; rows carry it. @default the response's `Meta Data` interval */
  interval?: IntradayInterval;
  /** The requested `month=YYYY-MM`, if any: bars outside it are rejected. */
  month?: string;
  /** Whether extended hours were requested (04:00–20:00 ET, else 09:30–16:00). @default true */
  extendedHours?: boolean;
  /** Whether to reject bars outside the US session. @default true for a New York series */
  checkSession?: boolean;
}

/** Per-call context of {@link Transformer.quote}. */
export interface QuoteCall {
  /** The requested symbol (normalised). @default the quote's symbol */
  symbol?: string;
  /** Dataset recorded on rejects. @default 'quote' */
  dataset?: string;
  /** When the quote was fetched: the row's key. @default now, by the transformer's clock */
  observedAt?: Date;
}

/** Per-call context of {@link Transformer.bulkQuotes}. */
export interface BulkQuotesCall {
  /** The requested symbols; entries for others are rejected. @default every entry's own symbol */
  symbols?: readonly string[];
  /** Dataset recorded on rejects. @default 'quote' */
  dataset?: string;
  /** When the entries were received (ms since the epoch). @default the transformer's clock */
  now?: number;
}

/** Per-call context of {@link Transformer.overview}. */
export interface OverviewCall {
  /** The requested symbol (normalised). @default the body's symbol */
  symbol?: string;
  /** Dataset recorded on rejects. @default 'overview' */
  dataset?: string;
}

const DATASET_OF_ENDPOINT: Record<string, string> = {
  TIME_SERIES_DAILY: 'daily',
  TIME_SERIES_DAILY_ADJUSTED: 'daily_adjusted',
  TIME_SERIES_WEEKLY: 'weekly',
  TIME_SERIES_WEEKLY_ADJUSTED: 'weekly_adjusted',
  TIME_SERIES_MONTHLY: 'monthly',
  TIME_SERIES_MONTHLY_ADJUSTED: 'monthly_adjusted',
  INDEX_DATA: 'index',
};

/**
 * The transform stage as an object: Alpha Vantage results (from any {@link Extractor}) in,
 * canonical rows and rejects out, validated and de-duplicated — the same pure transform
 * functions the pipeline always used (`transformDaily`, …), with the reject policy, the calendar,
 * the clock and your own {@link TransformSteps} bound once. No database, no network.
 *
 * @example
 * ```ts
 * const t = new Transformer({ rejectPolicy: 'quarantine' });
 * const { rows, rejects } = t.daily(await extractor.daily('IBM'), { symbol: 'IBM' });
 * ```
 */
export class Transformer {
  /** The reject policy (see {@link TransformerOptions.rejectPolicy}). */
  readonly rejectPolicy: RejectPolicy;
  /** The trading calendar the transforms check dates against. */
  readonly calendar: TradingCalendar;
  readonly #clock: Clock;
  readonly #futureSkewMs: number | undefined;
  readonly #steps: TransformSteps;

  /**
   * @param options - reject policy, calendar, clock, steps; all optional
   * @throws {@link ValidationError} for an unknown reject policy or a malformed `steps`
   */
  constructor(options: TransformerOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new ValidationError('Transformer options must be an object', { field: 'options' });
    }
    const policy = options.rejectPolicy ?? 'quarantine';
    if (!REJECT_POLICIES.includes(policy)) {
      throw new ValidationError(
        `options.rejectPolicy must be one of ${REJECT_POLICIES.join(', ')}, got ${JSON.stringify(policy)}`,
        { field: 'options.rejectPolicy' },
      );
    }
    this.rejectPolicy = policy;
    this.calendar = options.calendar ?? new MarketCalendar();
    this.#clock = options.clock ?? systemClock;
    this.#futureSkewMs = options.futureSkewMs;
    this.#steps = checkSteps(options.steps);
  }

  /** Daily bars (TIME_SERIES_DAILY or _ADJUSTED) → `stock_prices` rows; see `transformDaily`. */
  daily(
    series: TimeSeries<PriceBar | AdjustedPriceBar>,
    call: TransformCall = {},
  ): TransformResult<DailyPriceRow> {
    const ctx = this.#context(series, call, 'daily');
    return this.#finish('daily', transformDaily(series, ctx), ctx);
  }

  /** Weekly bars → `stock_prices_weekly` rows keyed by the week's Monday; see `transformWeekly`. */
  weekly(
    series: TimeSeries<PriceBar | AdjustedPriceBar>,
    call: TransformCall = {},
  ): TransformResult<PeriodPriceRow> {
    const ctx = this.#context(series, call, 'weekly');
    return this.#finish('weekly', transformWeekly(series, ctx), ctx);
  }

  /** Monthly bars → `stock_prices_monthly` rows keyed by the month's 1st; see `transformMonthly`. */
  monthly(
    series: TimeSeries<PriceBar | AdjustedPriceBar>,
    call: TransformCall = {},
  ): TransformResult<PeriodPriceRow> {
    const ctx = this.#context(series, call, 'monthly');
    return this.#finish('monthly', transformMonthly(series, ctx), ctx);
  }

  /**
   * Intraday bars (US/Eastern wall clock) → `stock_prices_intraday` rows in UTC; see
   * `transformIntraday`.
   * @throws {@link ValidationError} when neither the call nor the response names the interval
   */
  intraday(
    series: TimeSeries<PriceBar>,
    call: IntradayCall = {},
  ): TransformResult<IntradayPriceRow> {
    const interval = call.interval ?? series?.meta?.interval;
    if (interval === undefined) {
      throw new ValidationError('intraday needs the interval (the response names none)', {
        field: 'interval',
      });
    }
    const ctx = {
      ...this.#context(series, { ...call, dataset: call.dataset ?? `intraday:${interval}` }, ''),
      interval,
      ...(call.month === undefined ? {} : { month: call.month }),
      ...(call.extendedHours === undefined ? {} : { extendedHours: call.extendedHours }),
      ...(call.checkSession === undefined ? {} : { checkSession: call.checkSession }),
    };
    return this.#finish('intraday', transformIntraday(series, ctx), ctx);
  }

  /** INDEX_DATA levels → `market_index_prices` rows; see `transformIndex`. */
  index(series: TimeSeries<IndexBar>, call: TransformCall = {}): TransformResult<IndexPriceRow> {
    const ctx = this.#context(series, call, 'index');
    return this.#finish('index', transformIndex(series, ctx), ctx);
  }

  /** A GLOBAL_QUOTE → one `stock_quotes` row keyed by `observedAt`; see `transformQuote`. */
  quote(quote: Quote, call: QuoteCall = {}): TransformResult<QuoteRow> {
    const ctx = {
      observedAt: call.observedAt ?? new Date(this.#clock.now()),
      dataset: call.dataset ?? 'quote',
      policy: this.rejectPolicy,
      ...(call.symbol === undefined ? {} : { symbol: normalizeSymbol(call.symbol) }),
      ...this.#skew(),
    };
    const result = transformQuote(quote, ctx);
    return this.#finish('quote', result, { symbol: ctx.symbol ?? quote?.symbol, ...ctx });
  }

  /** REALTIME_BULK_QUOTES entries → `stock_quotes` rows; see `transformBulkQuotes`. */
  bulkQuotes(quotes: readonly BulkQuote[], call: BulkQuotesCall = {}): TransformResult<QuoteRow> {
    const ctx = {
      dataset: call.dataset ?? 'quote',
      policy: this.rejectPolicy,
      now: call.now ?? this.#clock.now(),
      ...(call.symbols === undefined ? {} : { symbols: call.symbols }),
      ...this.#skew(),
    };
    const result = transformBulkQuotes(quotes, ctx);
    return this.#finish('quote', result, { symbol: call.symbols?.[0] ?? '', ...ctx });
  }

  /** An OVERVIEW body → one `stocks` row; see `transformOverview`. */
  overview(overview: CompanyOverview, call: OverviewCall = {}): TransformResult<StockRow> {
    const ctx = {
      dataset: call.dataset ?? 'overview',
      policy: this.rejectPolicy,
      ...(call.symbol === undefined ? {} : { symbol: normalizeSymbol(call.symbol) }),
    };
    const result = transformOverview(overview, ctx);
    return this.#finish('overview', result, { symbol: ctx.symbol ?? overview?.symbol, ...ctx });
  }

  /** LISTING_STATUS entries → `stocks` rows (delisted ones inactive); see `transformListing`. */
  listing(
    entries: readonly ListingEntry[],
    call: { dataset?: string } = {},
  ): TransformResult<StockRow> {
    const ctx = { dataset: call.dataset ?? 'listing', policy: this.rejectPolicy };
    return this.#finish('listing', transformListing(entries, ctx), { symbol: '', ...ctx });
  }

  /** The transform context of a date- or time-keyed series. */
  #context(series: TimeSeries<unknown>, call: TransformCall, fallback: string) {
    const symbol = normalizeSymbol(call.symbol ?? series?.meta?.symbol);
    const dataset = call.dataset ?? DATASET_OF_ENDPOINT[series?.endpoint] ?? fallback;
    return {
      symbol,
      dataset,
      policy: this.rejectPolicy,
      now: call.now ?? this.#clock.now(),
      calendar: this.calendar,
      ...this.#skew(),
    };
  }

  #skew(): { futureSkewMs?: number } {
    return this.#futureSkewMs === undefined ? {} : { futureSkewMs: this.#futureSkewMs };
  }

  /** Runs the steps of `kind`, if there are any: a kind without steps returns the result as is. */
  #finish<K extends StepKind>(
    kind: K,
    result: TransformResult<StepRows[K]>,
    ctx: { symbol?: unknown; dataset: string },
  ): TransformResult<StepRows[K]> {
    const steps = this.#steps[kind] as readonly TransformStep<StepRows[K]>[] | undefined;
    if (steps === undefined) return result;
    const symbol = typeof ctx.symbol === 'string' ? ctx.symbol : '';
    return runSteps(result, steps, {
      kind,
      symbol,
      dataset: ctx.dataset,
      policy: this.rejectPolicy,
    });
  }
}

/** Validates `steps` and keeps only kinds with at least one step (so the others cost nothing). */
function checkSteps(steps: TransformSteps | undefined): TransformSteps {
  if (steps === undefined) return {};
  if (steps === null || typeof steps !== 'object' || Array.isArray(steps)) {
    throw new ValidationError('options.steps must be an object of step arrays per kind', {
      field: 'options.steps',
    });
  }
  const out: Record<string, readonly unknown[]> = {};
  for (const [kind, list] of Object.entries(steps)) {
    const field = `options.steps.${kind}`;
    if (!STEP_KINDS.includes(kind as StepKind)) {
      throw new ValidationError(`${field}: unknown kind; use one of ${STEP_KINDS.join(', ')}`, {
        field,
      });
    }
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new ValidationError(`${field} must be an array`, { field });
    list.forEach((step, i) => {
      if (typeof step !== 'function') {
        throw new ValidationError(`${field}[${i}] must be a function`, { field: `${field}[${i}]` });
      }
    });
    if (list.length > 0) out[kind] = Object.freeze([...list]);
  }
  return out as TransformSteps;
}
