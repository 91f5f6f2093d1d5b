import * as v from 'valibot';
import { InvalidRequestError } from '../../errors/api-errors';
import type { BulkQuote, Quote } from '../types';
import {
  check,
  dateSchema,
  decimalSchema,
  digitsSchema,
  formatError,
  isObject,
  nonEmpty,
  type ParseContext,
  parseJsonBody,
  percentSchema,
  stripKeys,
} from './common';

const quoteSchema = v.object({
  symbol: nonEmpty,
  open: decimalSchema,
  high: decimalSchema,
  low: decimalSchema,
  price: decimalSchema,
  volume: digitsSchema,
  'latest trading day': dateSchema,
  'previous close': decimalSchema,
  change: decimalSchema,
  'change percent': percentSchema,
});

/**
 * Parses GLOBAL_QUOTE JSON. `{"Global Quote": {}}` is Alpha Vantage's answer for an unknown
 * symbol (QUIRKS A.8) and becomes an {@link InvalidRequestError}.
 */
export function parseQuote(text: string, ctx: ParseContext, parsed?: unknown): Quote {
  const body = parsed ?? parseJsonBody(text, ctx);
  if (!isObject(body)) throw formatError(ctx, 'the body is not a JSON object');
  const raw = body['Global Quote'];
  if (!isObject(raw)) throw formatError(ctx, '"Global Quote" is missing or not an object');
  if (Object.keys(raw).length === 0) {
    throw new InvalidRequestError(
      `GLOBAL_QUOTE returned no quote for ${ctx.symbol ?? 'the symbol'} (unknown symbol)`,
      { endpoint: ctx.endpoint, ...(ctx.symbol ? { symbol: ctx.symbol } : {}) },
    );
  }
  const q = check(quoteSchema, stripKeys(raw), ctx, 'Global Quote:');
  return {
    symbol: q.symbol,
    open: q.open,
    high: q.high,
    low: q.low,
    price: q.price,
    volume: q.volume,
    latestTradingDay: q['latest trading day'],
    previousClose: q['previous close'],
    change: q.change,
    changePercent: q['change percent'],
  };
}

const optionalDecimal = v.optional(v.nullable(v.union([decimalSchema, v.literal('')])));

const bulkEntrySchema = v.object({
  symbol: nonEmpty,
  timestamp: v.pipe(
    v.string(),
    v.regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?$/, 'not a timestamp'),
  ),
  open: decimalSchema,
  high: decimalSchema,
  low: decimalSchema,
  close: decimalSchema,
  volume: digitsSchema,
  previous_close: decimalSchema,
  change: decimalSchema,
  change_percent: percentSchema,
  extended_hours_quote: optionalDecimal,
  extended_hours_change: optionalDecimal,
  extended_hours_change_percent: v.optional(v.nullable(v.union([percentSchema, v.literal('')]))),
});

const bulkBodySchema = v.object({ data: v.array(v.unknown()) });

/** Parses REALTIME_BULK_QUOTES JSON (`data` array, snake_case keys, `change_percent` without `%`). */
export function parseBulkQuotes(text: string, ctx: ParseContext, parsed?: unknown): BulkQuote[] {
  const body = parsed ?? parseJsonBody(text, ctx);
  const { data } = check(bulkBodySchema, body, ctx, 'body:');
  return data.map((entry, i) => {
    const e = check(bulkEntrySchema, entry, ctx, `data[${i}]:`);
    const orNull = (s: string | null | undefined) => (s === undefined || s === '' ? null : s);
    return {
      symbol: e.symbol,
      timestamp: e.timestamp,
      open: e.open,
      high: e.high,
      low: e.low,
      close: e.close,
      volume: e.volume,
      previousClose: e.previous_close,
      change: e.change,
      changePercent: e.change_percent,
      extendedHoursQuote: orNull(e.extended_hours_quote),
      extendedHoursChange: orNull(e.extended_hours_change),
      extendedHoursChangePercent: orNull(e.extended_hours_change_percent),
    };
  });
}
