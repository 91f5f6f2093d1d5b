import { NEW_YORK, zoneOffsetMinutes } from '../time/zone';
import {
  csvReply,
  datatypeOf,
  invalidCall,
  jsonReply,
  type Reply,
  type RequestContext,
} from './context';
import { buildDailySeries } from './daily-series';
import { fixed4, prettyJson } from './format';
import { dailyRange } from './market-time';
import { Prng } from './prng';
import { INDEX_CATALOG, stockProfile } from './profile';
import { etDate } from './sessions';
import type { FakeListingEntry } from './types';

const SECTORS: Array<[string, string]> = [
  ['TECHNOLOGY', 'SERVICES-PREPACKAGED SOFTWARE'],
  ['TECHNOLOGY', 'SEMICONDUCTORS & RELATED DEVICES'],
  ['FINANCE', 'NATIONAL COMMERCIAL BANKS'],
  ['LIFE SCIENCES', 'PHARMACEUTICAL PREPARATIONS'],
  ['ENERGY & TRANSPORTATION', 'PETROLEUM REFINING'],
  ['MANUFACTURING', 'AIRCRAFT'],
  ['TRADE & SERVICES', 'RETAIL-CATALOG & MAIL-ORDER HOUSES'],
];

function findListing(ctx: RequestContext, symbol: string): FakeListingEntry | undefined {
  const up = symbol.toUpperCase();
  return ctx.listing.find((e) => e.symbol.toUpperCase() === up);
}

/**
 * OVERVIEW (API.md §2.11): JSON only, every value a string, the 2026 key set in the real order.
 * An unknown symbol gets `{}` (what the service sends for symbols it has no fundamentals for).
 */
