import type { CompanyOverview, ListingEntry } from '../alpha-vantage/types';
import { describeValue } from '../bounded-text';
import { parseIsoDate } from '../time/civil-date';
import { type RejectPolicy, ResultBuilder } from './context';
import { isPlaceholder, textOrNull } from './nullish';
import type { StockRow, TransformResult } from './rows';

/** Options of {@link transformOverview}. */
export interface OverviewContext {
  /** The requested symbol; the row carries it (a differing echo becomes a warning). @default overview.symbol */
  symbol?: string;
  /** Dataset recorded on rejects. @default 'overview' */
  dataset?: string;
  /** What to do with a rejected body. @default 'quarantine' */
  policy?: RejectPolicy;
}

/** Options of {@link transformListing}. */
export interface ListingContext {
  /** Dataset recorded on rejects. @default 'listing' */
  dataset?: string;
  /** What to do with rejected entries. @default 'quarantine' */
  policy?: RejectPolicy;
}

/**
 * An OVERVIEW body → one `stocks` row. Typed columns come from the typed fields; placeholders
 * (`None`, `-`, `null`, …) become `null`, in the typed fields and in the kept `overview` body alike.
 * OVERVIEW carries no IPO or delisting date, so those are `null`, and `isActive` is `true`:
 * OVERVIEW only answers for listed symbols (delisting is learnt from LISTING_STATUS).
 *
 * @throws {@link RejectedRowsError} with policy `'throw'` when the body is rejected (no symbol)
 */
export function transformOverview(
  overview: CompanyOverview,
  ctx: OverviewContext = {},
): TransformResult<StockRow> {
  const echoed = textOrNull(overview.symbol) ?? '';
  const symbol = ctx.symbol ?? echoed;
  const out = new ResultBuilder<StockRow>(ctx.dataset ?? 'overview', symbol, ctx.policy);
  if (ctx.symbol !== undefined) out.checkEchoedSymbol(echoed);
  if (symbol === '') {
    out.reject(null, 'symbol is missing', overview);
    return out.finish();
  }
  const raw: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(overview.raw ?? {})) {
    raw[key] = isPlaceholder(value) ? null : value;
  }
  out.rows.push({
    symbol,
    name: textOrNull(overview.name),
    exchange: textOrNull(overview.exchange),
    assetType: textOrNull(overview.assetType),
    currency: textOrNull(overview.currency),
    sector: textOrNull(overview.sector),
    industry: textOrNull(overview.industry),
    country: textOrNull(overview.country),
    ipoDate: null,
    delistingDate: null,
    isActive: true,
    overview: raw,
  });
  return out.finish();
}

/** A date field of a listing: placeholder → `null`, real date → itself, else a reason. */
function listingDate(field: string, value: unknown): { value: string | null } | string {
  if (isPlaceholder(value)) return { value: null };
  if (typeof value === 'string' && parseIsoDate(value.trim())) return { value: value.trim() };
  return `${field} is not a real date (YYYY-MM-DD): ${describeValue(value)}`;
}

/**
 * LISTING_STATUS entries (active and/or delisted lists) → `stocks` rows; `Delisted` → `isActive:
 * false` with its delisting date. Name, exchange and asset type: trimmed, placeholders and empty →
 * `null`. Rejected: an entry without a symbol, with whitespace in the symbol, an unknown status or
 * a malformed date.
 *
 * One symbol several times: tickers are reused, so a symbol may be both delisted (an earlier
 * company) and active (the current one) — the active entry wins and the delisted ones are dropped
 * silently, as history rather than errors; among delisted entries only, the latest delisting wins.
 * The same symbol active twice is a glitch: the first wins and the later ones are rejected.
 *
 * @throws {@link RejectedRowsError} with policy `'throw'` when any entry is rejected
 */
export function transformListing(
  entries: readonly ListingEntry[],
  ctx: ListingContext = {},
): TransformResult<StockRow> {
  const out = new ResultBuilder<StockRow>(ctx.dataset ?? 'listing', 'listing', ctx.policy);
  const bySymbol = new Map<string, StockRow>();
  for (const entry of entries) {
    const symbol = typeof entry.symbol === 'string' ? entry.symbol.trim() : '';
    const ipo = listingDate('ipoDate', entry.ipoDate);
    const delisting = listingDate('delistingDate', entry.delistingDate);
    let problem: string | null = null;
    if (symbol === '') problem = 'symbol is missing';
    else if (/\s/.test(symbol)) problem = `symbol contains whitespace: ${describeValue(symbol)}`;
    else if (entry.status !== 'Active' && entry.status !== 'Delisted') {
      problem = `status is neither Active nor Delisted: ${describeValue(entry.status)}`;
    } else if (typeof ipo === 'string') problem = ipo;
    else if (typeof delisting === 'string') problem = delisting;
    if (problem !== null || typeof ipo === 'string' || typeof delisting === 'string') {
      // The type checks only narrow: a string date result always set `problem` above.
      out.reject(symbol || null, problem ?? String(ipo), entry, symbol);
      continue;
    }
    const row: StockRow = {
      symbol,
      name: textOrNull(entry.name),
      exchange: textOrNull(entry.exchange),
      assetType: textOrNull(entry.assetType),
      currency: null,
      sector: null,
      industry: null,
      country: null,
      ipoDate: ipo.value,
      delistingDate: entry.status === 'Delisted' ? delisting.value : null,
      isActive: entry.status === 'Active',
      overview: null,
    };
    const kept = bySymbol.get(symbol);
    if (kept === undefined) bySymbol.set(symbol, row);
    else if (kept.isActive && row.isActive) {
      out.reject(symbol, `duplicate active symbol ${symbol}`, entry, symbol);
    } else if (row.isActive) bySymbol.set(symbol, row);
    else if (!kept.isActive && (row.delistingDate ?? '') > (kept.delistingDate ?? '')) {
      bySymbol.set(symbol, row);
    }
  }
  out.rows.push(...bySymbol.values());
  return out.finish();
}
