import * as v from 'valibot';
import { capText, describeValue } from '../../bounded-text';
import {
  type AdjustedPriceBar,
  INTRADAY_INTERVALS,
  type MalformedBar,
  type PriceBar,
  type SeriesMeta,
  type TimeSeries,
} from '../types';
import {
  check,
  DATE_OR_DATE_TIME_RE,
  DATE_RE,
  DATE_TIME_RE,
  DECIMAL_RE,
  DIGITS_RE,
  formatError,
  isObject,
  nonEmpty,
  type ParseContext,
  parseJsonBody,
  stripKeys,
  stripPrefix,
} from './common';
import { findDuplicateKeys } from './duplicates';
import { scanPlainSeries } from './fast-series';

/**
 * TIME_SERIES_* parser. The envelope (`Meta Data`, the series key) is validated with valibot; the
 * bars — up to ~20k per month of 1-min extended-hours data — with hand-written checks, because a
 * valibot object schema per bar is several times slower than the budget (≥300k bars/s) allows.
 */

/** What a series endpoint's bars contain. */
export type BarKind = 'plain' | 'adjusted' | 'adjusted-split';

/** How to parse one series endpoint. */
export interface SeriesSpec extends ParseContext {
  /** The data key, e.g. `Time Series (5min)`, `Weekly Adjusted Time Series`. */
  seriesKey: string;
  /** Bar fields. */
  kind: BarKind;
  /** Series keys are date-times (intraday) rather than dates. */
  intraday: boolean;
}

/** What to do with a bad bar. */
export type MalformedRowsMode = 'throw' | 'report';

const metaSchema = v.object({
  information: v.string(),
  symbol: nonEmpty,
  lastRefreshed: v.pipe(
    v.string(),
    v.regex(DATE_OR_DATE_TIME_RE, 'not a YYYY-MM-DD[ HH:MM:SS] time'),
  ),
  interval: v.optional(v.picklist(INTRADAY_INTERVALS, 'not a known interval')),
  outputSize: v.optional(v.string()),
  timeZone: nonEmpty,
});

const META_FIELDS: Record<string, keyof SeriesMeta> = {
  Information: 'information',
  Symbol: 'symbol',
  'Last Refreshed': 'lastRefreshed',
  Interval: 'interval',
  'Output Size': 'outputSize',
  'Time Zone': 'timeZone',
};

/**
 * Maps and validates `Meta Data` (prefixes stripped, unknown keys ignored).
 * @internal
 */
export function parseMeta(raw: unknown, ctx: ParseContext): SeriesMeta {
  if (!isObject(raw)) throw formatError(ctx, '"Meta Data" is missing or not an object');
  const mapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stripKeys(raw))) {
    const field = META_FIELDS[key];
    if (field) mapped[field] = value;
  }
  const meta = check(metaSchema, mapped, ctx, 'Meta Data:');
  const out: SeriesMeta = {
    information: meta.information,
    symbol: meta.symbol,
    lastRefreshed: meta.lastRefreshed,
    timeZone: meta.timeZone,
  };
  if (meta.interval !== undefined) out.interval = meta.interval;
  if (meta.outputSize !== undefined) out.outputSize = meta.outputSize;
  return out;
}

type Field =
  | 'open'
  | 'high'
  | 'low'
  | 'close'
  | 'volume'
  | 'adjustedClose'
  | 'dividendAmount'
  | 'splitCoefficient';

const FIELD_BY_NAME: Record<string, Field> = {
  open: 'open',
  high: 'high',
  low: 'low',
  close: 'close',
  volume: 'volume',
  'adjusted close': 'adjustedClose',
  'dividend amount': 'dividendAmount',
  'split coefficient': 'splitCoefficient',
};

const FIELDS: Record<BarKind, readonly Field[]> = {
  plain: ['open', 'high', 'low', 'close', 'volume'],
  adjusted: ['open', 'high', 'low', 'close', 'adjustedClose', 'volume', 'dividendAmount'],
  'adjusted-split': [
    'open',
    'high',
    'low',
    'close',
    'adjustedClose',
    'volume',
    'dividendAmount',
    'splitCoefficient',
  ],
};

/** Maps each wanted field to the body's key for it (`open` → `1. open`), from one sample bar. */
function keyMap(bar: Record<string, unknown>): Partial<Record<Field, string>> {
  const map: Partial<Record<Field, string>> = {};
  for (const key of Object.keys(bar)) {
    const field = FIELD_BY_NAME[stripPrefix(key).toLowerCase()];
    if (field) map[field] = key;
  }
  return map;
}

