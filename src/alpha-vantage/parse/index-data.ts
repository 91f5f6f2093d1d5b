import { capText, describeValue, previewJson } from '../../bounded-text';
import type { IndexBar, MalformedBar, SeriesMeta, TimeSeries } from '../types';
import {
  DATE_OR_DATE_TIME_RE,
  DATE_RE,
  DECIMAL_RE,
  DIGITS_RE,
  formatError,
  isObject,
  type ParseContext,
  parseJsonBody,
  stripKeys,
  stripPrefix,
} from './common';
import { type DuplicateKey, findDuplicateKeys } from './duplicates';
import type { MalformedRowsMode } from './series';

/**
 * INDEX_DATA parser. No recording exists (API.md §2.13 only says "daily, weekly, or monthly OHLC
 * time series"), so it accepts the two shapes Alpha Vantage uses elsewhere and is strict about
 * everything that matters, tolerant about everything else:
 * - a TIME_SERIES-like object (`Meta Data` + one series object keyed by date), or
 * - an object with one array of `{ date | timestamp, open, high, low, close, volume? }`.
 * Unknown extra keys (top level, meta, bar) are ignored; `1. `-style prefixes are stripped.
 * Bars are returned newest first whatever the body's order. Meta defaults: the requested symbol,
 * zone `US/Eastern` (the zone of every other Alpha Vantage series), last refreshed = newest bar.
 */

const DEFAULT_ZONE = 'US/Eastern';
const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;

/** Parses an INDEX_DATA body (see the module comment for the accepted shapes). */
export function parseIndexData(
  text: string,
  ctx: ParseContext,
  mode: MalformedRowsMode,
  parsed?: unknown,
): TimeSeries<IndexBar> {
  const body = parsed ?? parseJsonBody(text, ctx);
  if (!isObject(body)) throw formatError(ctx, 'the body is not a JSON object');
  if (Object.keys(body).length === 0) throw formatError(ctx, 'empty object {} (no data)');
  const metaRaw = body['Meta Data'];
  if (metaRaw !== undefined && !isObject(metaRaw))
    throw formatError(ctx, '"Meta Data" is not an object');
  const candidates = Object.keys(body).filter(
    (k) => k !== 'Meta Data' && body[k] !== null && typeof body[k] === 'object',
  );
  const preferred = candidates.filter((k) => /time series|data/i.test(k));
  const key =
    candidates.length === 1 ? candidates[0] : preferred.length === 1 ? preferred[0] : undefined;
  if (key === undefined) {
    throw formatError(
      ctx,
      `no single series found (keys: ${describeValue(Object.keys(body), 200)})`,
    );
  }
  const series = body[key];
  const entries: [string | null, unknown][] = Array.isArray(series)
    ? series.map((e) => [isObject(e) ? dateOf(e) : null, e])
    : Object.entries(series as Record<string, unknown>);
  const dupes = Array.isArray(series)
    ? arrayDuplicates(entries)
    : objectDuplicates(text, series, entries.length);

  const bars: IndexBar[] = [];
  const malformed: MalformedBar[] = [];
  const kept = new Set<string>();
  for (const [time, raw] of entries) {
    const duplicate = time === null ? undefined : dupes.get(time);
    let reason: string | undefined;
    if (duplicate !== undefined && !duplicate.identical) {
      reason = `duplicated timestamp: ${duplicate.count} bars with different values`;
    } else if (duplicate !== undefined && kept.has(time as string)) {
      continue; // the same bar sent again: already taken once
    } else {
      if (duplicate !== undefined) kept.add(time as string);
      reason = checkBar(time, raw, bars);
    }
    if (reason === undefined) continue;
    if (mode === 'throw') {
      throw formatError(ctx, `bar ${time === null ? '?' : capText(time, 40)}: ${reason}`);
    }
    malformed.push({ time, reason, raw });
  }
  bars.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
  if (bars.length === 0 && malformed.length === 0)
    throw formatError(ctx, `series "${key}" is empty`);
  return { endpoint: ctx.endpoint, meta: indexMeta(metaRaw, ctx, bars), bars, malformed };
}

