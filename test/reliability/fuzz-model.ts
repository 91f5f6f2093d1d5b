/**
 * The fuzzer's model of a time-series response: real recorded bodies (test/fixtures/alpha-vantage)
 * as an ordered list of entries, so a mutation can repeat a timestamp (JSON text keeps both keys,
 * as the real service sometimes sends), and the checks of what came out (fuzz-mutations.ts mutates).
 */
import { readFileSync } from 'node:fs';
import { NEW_YORK, utcMsToWallClock } from '../../src/time/zone';

/** One base response. */
export interface Base {
  name: string;
  kind: 'daily' | 'intraday';
  symbol: string;
  interval?: '1min' | '5min';
  seriesKey: string;
  meta: Record<string, unknown>;
  entries: [string, Record<string, unknown>][];
}

const FIXTURES = new URL('../fixtures/alpha-vantage/', import.meta.url);

function load(file: string, kind: Base['kind'], symbol: string, interval?: Base['interval']) {
  const body = JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Record<string, unknown>;
  const seriesKey = Object.keys(body).find((k) => k !== 'Meta Data') as string;
  const series = body[seriesKey] as Record<string, Record<string, unknown>>;
  return {
    name: file,
    kind,
    symbol,
    interval,
    seriesKey,
    meta: body['Meta Data'] as Record<string, unknown>,
    entries: Object.entries(series),
  } satisfies Base;
}

/** The recorded responses the fuzzer starts from. */
export const BASES: Base[] = [
  load('TIME_SERIES_DAILY__IBM_full_json_2020-05-08_excerpt__crazzyghost.json', 'daily', 'IBM'),
  load(
    'TIME_SERIES_INTRADAY__IBM_5min_full_json_2020-05-08_excerpt__crazzyghost.json',
    'intraday',
    'IBM',
    '5min',
  ),
  load(
    'TIME_SERIES_INTRADAY__MSFT_1min_compact_json_2017-12-18__romeltorres.json',
    'intraday',
    'MSFT',
    '1min',
  ),
];

/** A response being mutated. */
export interface Model {
  base: Base;
  meta: unknown;
  seriesKey: string;
  /** `entries` as a JSON object (with repeats), or a replacement value for the whole series. */
  series: [string, unknown][] | { replaced: unknown };
  extra: [string, unknown][];
  /** Applied to the final text (truncation, replacement). */
  text?: (body: string) => string;
}

/** A fresh copy of `base`. */
export function modelOf(base: Base): Model {
  return {
    base,
    meta: structuredClone(base.meta),
    seriesKey: base.seriesKey,
    series: base.entries.map(([k, v]) => [k, structuredClone(v)]),
    extra: [],
  };
}

/** The model as response text; repeated series keys stay repeated. */
export function render(m: Model): string {
  const parts: string[] = [];
  if (m.meta !== undefined) parts.push(`"Meta Data": ${JSON.stringify(m.meta)}`);
  if (Array.isArray(m.series)) {
    const inner = m.series.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    parts.push(`${JSON.stringify(m.seriesKey)}: {${inner.join(',\n')}}`);
  } else {
    parts.push(`${JSON.stringify(m.seriesKey)}: ${JSON.stringify(m.series.replaced)}`);
  }
  for (const [k, v] of m.extra) parts.push(`${JSON.stringify(k)}: ${stringifyDeep(v)}`);
  const body = `{${parts.join(',\n')}}`;
  return m.text ? m.text(body) : body;
}

/** JSON.stringify that survives values nested deeper than its recursion allows. */
function stringifyDeep(v: unknown): string {
  if (v && typeof v === 'object' && 'deep' in v && typeof v.deep === 'number') {
    return `${'['.repeat(v.deep)}1${']'.repeat(v.deep)}`;
  }
  return JSON.stringify(v);
}

/** The model's series entries (none when the series was replaced). */
export const bars = (m: Model) => (Array.isArray(m.series) ? m.series : []);

/** The fields of a bar, in the service's order. */
export const FIELDS = ['1. open', '2. high', '3. low', '4. close', '5. volume'];