/** Checks one bar; returns the reason it is bad, or the parsed bar. */
function readBar(
  time: string,
  raw: unknown,
  fields: readonly Field[],
  cached: Partial<Record<Field, string>>,
  timeRe: RegExp,
): string | Record<string, string | null> {
  if (!timeRe.test(time)) return `timestamp ${describeValue(time, 40)} is not a valid time`;
  if (!isObject(raw)) return 'bar is not an object';
  let keys = cached;
  const bar: Record<string, string | null> = { time };
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as Field;
    let value = raw[keys[field] as string];
    // A bar keyed differently from the first one (another prefix) takes the slow path once.
    if (value === undefined && keys === cached) {
      keys = keyMap(raw);
      value = raw[keys[field] as string];
    }
    if (value === undefined) return `${field} is missing`;
    // describeValue, not JSON.stringify: the value may be 50 MB long or nested 5,000 arrays deep.
    if (typeof value !== 'string') return `${field} is not a string: ${describeValue(value)}`;
    const ok = field === 'volume' ? DIGITS_RE.test(value) : DECIMAL_RE.test(value);
    if (!ok) return `${field} is not a number: ${describeValue(value)}`;
    bar[field] = value;
  }
  return bar;
}

/**
 * Parses a TIME_SERIES_* JSON body.
 * @param text - the body as received (duplicate series keys are detected in it)
 * @param spec - endpoint, series key and bar kind
 * @param mode - `'throw'`: any bad bar is a ResponseFormatError; `'report'`: bad bars go to `malformed`
 * @param parsed - the body already parsed by the caller (saves a second JSON.parse)
 */
export function parseTimeSeries(
  text: string,
  spec: SeriesSpec,
  mode: MalformedRowsMode,
  parsed?: unknown,
): TimeSeries<PriceBar | AdjustedPriceBar> {
  const body = parsed ?? parseJsonBody(text, spec);
  if (!isObject(body)) throw formatError(spec, 'the body is not a JSON object');
  if (Object.keys(body).length === 0) throw formatError(spec, 'empty object {} (no data)');
  const meta = parseMeta(body['Meta Data'], spec);
  const series = body[spec.seriesKey];
  if (!isObject(series)) {
    const keys = Object.keys(body).filter((k) => k !== 'Meta Data');
    throw formatError(
      spec,
      `series key "${spec.seriesKey}" is ${series === undefined ? 'missing' : 'not an object'} (keys: ${describeValue(keys, 200)})`,
    );
  }
  const times = Object.keys(series);
  // Alpha Vantage never sends an empty series with data: it is an outage or a broken history
  // (QUIRKS §8), and loading "nothing" as a success would hide it.
  if (times.length === 0) throw formatError(spec, `series "${spec.seriesKey}" is empty (no bars)`);
  const fields = FIELDS[spec.kind];
  const timeRe = spec.intraday ? DATE_TIME_RE : DATE_RE;
  const first = series[times[0] as string];
  const cached = isObject(first) ? keyMap(first) : {};
  // The cheap duplicate count compares the first field's occurrences in the text with the bars
  // that carry it: a bar without it (or a first bar without it) must not hide a repeated timestamp.
  let openKey = cached.open;
  let withOpen = 0;
  for (const t of times) {
    const bar = series[t];
    if (!isObject(bar)) continue;
    const key = openKey !== undefined && Object.hasOwn(bar, openKey) ? openKey : keyMap(bar).open;
    if (key === undefined) continue;
    withOpen++;
    openKey ??= key;
  }
  const duplicates = findDuplicateKeys(text, openKey, withOpen);
  const bars: (PriceBar | AdjustedPriceBar)[] = [];
  const malformed: MalformedBar[] = [];
  const reject = (time: string | null, reason: string, raw: unknown) => {
    if (mode === 'throw') {
      throw formatError(spec, `bar ${time === null ? '?' : capText(time, 40)}: ${reason}`);
    }
    malformed.push({ time, reason, raw });
  };
  for (const time of times) {
    const raw = series[time];
    const duplicate = duplicates?.get(time);
    // Identical copies are one bar sent twice: keep it. Differing copies cannot be told apart.
    if (duplicate !== undefined && !duplicate.identical) {
      reject(
        time,
        `duplicated timestamp: ${duplicate.count} bars with different values (JSON keeps only the last)`,
        raw,
      );
      continue;
    }
    const bar = readBar(time, raw, fields, cached, timeRe);
    if (typeof bar === 'string') {
      reject(time, bar, raw);
      continue;
    }
    if (spec.kind === 'adjusted') bar.splitCoefficient = null;
    bars.push(bar as unknown as PriceBar | AdjustedPriceBar);
  }
  return { endpoint: spec.endpoint, meta, bars, malformed };
}

/**
 * The fast path of {@link parseTimeSeries} for plain OHLCV series: the same result for a
 * well-formed body, or `null` (then the general parser runs and explains what is wrong).
 * @internal
 */
export function fastTimeSeries(text: string, spec: SeriesSpec): TimeSeries<PriceBar> | null {
  if (spec.kind !== 'plain') return null;
  const scanned = scanPlainSeries(text, spec.seriesKey, spec.intraday ? DATE_TIME_RE : DATE_RE);
  if (!scanned) return null;
  return {
    endpoint: spec.endpoint,
    meta: parseMeta(scanned.meta, spec),
    bars: scanned.bars,
    malformed: [],
  };
}