/** Validates one bar and appends it to `bars`; returns the reason when it is bad. */
function checkBar(time: string | null, raw: unknown, bars: IndexBar[]): string | undefined {
  if (time === null) return 'bar has no date';
  if (!DATE_OR_DATE_TIME_RE.test(time))
    return `timestamp ${describeValue(time, 40)} is not a valid date`;
  if (!isObject(raw)) return 'bar is not an object';
  const fields = lowerStripped(raw);
  const bar: IndexBar = { time, open: '', high: '', low: '', close: '', volume: null };
  for (const f of PRICE_FIELDS) {
    const value = fields[f];
    if (value === undefined) return `${f} is missing`;
    if (typeof value !== 'string' || !DECIMAL_RE.test(value)) {
      return `${f} is not a number: ${describeValue(value)}`;
    }
    bar[f] = value;
  }
  const volume = fields.volume;
  if (volume !== undefined && volume !== null && volume !== '' && volume !== '-') {
    if (typeof volume !== 'string' || !DIGITS_RE.test(volume)) {
      return `volume is not a whole number: ${describeValue(volume)}`;
    }
    bar.volume = volume;
  }
  bars.push(bar);
  return undefined;
}

function indexMeta(
  raw: Record<string, unknown> | undefined,
  ctx: ParseContext,
  bars: IndexBar[],
): SeriesMeta {
  const m = raw ? lowerStripped(raw) : {};
  const str = (k: string) =>
    typeof m[k] === 'string' && m[k] !== '' ? (m[k] as string) : undefined;
  const lastRefreshed = str('last refreshed') ?? bars[0]?.time ?? '';
  if (lastRefreshed && !DATE_OR_DATE_TIME_RE.test(lastRefreshed)) {
    throw formatError(
      ctx,
      `Meta Data: Last Refreshed ${describeValue(lastRefreshed, 40)} is not a date`,
    );
  }
  return {
    information: str('information') ?? '',
    symbol: str('symbol') ?? ctx.symbol ?? '',
    lastRefreshed,
    timeZone: str('time zone') ?? DEFAULT_ZONE,
  };
}

function dateOf(entry: Record<string, unknown>): string | null {
  const f = lowerStripped(entry);
  const value = f.date ?? f.timestamp ?? f.time;
  return typeof value === 'string' && (DATE_RE.test(value) || DATE_OR_DATE_TIME_RE.test(value))
    ? value
    : null;
}

function lowerStripped(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stripKeys(record))) out[stripPrefix(k).toLowerCase()] = v;
  return out;
}

/** Longest bar compared when looking for identical copies; longer copies count as different. */
const MAX_COMPARED_CHARS = 10_000;

function arrayDuplicates(entries: [string | null, unknown][]): Map<string, DuplicateKey> {
  const copies = new Map<string, unknown[]>();
  for (const [t, raw] of entries) {
    if (t === null) continue;
    const list = copies.get(t);
    if (list) list.push(raw);
    else copies.set(t, [raw]);
  }
  const out = new Map<string, DuplicateKey>();
  for (const [t, list] of copies) {
    if (list.length < 2) continue;
    const first = previewJson(list[0], MAX_COMPARED_CHARS);
    const identical =
      !first.truncated &&
      list.every((raw) => {
        const p = previewJson(raw, MAX_COMPARED_CHARS);
        return !p.truncated && p.text === first.text;
      });
    out.set(t, { count: list.length, identical });
  }
  return out;
}

function objectDuplicates(
  text: string,
  series: unknown,
  parsed: number,
): Map<string, DuplicateKey> {
  const first = isObject(series) ? Object.values(series)[0] : undefined;
  const openKey = isObject(first) ? Object.keys(first).find((k) => /open$/i.test(k)) : undefined;
  // Only bars that carry an open field count: one without it would hide a repeated timestamp.
  const withOpen =
    openKey === undefined || !isObject(series)
      ? parsed
      : Object.values(series).filter(
          (bar) => isObject(bar) && Object.keys(bar).some((k) => /open$/i.test(k)),
        ).length;
  return findDuplicateKeys(text, openKey, withOpen) ?? new Map();
}