export function overview(ctx: RequestContext): Reply {
  const symbol = ctx.params.get('symbol') ?? '';
  if (!symbol) return invalidCall(ctx.fn);
  if (ctx.isUnknown(symbol)) return jsonReply('{}');
  const profile = stockProfile(symbol);
  const range = dailyRange(ctx.sessions, ctx.historyStart, ctx.nowMs);
  const s = buildDailySeries(profile, range.days, range.partial);
  const n = s.dates.length;
  const price = n > 0 ? s.close[n - 1]! / 10_000 : profile.basePrice;
  const window = (days: number) => {
    let hi = 0;
    let lo = Number.POSITIVE_INFINITY;
    let sum = 0;
    const from = Math.max(0, n - days);
    for (let i = from; i < n; i++) {
      hi = Math.max(hi, s.high[i]!);
      lo = Math.min(lo, s.low[i]!);
      sum += s.close[i]!;
    }
    const count = Math.max(1, n - from);
    return { hi: hi / 10_000, lo: lo / 10_000, avg: sum / count / 10_000 };
  };
  const r = new Prng(profile.seed ^ 0x0f0f0f0f);
  const listing = findListing(ctx, symbol);
  const [sector, industry] = SECTORS[Math.floor(r.next() * SECTORS.length)]!;
  const shares = Math.round(1e8 + r.next() * 4e9);
  const eps = (price / (10 + r.next() * 30)).toFixed(2);
  const revenue = Math.round(shares * price * (0.2 + r.next() * 2));
  const lastDividend = (() => {
    for (let i = n - 1; i >= 0; i--) if (s.dividend[i]! > 0) return i;
    return -1;
  })();
  const dps = lastDividend >= 0 ? ((s.dividend[lastDividend]! / 10_000) * 4).toFixed(2) : 'None';
  const year = window(252);
  const name = listing?.name ?? `${profile.key} Holdings Inc`;
  const body: Record<string, string> = {
    Symbol: symbol,
    AssetType: listing?.assetType === 'ETF' ? 'ETF' : 'Common Stock',
    Name: name,
    Description: `${name} is a synthetic company invented by the stock-etl fake Alpha Vantage server.`,
    CIK: String(10_000 + Math.floor(r.next() * 1_900_000)),
    Exchange: listing?.exchange ?? (r.next() < 0.5 ? 'NYSE' : 'NASDAQ'),
    Currency: 'USD',
    Country: 'USA',
    Sector: sector,
    Industry: industry,
    Address: '1 MAIN STREET, NEW YORK, NY, UNITED STATES, 10001',
    OfficialSite: `https://www.${profile.key.toLowerCase().replace(/[^a-z0-9]/g, '')}.example`,
    FiscalYearEnd: 'December',
    LatestQuarter: latestQuarterEnd(etDate(ctx.nowMs)),
    MarketCapitalization: String(Math.round(shares * price)),
    EBITDA: String(Math.round(revenue * 0.25)),
    PERatio: (price / Number(eps)).toFixed(2),
    PEGRatio: (0.5 + r.next() * 3).toFixed(3),
    BookValue: (price / (1 + r.next() * 8)).toFixed(2),
    DividendPerShare: dps,
    DividendYield: profile.dividendYield > 0 ? profile.dividendYield.toFixed(4) : 'None',
    EPS: eps,
    RevenuePerShareTTM: (revenue / shares).toFixed(2),
    ProfitMargin: (r.next() * 0.3).toFixed(3),
    OperatingMarginTTM: (r.next() * 0.35).toFixed(3),
    ReturnOnAssetsTTM: (r.next() * 0.15).toFixed(4),
    ReturnOnEquityTTM: (r.next() * 0.5).toFixed(3),
    RevenueTTM: String(revenue),
    GrossProfitTTM: String(Math.round(revenue * 0.55)),
    DilutedEPSTTM: eps,
    QuarterlyEarningsGrowthYOY: ((r.next() - 0.3) * 0.5).toFixed(3),
    QuarterlyRevenueGrowthYOY: ((r.next() - 0.3) * 0.3).toFixed(3),
    AnalystTargetPrice: (price * (0.9 + r.next() * 0.4)).toFixed(2),
    AnalystRatingStrongBuy: String(Math.floor(r.next() * 10)),
    AnalystRatingBuy: String(Math.floor(r.next() * 20)),
    AnalystRatingHold: String(Math.floor(r.next() * 15)),
    AnalystRatingSell: String(Math.floor(r.next() * 4)),
    AnalystRatingStrongSell: String(Math.floor(r.next() * 2)),
    TrailingPE: (price / Number(eps)).toFixed(2),
    ForwardPE: ((price / Number(eps)) * 0.9).toFixed(2),
    PriceToSalesRatioTTM: ((shares * price) / revenue).toFixed(3),
    PriceToBookRatio: (1 + r.next() * 8).toFixed(2),
    EVToRevenue: ((shares * price * 1.1) / revenue).toFixed(3),
    EVToEBITDA: ((shares * price * 1.1) / (revenue * 0.25)).toFixed(2),
    Beta: (0.4 + r.next() * 1.4).toFixed(3),
    '52WeekHigh': String(year.hi),
    '52WeekLow': String(year.lo),
    '50DayMovingAverage': window(50).avg.toFixed(2),
    '200DayMovingAverage': window(200).avg.toFixed(2),
    SharesOutstanding: String(shares),
    SharesFloat: String(Math.round(shares * 0.98)),
    PercentInsiders: (r.next() * 5).toFixed(3),
    PercentInstitutions: (40 + r.next() * 50).toFixed(3),
    DividendDate: lastDividend >= 0 ? s.dates[lastDividend]! : 'None',
    ExDividendDate: lastDividend >= 0 ? s.dates[lastDividend]! : 'None',
  };
  return jsonReply(prettyJson(body));
}

function latestQuarterEnd(today: string): string {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const q = Math.floor((m - 1) / 3); // quarter in progress; report the one before it
  if (q === 0) return `${y - 1}-12-31`;
  return [`${y}-03-31`, `${y}-06-30`, `${y}-09-30`][q - 1]!;
}

