import {
  csvReply,
  datatypeOf,
  invalidCall,
  jsonReply,
  type Reply,
  type RequestContext,
} from './context';
import { buildDailySeries, type DailySeries } from './daily-series';
import { fixed4, flatObject, prettyJson, price4, priceShort } from './format';
import { dailyRange } from './market-time';
import { hashString, Prng } from './prng';
import { stockProfile } from './profile';
import { etDateTime } from './sessions';

const QUOTE_CSV = 'symbol,open,high,low,price,volume,latestDay,previousClose,change,changePercent';

interface Quote {
  open: number;
  high: number;
  low: number;
  price: number;
  volume: number;
  day: string;
  previousClose: number;
}

function latestQuote(
  ctx: RequestContext,
  symbol: string,
): { quote: Quote; series: DailySeries } | null {
  const range = dailyRange(ctx.sessions, ctx.historyStart, ctx.nowMs);
  const s = buildDailySeries(stockProfile(symbol), range.days, range.partial);
  const n = s.dates.length;
  if (n === 0) return null;
  const i = n - 1;
  return {
    series: s,
    quote: {
      open: s.open[i]!,
      high: s.high[i]!,
      low: s.low[i]!,
      price: s.close[i]!,
      volume: s.volume[i]!,
      day: s.dates[i]!,
      // Across a split the previous close is restated in post-split shares.
      previousClose: n > 1 ? Math.round(s.close[i - 1]! / s.split[i]!) : s.open[i]!,
    },
  };
}

/** GLOBAL_QUOTE (API.md §2.6). An unknown symbol gets `{"Global Quote": {}}`, as the real one does. */
export function globalQuote(ctx: RequestContext): Reply {
  const symbol = ctx.params.get('symbol') ?? '';
  const datatype = datatypeOf(ctx.params);
  if (!symbol || !datatype) return invalidCall(ctx.fn);
  const found = ctx.isUnknown(symbol) ? null : latestQuote(ctx, symbol);
  if (datatype === 'csv') {
    let body = QUOTE_CSV + ctx.eol;
    if (found) {
      const v = quoteValues(symbol, found.quote);
      body += v.join(',') + ctx.eol;
    }
    return csvReply(body, `global_quote_${symbol}`);
  }
  if (!found) return jsonReply('{\n    "Global Quote": {}\n}');
  const v = quoteValues(symbol, found.quote);
  const names = ['01. symbol', '02. open', '03. high', '04. low', '05. price', '06. volume'];
  names.push('07. latest trading day', '08. previous close', '09. change', '10. change percent');
  const entries = names.map((k, i): [string, string] => [k, v[i]!]);
  return jsonReply(`{\n    "Global Quote": ${flatObject(entries, '    ')}\n}`);
}

function quoteValues(symbol: string, q: Quote): string[] {
  const change = q.price - q.previousClose;
  const pct = q.previousClose > 0 ? (change / q.previousClose) * 100 : 0;
  return [
    symbol,
    price4(q.open),
    price4(q.high),
    price4(q.low),
    price4(q.price),
    String(q.volume),
    q.day,
    price4(q.previousClose),
    price4(change),
    `${fixed4(pct)}%`,
  ];
}

const BULK_FIELDS = [
  'symbol',
  'timestamp',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'previous_close',
  'change',
  'change_percent',
  'extended_hours_quote',
  'extended_hours_change',
  'extended_hours_change_percent',
];

/** Shortest decimal of a float rounded to `dp` places (`1.4400` → `"1.44"`). */
function short(value: number, dp: number): string {
  const f = 10 ** dp;
  const v = Math.round(value * f) / f;
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/**
 * REALTIME_BULK_QUOTES (API.md §2.7): up to 100 comma-separated symbols (the rest are ignored,
 * unknown ones left out). snake_case keys, unpadded numbers, `change_percent` without `%`.
 */
export function bulkQuotes(ctx: RequestContext): Reply {
  const datatype = datatypeOf(ctx.params);
  const symbols = (ctx.params.get('symbol') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .slice(0, 100);
  if (symbols.length === 0 || !datatype) return invalidCall(ctx.fn);
  const rows: Record<string, string>[] = [];
  for (const symbol of symbols) {
    if (ctx.isUnknown(symbol)) continue;
    const found = latestQuote(ctx, symbol);
    if (!found) continue;
    const q = found.quote;
    const r = new Prng(hashString(symbol.toUpperCase(), Math.floor(ctx.nowMs / 1000)));
    const price = q.price / 10_000;
    const prev = q.previousClose / 10_000;
    const ext = price * (1 + (r.next() - 0.5) * 0.004);
    rows.push({
      symbol,
      timestamp: `${etDateTime(ctx.nowMs)}.${String(ctx.nowMs % 1000).padStart(3, '0')}`,
      open: priceShort(q.open),
      high: priceShort(q.high),
      low: priceShort(q.low),
      close: priceShort(q.price),
      volume: String(q.volume),
      previous_close: priceShort(q.previousClose),
      change: short(price - prev, 4),
      change_percent: short(prev > 0 ? ((price - prev) / prev) * 100 : 0, 4),
      extended_hours_quote: short(ext, 4),
      extended_hours_change: short(ext - price, 4),
      extended_hours_change_percent: short(((ext - price) / price) * 100, 5),
    });
  }
  if (datatype === 'csv') {
    let body = BULK_FIELDS.join(',') + ctx.eol;
    for (const row of rows) body += BULK_FIELDS.map((f) => row[f]).join(',') + ctx.eol;
    return csvReply(body, 'realtime_bulk_quotes');
  }
  return jsonReply(prettyJson({ endpoint: 'Realtime Bulk Quotes', data: rows }));
}
