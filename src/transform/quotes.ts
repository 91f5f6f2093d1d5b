import type { BulkQuote, Quote } from '../alpha-vantage/types';
import { ValidationError } from '../errors/validation-error';
import { NEW_YORK } from '../time/zone';
import { type RejectPolicy, ResultBuilder } from './context';
import { formatDate, parseIsoDate } from './dates';
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
 * the change percent is dropped.
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
  let problem: string | null = null;
  if (symbol === '') problem = 'symbol is missing';
  else if (typeof day !== 'string' || !parseIsoDate(day)) {
    problem = `latestTradingDay is not a real date (YYYY-MM-DD): ${JSON.stringify(day)}`;
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
 * date; `close` is the price. The extended-hours fields have no column and are not kept. Two
 * entries with the same symbol and instant: the first wins, the other is rejected.
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
  const iso = new IsoFormatter();
  const seen = new Set<string>();
  for (const q of quotes) {
    const sent = typeof q.symbol === 'string' ? q.symbol.trim() : '';
    const symbol = requested ? requested.get(sent.toUpperCase()) : sent;
    const time = typeof q.timestamp === 'string' ? q.timestamp : null;
    let problem: string | null = null;
    if (sent === '') problem = 'symbol is missing';
    else if (symbol === undefined) problem = `symbol ${JSON.stringify(sent)} was not requested`;
    else if (time === null || !parser.read(time)) {
      problem = `timestamp is not a real date-time: ${JSON.stringify(q.timestamp)}`;
    }
    const values = problem ?? quoteValues({ ...q, price: q.close });
    if (typeof values === 'string') {
      out.reject(time, values, q, symbol ?? sent);
      continue;
    }
    const { day, utcMs } = parser.last;
    const observedAt = iso.format(utcMs);
    const key = `${symbol}|${observedAt}`;
    if (seen.has(key)) {
      out.reject(time, `duplicate quote for ${symbol} at ${time}`, q, symbol);
      continue;
    }
    seen.add(key);
    out.rows.push({
      symbol: symbol as string,
      observedAt,
      latestTradingDay: formatDate(day.year, day.month, day.day),
      ...values,
    });
  }
  return out.finish();
}