/**
 * LISTING_STATUS (API.md §2.10): always CSV. `state=active|delisted`; `date=YYYY-MM-DD` (after
 * 2010-01-01) travels back in time: active then = listed by then and not yet delisted.
 */
export function listingStatus(ctx: RequestContext): Reply {
  const state = ctx.params.get('state') ?? 'active';
  const date = ctx.params.get('date');
  if (state !== 'active' && state !== 'delisted') return invalidCall(ctx.fn);
  const asOf = date ?? etDate(ctx.nowMs);
  if (
    date !== null &&
    (!/^\d{4}-\d{2}-\d{2}$/.test(date) || date <= '2010-01-01' || Number.isNaN(Date.parse(date)))
  ) {
    return invalidCall(ctx.fn);
  }
  const eol = ctx.eol;
  let body = `symbol,name,exchange,assetType,ipoDate,delistingDate,status${eol}`;
  for (const e of ctx.listing) {
    if (e.ipoDate > asOf) continue;
    const delisted = e.delistingDate !== null && e.delistingDate <= asOf;
    if ((state === 'delisted') !== delisted) continue;
    const status = delisted ? 'Delisted' : 'Active';
    const dd = delisted ? e.delistingDate : 'null';
    body += `${e.symbol},${e.name},${e.exchange},${e.assetType},${e.ipoDate},${dd},${status}${eol}`;
  }
  return csvReply(body, `listing_status`);
}

/** SYMBOL_SEARCH (API.md §2.8) over the active listing: best matches first, at most 10. */
export function symbolSearch(ctx: RequestContext): Reply {
  const keywords = (ctx.params.get('keywords') ?? '').trim();
  const datatype = datatypeOf(ctx.params);
  if (!keywords || !datatype) return invalidCall(ctx.fn);
  const k = keywords.toUpperCase();
  const today = etDate(ctx.nowMs);
  const matches: Array<{ e: FakeListingEntry; score: number }> = [];
  for (const e of ctx.listing) {
    if (e.delistingDate !== null && e.delistingDate <= today) continue;
    const sym = e.symbol.toUpperCase();
    const name = e.name.toUpperCase();
    let score = 0;
    if (sym === k) score = 1;
    else if (sym.startsWith(k)) score = k.length / sym.length;
    else if (name.includes(k)) score = (k.length / name.length) * 0.9;
    if (score > 0) matches.push({ e, score });
  }
  matches.sort((a, b) => b.score - a.score || a.e.symbol.localeCompare(b.e.symbol));
  // The offset of New York today, printed the way the service does (`UTC-04`).
  const offset = zoneOffsetMinutes(NEW_YORK, ctx.nowMs) / 60;
  const tz = `UTC${offset < 0 ? '-' : '+'}${String(Math.abs(offset)).padStart(2, '0')}`;
  const rows = matches
    .slice(0, 10)
    .map(({ e, score }) => [
      e.symbol,
      e.name,
      e.assetType === 'ETF' ? 'ETF' : 'Equity',
      'United States',
      '09:30',
      '16:00',
      tz,
      'USD',
      fixed4(score),
    ]);
  if (datatype === 'csv') {
    let body = `symbol,name,type,region,marketOpen,marketClose,timezone,currency,matchScore${ctx.eol}`;
    for (const row of rows) body += row.join(',') + ctx.eol;
    return csvReply(body, 'search_results');
  }
  const keys = ['1. symbol', '2. name', '3. type', '4. region', '5. marketOpen', '6. marketClose'];
  keys.push('7. timezone', '8. currency', '9. matchScore');
  const bestMatches = rows.map((row) => Object.fromEntries(keys.map((key, i) => [key, row[i]])));
  return jsonReply(prettyJson({ bestMatches }));
}

/**
 * INDEX_CATALOG (API.md §2.13): a JSON object mapping each index symbol to its name. No recorded
 * response exists; this shape follows the one user report the reference cites.
 */
export function indexCatalog(): Reply {
  return jsonReply(prettyJson(INDEX_CATALOG));
}
