import * as v from 'valibot';
import { describeValue } from '../../bounded-text';
import { InvalidRequestError } from '../../errors/api-errors';
import type { CompanyOverview, IndexCatalogEntry, MarketStatusEntry, SymbolMatch } from '../types';
import {
  check,
  decimalSchema,
  formatError,
  isObject,
  nonEmpty,
  type ParseContext,
  parseJsonBody,
  stripKeys,
} from './common';

/** Placeholder texts Alpha Vantage uses for "no value" (QUIRKS B.18). */
const NULLISH = new Set(['', 'None', 'none', 'null', 'n/a', 'N/A', '-', '--']);

/**
 * Parses OVERVIEW JSON: a flat object of strings whose key set drifts over time, so only `Symbol`
 * is required; every string value is kept in `raw` (placeholders → `null`). `{}` is the answer
 * for an unknown symbol and becomes an {@link InvalidRequestError}.
 */
export function parseOverview(text: string, ctx: ParseContext, parsed?: unknown): CompanyOverview {
  const body = parsed ?? parseJsonBody(text, ctx);
  if (!isObject(body)) throw formatError(ctx, 'the body is not a JSON object');
  if (Object.keys(body).length === 0) {
    throw new InvalidRequestError(
      `OVERVIEW returned nothing for ${ctx.symbol ?? 'the symbol'} (unknown symbol or no fundamentals)`,
      { endpoint: ctx.endpoint, ...(ctx.symbol ? { symbol: ctx.symbol } : {}) },
    );
  }
  const raw: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value !== 'string') {
      throw formatError(ctx, `field ${describeValue(key, 40)} is not a string`);
    }
    const trimmed = value.trim();
    raw[key] = NULLISH.has(trimmed) ? null : trimmed;
  }
  const symbol = raw.Symbol;
  if (!symbol) throw formatError(ctx, '"Symbol" is missing or empty');
  const get = (key: string) => raw[key] ?? null;
  return {
    symbol,
    assetType: get('AssetType'),
    name: get('Name'),
    description: get('Description'),
    exchange: get('Exchange'),
    currency: get('Currency'),
    country: get('Country'),
    sector: get('Sector'),
    industry: get('Industry'),
    raw,
  };
}

const matchSchema = v.object({
  symbol: nonEmpty,
  name: v.string(),
  type: v.string(),
  region: v.string(),
  marketOpen: v.string(),
  marketClose: v.string(),
  timezone: v.string(),
  currency: v.string(),
  matchScore: decimalSchema,
});

const searchBodySchema = v.object({ bestMatches: v.array(v.unknown()) });

/** Parses SYMBOL_SEARCH JSON (`bestMatches`, `1. symbol` … `9. matchScore`). */
export function parseSymbolSearch(
  text: string,
  ctx: ParseContext,
  parsed?: unknown,
): SymbolMatch[] {
  const body = parsed ?? parseJsonBody(text, ctx);
  const { bestMatches } = check(searchBodySchema, body, ctx, 'body:');
  return bestMatches.map((entry, i) => {
    if (!isObject(entry)) throw formatError(ctx, `bestMatches[${i}] is not an object`);
    return check(matchSchema, stripKeys(entry), ctx, `bestMatches[${i}]:`);
  });
}

const marketSchema = v.object({
  market_type: nonEmpty,
  region: v.string(),
  primary_exchanges: v.string(),
  local_open: v.string(),
  local_close: v.string(),
  current_status: nonEmpty,
  notes: v.optional(v.string(), ''),
});

const marketBodySchema = v.object({ markets: v.array(marketSchema) });

/** Parses MARKET_STATUS JSON (`markets`, snake_case keys). */
export function parseMarketStatus(
  text: string,
  ctx: ParseContext,
  parsed?: unknown,
): MarketStatusEntry[] {
  const body = parsed ?? parseJsonBody(text, ctx);
  const { markets } = check(marketBodySchema, body, ctx, 'body:');
  return markets.map((m) => ({
    marketType: m.market_type,
    region: m.region,
    primaryExchanges: m.primary_exchanges,
    localOpen: m.local_open,
    localClose: m.local_close,
    currentStatus: m.current_status,
    notes: m.notes,
  }));
}

const catalogEntrySchema = v.looseObject({
  symbol: v.pipe(v.string(), v.trim(), v.minLength(1, 'empty')),
  name: v.pipe(v.string(), v.trim()),
});

/**
 * Parses INDEX_CATALOG. No recording exists (API.md §2.13: "key = symbol, value = name", per a
 * user), so three shapes are accepted, each strictly: a `{ "SPX": "S&P 500", … }` map; an array of
 * `{ symbol, name }` (extra keys ignored, `1. `-style prefixes stripped); or an object whose one
 * non-metadata array/object value is one of those.
 */
export function parseIndexCatalog(
  text: string,
  ctx: ParseContext,
  parsed?: unknown,
): IndexCatalogEntry[] {
  const body = parsed ?? parseJsonBody(text, ctx);
  const entries = catalogEntries(body, ctx, 0);
  if (entries.length === 0) throw formatError(ctx, 'the catalog is empty');
  return entries;
}

function catalogEntries(body: unknown, ctx: ParseContext, depth: number): IndexCatalogEntry[] {
  if (Array.isArray(body)) {
    return body.map((entry, i) => {
      if (!isObject(entry)) throw formatError(ctx, `entry ${i} is not an object`);
      const e = check(catalogEntrySchema, lowerKeys(stripKeys(entry)), ctx, `entry ${i}:`);
      return { symbol: e.symbol, name: e.name };
    });
  }
  if (!isObject(body)) throw formatError(ctx, 'the body is neither an object nor an array');
  const values = Object.values(body);
  if (values.length > 0 && values.every((val) => typeof val === 'string')) {
    return Object.entries(body).map(([symbol, name]) => ({
      symbol,
      name: (name as string).trim(),
    }));
  }
  // A wrapper such as { "endpoint": "...", "indices": [...] }: exactly one container value.
  const containers = Object.entries(body).filter(
    ([, val]) => val !== null && typeof val === 'object',
  );
  const only = containers[0];
  if (depth === 0 && containers.length === 1 && only) return catalogEntries(only[1], ctx, 1);
  throw formatError(ctx, `no index list found (keys: ${describeValue(Object.keys(body), 200)})`);
}

function lowerKeys(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(record)) out[k.toLowerCase()] = val;
  return out;
}