/** The bars of the final model by timestamp (every copy), for "is this row from the input". */
export function inputBars(m: Model): Map<string, Record<string, unknown>[]> {
  const out = new Map<string, Record<string, unknown>[]>();
  for (const [k, v] of bars(m)) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) continue;
    const list = out.get(k) ?? [];
    list.push(v as Record<string, unknown>);
    out.set(k, list);
  }
  return out;
}

/**
 * Timestamps with two complete copies (all five fields, as text) that differ: a conflict, no row
 * may be stored for them. A copy missing a field is malformed, not a rival value.
 */
export function conflictingKeys(input: Map<string, Record<string, unknown>[]>): Set<string> {
  const out = new Set<string>();
  for (const [k, list] of input) {
    const complete = list.filter((b) => FIELDS.every((f) => typeof b[f] === 'string'));
    if (new Set(complete.map((b) => JSON.stringify(b))).size > 1) out.add(k);
  }
  return out;
}

/** A stored/returned row in a common shape. */
export interface PlainRow {
  key: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/** The time zone the model's Meta Data names (New York when none or unusable). */
export function zoneOf(m: Model): string {
  const meta = m.meta && typeof m.meta === 'object' ? (m.meta as Record<string, unknown>) : {};
  const zone = Object.entries(meta).find(([k]) => /Time Zone/.test(k))?.[1];
  if (typeof zone !== 'string' || zone === 'US/Eastern') return NEW_YORK;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return NEW_YORK;
  }
}

/** The input timestamp of an intraday row (UTC ISO → US/Eastern wall clock). */
export function wallClockOf(tsIso: string, zone = NEW_YORK): string {
  const w = utcMsToWallClock(zone, Date.parse(tsIso));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${p(w.month)}-${p(w.day)} ${p(w.hour)}:${p(w.minute)}:${p(w.second)}`;
}

/** Same decimal value: numerically, or as text for numbers beyond a double. */
const same = (a: unknown, b: string) =>
  typeof a === 'string' &&
  (Number(a) === Number(b) ? Number.isFinite(Number(b)) || norm(a) === norm(b) : false);
const norm = (t: string) =>
  t
    .trim()
    .replace(/^(\d+)\.(\d*?)0*$/, '$1.$2')
    .replace(/\.$/, '');

/**
 * Why `row` is wrong, or null: not a bar of the input with these values, a conflicting
 * timestamp, a value that is not a finite number, a negative or fractional volume, low > high,
 * a weekend day, a date after `nowDate`, an intraday bar before 1990.
 */
export function wrongRow(
  row: PlainRow,
  kind: Base['kind'],
  input: Map<string, Record<string, unknown>[]>,
  conflicts: Set<string>,
  nowDate: string,
): string | null {
  const copies = input.get(row.key);
  if (!copies) return `row ${row.key} is not in the input`;
  if (conflicts.has(row.key)) return `row ${row.key} has conflicting copies in the input`;
  const match = copies.some(
    (b) =>
      same(b['1. open'], row.open) &&
      same(b['2. high'], row.high) &&
      same(b['3. low'], row.low) &&
      same(b['4. close'], row.close) &&
      same(b['5. volume'], row.volume),
  );
  if (!match) return `row ${row.key} has values not in the input: ${JSON.stringify(row)}`;
  // Decimal text, not necessarily a finite double: numeric stores 10^300000 exactly.
  const prices = [row.open, row.high, row.low, row.close];
  // `-0` is zero (documented in src/transform/validate.ts), not negative.
  if (!prices.every((p) => /^-?\d+(\.\d+)?$/.test(p) && !(Number(p) < 0))) {
    return `row ${row.key} has a bad price`;
  }
  if (!/^\d+$/.test(row.volume)) return `row ${row.key} has volume ${row.volume}`;
  if (Number(row.low) > Number(row.high)) return `row ${row.key} has low > high`;
  const date = row.key.slice(0, 10);
  const day = new Date(`${date}T12:00:00Z`).getUTCDay();
  if (day === 0 || day === 6) return `row ${row.key} is on a weekend`;
  if (date > nowDate) return `row ${row.key} is in the future`;
  if (kind === 'intraday' && date < '1990-01-01') return `row ${row.key} is before 1990`;
  return null;
}
