/**
 * The fuzzer's model of a time-series response: real recorded bodies (test/fixtures/alpha-vantage)
 * as an ordered list of entries, so a mutation can repeat a timestamp (JSON text keeps both keys,
 * as the real service sometimes sends), and the fast-check arbitraries of the mutations.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
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

const FIELDS = ['1. open', '2. high', '3. low', '4. close', '5. volume'];

/** A mutation: a label (printed with a failure) and the edit. */
export interface Mutation {
  label: string;
  apply: (m: Model) => void;
}

const bars = (m: Model) => (Array.isArray(m.series) ? m.series : []);
const at = <T>(list: T[], i: number): T | undefined =>
  list.length === 0 ? undefined : list[i % list.length];
/** A timestamp of the base's kind on `date` (intraday bars at 10:00 ET). */
const stamp = (m: Model, date: string) => (m.base.kind === 'daily' ? date : `${date} 10:00:00`);

const idx = fc.nat({ max: 10_000 });
const field = fc.constantFrom(...FIELDS);

function mut(label: string, apply: (m: Model) => void): Mutation {
  return { label, apply };
}

/** Every mutation the fuzzer draws from. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc
    .tuple(idx, field)
    .map(([i, f]) => mut(`drop ${f} of bar ${i}`, (m) => delete at(bars(m), i)?.[1]?.[f as never])),
  fc
    .tuple(
      idx,
      field,
      fc.constantFrom<unknown>(123.45, 0, -1, null, true, false, [], {}, '', 'abc', [1, 2]),
    )
    .map(([i, f, v]) =>
      mut(`set ${f} of bar ${i} to ${JSON.stringify(v)}`, (m) => {
        const bar = at(bars(m), i)?.[1];
        if (bar && typeof bar === 'object') (bar as Record<string, unknown>)[f] = v;
      }),
    ),
  fc
    .tuple(
      idx,
      field,
      fc.constantFrom(
        '1e308',
        '99999999999999999999999999999999',
        '1.7976931348623157e309',
        '-0',
        '0.00000000000000000001',
        'NaN',
        'Infinity',
        '-Infinity',
        '1,234.5',
        ' 12.3',
        '0x1F',
        '12.3.4',
        '-500',
        '9223372036854775808',
      ),
    )
    .map(([i, f, v]) =>
      mut(`set ${f} of bar ${i} to "${v}"`, (m) => {
        const bar = at(bars(m), i)?.[1];
        if (bar && typeof bar === 'object') (bar as Record<string, unknown>)[f] = v;
      }),
    ),
  idx.map((i) =>
    mut(`negative volume on bar ${i}`, (m) => {
      const bar = at(bars(m), i)?.[1];
      if (bar && typeof bar === 'object') (bar as Record<string, unknown>)['5. volume'] = '-1000';
    }),
  ),
  fc.integer().map((seed) =>
    mut(`shuffle bars (${seed})`, (m) => {
      const list = bars(m);
      let s = seed >>> 0;
      for (let i = list.length - 1; i > 0; i--) {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        const j = s % (i + 1);
        [list[i], list[j]] = [list[j] as [string, unknown], list[i] as [string, unknown]];
      }
    }),
  ),
  fc
    .tuple(
      idx,
      fc.constantFrom(
        '2099-01-05',
        '2031-06-02',
        '1985-03-04',
        '1899-12-29',
        '2020-05-09', // a Saturday
        '2020-05-10', // a Sunday
        '2019-12-25', // Christmas
        '2020-02-30',
        '2020-13-01',
        'garbage',
        '',
        '2020-05-08T14:00:00Z',
        '2020-05-08 25:00:00',
        '2020-05-08 03:00:00',
        '2020-05-08 14:03:00',
      ),
    )
    .map(([i, d]) =>
      mut(`timestamp of bar ${i} → "${d}"`, (m) => {
        const e = at(bars(m), i);
        if (e) e[0] = d.length > 10 || d.length < 8 ? d : stamp(m, d);
      }),
    ),
  idx.map((i) =>
    mut(`duplicate bar ${i} (identical)`, (m) => {
      const list = bars(m);
      const e = at(list, i);
      if (e) list.splice(i % list.length, 0, [e[0], structuredClone(e[1])]);
    }),
  ),
  fc.tuple(idx, field).map(([i, f]) =>
    mut(`duplicate bar ${i} (conflicting ${f})`, (m) => {
      const list = bars(m);
      const e = at(list, i);
      if (!e?.[1] || typeof e[1] !== 'object') return;
      const copy = structuredClone(e[1]) as Record<string, unknown>;
      copy[f] = f === '5. volume' ? '777' : '1.2345';
      list.splice((i % list.length) + 1, 0, [e[0], copy]);
    }),
  ),
  fc.tuple(idx, fc.string({ maxLength: 20 })).map(([i, k]) =>
    mut(`extra key ${JSON.stringify(k)} in bar ${i}`, (m) => {
      const bar = at(bars(m), i)?.[1];
      if (bar && typeof bar === 'object') (bar as Record<string, unknown>)[k] = 'x';
    }),
  ),
  fc.tuple(fc.string({ maxLength: 30 }), fc.jsonValue({ maxDepth: 4 })).map(([k, v]) =>
    mut(`extra top-level key ${JSON.stringify(k)}`, (m) => {
      m.extra.push([k, v]);
    }),
  ),
  fc.integer({ min: 10, max: 20_000 }).map((depth) =>
    mut(`deep junk (${depth} levels)`, (m) => {
      m.extra.push(['junk', { deep: depth }]);
    }),
  ),
  fc
    .tuple(idx, field, fc.integer({ min: 1_000, max: 2_000_000 }), fc.boolean())
    .map(([i, f, n, digits]) =>
      mut(`${n}-character ${digits ? 'number' : 'string'} in ${f} of bar ${i}`, (m) => {
        const bar = at(bars(m), i)?.[1];
        if (bar && typeof bar === 'object') {
          (bar as Record<string, unknown>)[f] = digits ? `1${'0'.repeat(n)}` : 'x'.repeat(n);
        }
      }),
    ),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) =>
    mut(`${n}-character key in a bar`, (m) => {
      const bar = at(bars(m), 0)?.[1];
      if (bar && typeof bar === 'object') (bar as Record<string, unknown>)['x'.repeat(n)] = '1';
    }),
  ),
  fc.constantFrom<Mutation>(
    mut('drop Meta Data', (m) => {
      m.meta = undefined;
    }),
    mut('Meta Data is a string', (m) => {
      m.meta = 'meta';
    }),
    mut('Meta Data names another symbol', (m) => {
      if (m.meta && typeof m.meta === 'object')
        (m.meta as Record<string, unknown>)['2. Symbol'] = 'ZZZZ';
    }),
    mut('Meta Data names another time zone', (m) => {
      if (m.meta && typeof m.meta === 'object') {
        const meta = m.meta as Record<string, unknown>;
        for (const k of Object.keys(meta)) if (/Time Zone/.test(k)) meta[k] = 'Asia/Tokyo';
      }
    }),
    mut('series key renamed', (m) => {
      m.seriesKey = 'Time Series (Bogus)';
    }),
    mut('series is an array', (m) => {
      m.series = { replaced: [] };
    }),
    mut('series is null', (m) => {
      m.series = { replaced: null };
    }),
    mut('series is a string', (m) => {
      m.series = { replaced: 'none' };
    }),
    mut('series is empty', (m) => {
      m.series = [];
    }),
    mut('a bar is null', (m) => {
      const e = at(bars(m), 0);
      if (e) e[1] = null;
    }),
    mut('a bar is an array', (m) => {
      const e = at(bars(m), 0);
      if (e) e[1] = ['1', '2', '3', '4', '5'];
    }),
    mut('body is not JSON', (m) => {
      m.text = () => '<html><body>Bad Gateway</body></html>';
    }),
    mut('body is empty', (m) => {
      m.text = () => '';
    }),
    mut('body is a JSON array', (m) => {
      m.text = () => '[1,2,3]';
    }),
    mut('body is a number', (m) => {
      m.text = () => '42';
    }),
    mut('a Note key is added', (m) => {
      m.extra.push(['Note', 'Thank you for using Alpha Vantage!']);
    }),
  ),
  fc.double({ min: 0, max: 1, noNaN: true }).map((cut) =>
    mut(`truncated at ${(cut * 100).toFixed(1)}%`, (m) => {
      m.text = (body) => body.slice(0, Math.floor(body.length * cut));
    }),
  ),
);

/** A case: a base and 1–4 mutations. */
export const fuzzCase = fc.record({
  base: fc.nat({ max: BASES.length - 1 }),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
  report: fc.boolean(),
});

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
