/**
 * The fuzzer's mutations of a response model (fuzz-model.ts) as fast-check arbitraries: drop and
 * retype fields, huge and non-numbers, negative volume, reordered / future / pre-1990 / weekend /
 * invalid timestamps, identical and conflicting duplicates, extra keys, deep junk, very long
 * strings and keys, broken Meta Data and series, non-JSON and truncated bodies.
 */
import fc from 'fast-check';
import { BASES, bars, FIELDS, type Model } from './fuzz-model';

/** A mutation: a label (printed with a failure) and the edit. */
export interface Mutation {
  label: string;
  apply: (m: Model) => void;
}

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
