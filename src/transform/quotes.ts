import type { BulkQuote, Quote } from '../alpha-vantage/types';
import { describeValue } from '../bounded-text';
import { ValidationError } from '../errors/validation-error';
import { formatDate, parseIsoDate } from '../time/civil-date';
import { NEW_YORK } from '../time/zone';
import { EARLIEST_DAILY_DATE, latestDate, latestInstant, rangeProblem } from './bounds';
import { type RejectPolicy, ResultBuilder } from './context';
import { IsoFormatter } from './iso';
import { isPlaceholder } from './nullish';
import type { QuoteRow, TransformResult } from './rows';
import { ohlcProblem, priceProblem, signedDecimalProblem, volumeProblem } from './validate';
import { resolveZone, WallClockParser } from './wall-clock';

/** Options of {@link transformQuote}. */
export interface QuoteContext {
  /** When the quote was fetched: GLOBAL_QUOTE carries no time of its own, so this is the row key. */
  observedAt: Date;
  /** The requested symbol; rows carry it (a differing echo becomes a warning). @default quote.symbol */
  symbol?: string;
  /** Dataset recorded on rejects. @default 'quote' */
  dataset?: string;
  /** What to do with a rejected quote. @default 'quarantine' */
  policy?: RejectPolicy;
  /**
   * Tolerance for a host clock behind the source's: a `latestTradingDay` after the date already
   * begun anywhere on Earth at `observedAt + futureSkewMs` is rejected.
   * @default 900000 (15 minutes)
   */
  futureSkewMs?: number;
}

/** Options of {@link transformBulkQuotes}. */
export interface BulkQuoteContext {
  /**
   * The requested symbols. When given, rows carry the requested spelling (matched
   * case-insensitively) and entries for symbols not requested are rejected. When omitted, entries
   * keep the symbol as sent.
   */
  symbols?: readonly string[];
  /** Dataset recorded on rejects. @default 'quote' */
  dataset?: string;
  /** Zone of the entries' wall-clock `timestamp`. @default 'America/New_York' */
  timeZone?: string;
  /** What to do with rejected entries. @default 'quarantine' */
  policy?: RejectPolicy;
  /**
   * When the entries were received (ms since the epoch, from the caller's clock): an entry
   * timestamped after `now + futureSkewMs` is rejected.
   * @default undefined — no upper bound
   */
  now?: number;
  /** Tolerance past `now`. @default 900000 (15 minutes) */
  futureSkewMs?: number;
}

/** A nullable decimal field: placeholders become `null`; anything else must be valid. */
interface Optional {
  value: string | null;
  problem: string | null;
}

function optional(field: string, value: unknown, check: typeof priceProblem): Optional {
  if (isPlaceholder(value)) return { value: null, problem: null };
  return { value: value as string, problem: check(field, value) };
}

/** True when two rows of one symbol and instant carry the same values (one quote sent twice). */
function sameQuote(a: QuoteRow, b: QuoteRow): boolean {
  return (
    a.price === b.price &&
    a.open === b.open &&
    a.high === b.high &&
    a.low === b.low &&
    a.volume === b.volume &&
    a.previousClose === b.previousClose &&
    a.change === b.change &&
    a.changePercent === b.changePercent
  );
}

/** `"1.8418%"` → `"1.8418"`: GLOBAL_QUOTE sends the sign, bulk quotes do not. */
function stripPercent(value: unknown): unknown {
  return typeof value === 'string' && value.endsWith('%') ? value.slice(0, -1) : value;
}

interface QuoteFields {
  price: unknown;
  open: unknown;
  high: unknown;
  low: unknown;
  volume: unknown;
  previousClose: unknown;
  change: unknown;
  changePercent: unknown;
}

/** Validates the value fields shared by both quote kinds; the row minus symbol/time, or a reason. */
function quoteValues(
  q: QuoteFields,
): Omit<QuoteRow, 'symbol' | 'observedAt' | 'latestTradingDay'> | string {
  const price = priceProblem('price', q.price);
  if (price !== null) return price;
  const open = optional('open', q.open, priceProblem);
  const high = optional('high', q.high, priceProblem);
  const low = optional('low', q.low, priceProblem);
  const volume = optional('volume', q.volume, volumeProblem);
  const previousClose = optional('previousClose', q.previousClose, priceProblem);
  const change = optional('change', q.change, signedDecimalProblem);
  const changePercent = optional(
    'changePercent',
    stripPercent(q.changePercent),
    signedDecimalProblem,
  );
  const fields = [open, high, low, volume, previousClose, change, changePercent];
  const problem = fields.find((f) => f.problem !== null)?.problem;
  if (problem) return problem;
  // The session range must contain open and the latest price; checked only when all three are sent.
  if (open.value !== null && high.value !== null && low.value !== null) {
    const ohlc = ohlcProblem(open.value, high.value, low.value, q.price as string);
    if (ohlc !== null) return ohlc.replace('close', 'price');
  }
  return {
    price: q.price as string,
    open: open.value,
    high: high.value,
    low: low.value,
    volume: volume.value,
    previousClose: previousClose.value,
    change: change.value,
    changePercent: changePercent.value,
  };
}

/**
 * A GLOBAL_QUOTE → one `stock_quotes` row keyed by `observedAt` (GLOBAL_QUOTE has no timestamp of
 * its own). Price is required; the other values may be placeholders (→ `null`) but must be valid
 * when present, and `low ≤ open, price ≤ high` when open/high/low are all present. A `%` suffix on
 * the change percent is dropped. `latestTradingDay` must lie between 1900 and the date of
 * `observedAt` (plus `futureSkewMs`) anywhere on Earth.
 *
 * @throws {@link ValidationError} when `observedAt` is not a valid Date
 * @throws {@link RejectedRowsError} with policy `'throw'` when the quote is rejected
 */
export function transformQuote(quote: Quote, ctx: QuoteContext): TransformResult<QuoteRow> {
  if (!(ctx.observedAt instanceof Date) || Number.isNaN(ctx.observedAt.getTime())) {
    throw new ValidationError('observedAt must be a valid Date', { field: 'observedAt' });
  }
  const echoed = typeof quote.symbol === 'string' ? quote.symbol.trim() : '';
  const symbol = ctx.symbol ?? echoed;
  const out = new ResultBuilder<QuoteRow>(ctx.dataset ?? 'quote', symbol, ctx.policy);
  if (ctx.symbol !== undefined) out.checkEchoedSymbol(echoed);
  const day = quote.latestTradingDay;
  const range = {
    earliest: EARLIEST_DAILY_DATE,
    latest: latestDate(latestInstant(ctx.observedAt.getTime(), ctx.futureSkewMs)),
  };
  let problem: string | null = null;
  if (symbol === '') problem = 'symbol is missing';
  else if (typeof day !== 'string' || !parseIsoDate(day)) {
    problem = `latestTradingDay is not a real date (YYYY-MM-DD): ${describeValue(day)}`;
  } else {
    problem = rangeProblem('latestTradingDay', day, range);
  }
  const values = problem ?? quoteValues(quote);
  if (typeof values === 'string') {
    out.reject(typeof day === 'string' ? day : null, values, quote);
  } else {
    out.rows.push({
      symbol,
      observedAt: ctx.observedAt.toISOString(),
      latestTradingDay: day,
      ...values,
    });
  }
  return out.finish();
}

/**
 * REALTIME_BULK_QUOTES entries → `stock_quotes` rows. `observedAt` is the entry's `timestamp`
 * (US/Eastern wall clock with milliseconds) converted to UTC; `latestTradingDay` is its Eastern
 * date; `close` is the price. The extended-hours fields have no column and are not kept. An
 * entry after `ctx.now` (plus `futureSkewMs`) or dated before 1900 is rejected. Two entries with
 * the same symbol and instant: the first wins; the other is dropped when it carries the same
 * values, rejected otherwise.
 *
 * @throws {@link ValidationError} for an unknown `timeZone`
 * @throws {@link RejectedRowsError} with policy `'throw'` when any entry is rejected
 */
export function transformBulkQuotes(
  quotes: readonly BulkQuote[],
  ctx: BulkQuoteContext = {},
): TransformResult<QuoteRow> {
  const requested = ctx.symbols ? new Map(ctx.symbols.map((s) => [s.toUpperCase(), s])) : null;
  const label = ctx.symbols?.join(',') ?? 'bulk quotes';
  const out = new ResultBuilder<QuoteRow>(ctx.dataset ?? 'quote', label, ctx.policy);
  const parser = new WallClockParser(resolveZone(ctx.timeZone ?? NEW_YORK));
  const latestMs = latestInstant(ctx.now, ctx.futureSkewMs);
  const iso = new IsoFormatter();
  const seen = new Map<string, QuoteRow>();
  for (const q of quotes) {
    const sent = typeof q.symbol === 'string' ? q.symbol.trim() : '';
    const symbol = requested ? requested.get(sent.toUpperCase()) : sent;
    const time = typeof q.timestamp === 'string' ? q.timestamp : null;
    let problem: string | null = null;
    if (sent === '') problem = 'symbol is missing';
    else if (symbol === undefined) problem = `symbol ${describeValue(sent, 40)} was not requested`;
    else if (time === null || !parser.read(time)) {
      problem = `timestamp is not a real date-time: ${describeValue(q.timestamp)}`;
    } else if (parser.last.utcMs > latestMs) {
      problem = `timestamp ${time} is in the future (latest possible ${iso.format(latestMs)})`;
    } else if (parser.last.day.date < EARLIEST_DAILY_DATE) {
      problem = `timestamp ${time} is before ${EARLIEST_DAILY_DATE}, the earliest date accepted`;
    }
    const values = problem ?? quoteValues({ ...q, price: q.close });
    if (typeof values === 'string') {
      out.reject(time, values, q, symbol ?? sent);
      continue;
    }
    const { day, utcMs } = parser.last;
    const observedAt = iso.format(utcMs);
    const key = `${symbol}|${observedAt}`;
    const row: QuoteRow = {
      symbol: symbol as string,
      observedAt,
      latestTradingDay: formatDate(day.year, day.month, day.day),
      ...values,
    };
    const first = seen.get(key);
    if (first !== undefined) {
      if (!sameQuote(first, row)) {
        out.reject(
          time,
          `duplicate quote for ${symbol} at ${time} with different values`,
          q,
          symbol,
        );
      }
      continue;
    }
    seen.set(key, row);
    out.rows.push(row);
  }
  return out.finish();
}
