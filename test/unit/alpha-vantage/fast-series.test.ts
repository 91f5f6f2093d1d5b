import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fastTimeSeries,
  parseTimeSeries,
  type SeriesSpec,
} from '../../../src/alpha-vantage/parse/series';

const intraday: SeriesSpec = {
  endpoint: 'TIME_SERIES_INTRADAY',
  symbol: 'MSFT',
  seriesKey: 'Time Series (1min)',
  kind: 'plain',
  intraday: true,
};
const daily: SeriesSpec = {
  endpoint: 'TIME_SERIES_DAILY',
  symbol: 'IBM',
  seriesKey: 'Time Series (Daily)',
  kind: 'plain',
  intraday: false,
};
const recorded = (name: string) => readFileSync(`test/fixtures/alpha-vantage/${name}`, 'utf8');
const MSFT_1MIN = recorded(
  'TIME_SERIES_INTRADAY__MSFT_1min_compact_json_2017-12-18__romeltorres.json',
);

/** The fast path must give exactly what the general parser gives. */
function same(text: string, spec: SeriesSpec): void {
  const fast = fastTimeSeries(text, spec);
  expect(fast).not.toBeNull();
  expect(fast).toEqual(parseTimeSeries(text, spec, 'throw'));
}

describe('fast series scanner', () => {
  it('reads recorded bodies exactly like the general parser', () => {
    same(MSFT_1MIN, intraday);
    same(recorded('TIME_SERIES_DAILY__IBM_full_json_2020-05-08_excerpt__crazzyghost.json'), daily);
    same(JSON.stringify(JSON.parse(MSFT_1MIN)), intraday); // compact whitespace
    same(MSFT_1MIN.replace(/\n/g, '\r\n'), intraday); // CRLF
  });

  it('declines anything unusual, leaving it to the general parser', () => {
    const first = '"2017-12-18 14:56:00": {';
    const variants: Record<string, string> = {
      'duplicate timestamp': MSFT_1MIN.replace('"2017-12-18 14:55:00": {', first),
      'malformed number': MSFT_1MIN.replace('"86.4900"', '"86.49x"'),
      'number not a string': MSFT_1MIN.replace('"86.4900"', '86.49'),
      'escaped string': MSFT_1MIN.replace('"10494"', '"10\\u0034"'),
      'extra top-level key': MSFT_1MIN.replace(/\}\s*$/, ', "Information": "x"}'),
      'empty series': JSON.stringify({
        'Meta Data': JSON.parse(MSFT_1MIN)['Meta Data'],
        'Time Series (1min)': {},
      }),
      'other label': MSFT_1MIN.replace('"1. open"', '"01. open"'),
      'missing field': MSFT_1MIN.replace(/"5\. volume": "10494"/, '"4. close": "1"'),
      truncated: MSFT_1MIN.slice(0, MSFT_1MIN.length / 2),
      notice:
        '{"Information": "Thank you for using Alpha Vantage! Please consider spreading out your free API requests more sparingly (1 request per second)."}',
      'bad timestamp': MSFT_1MIN.replace(first, '"2017-13-18 14:56:00": {'),
      'wrong series key': MSFT_1MIN.replace('Time Series (1min)', 'Time Series (5min)'),
      'ascending order': JSON.stringify({
        'Meta Data': JSON.parse(MSFT_1MIN)['Meta Data'],
        'Time Series (1min)': Object.fromEntries(
          Object.entries(JSON.parse(MSFT_1MIN)['Time Series (1min)']).reverse(),
        ),
      }),
    };
    for (const [what, text] of Object.entries(variants)) {
      expect(fastTimeSeries(text, intraday), what).toBeNull();
    }
  });

  it('agrees with the general parser on generated bodies (property)', () => {
    const decimal = fc
      .tuple(
        fc.boolean(),
        fc.nat({ max: 99999 }),
        fc.option(fc.stringMatching(/^\d{1,6}$/), { nil: undefined }),
      )
      .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}`);
    const bar = fc.record({
      open: decimal,
      high: decimal,
      low: decimal,
      close: decimal,
      volume: fc.bigInt({ min: 0n, max: 10n ** 15n }).map(String),
    });
    fc.assert(
      fc.property(fc.array(bar, { minLength: 1, maxLength: 40 }), fc.boolean(), (bars, pretty) => {
        const start = Date.UTC(2024, 2, 11, 20, 0);
        const series = Object.fromEntries(
          bars.map((b, k) => {
            const t = new Date(start - k * 60_000).toISOString().replace('T', ' ').slice(0, 19);
            return [
              t,
              {
                '1. open': b.open,
                '2. high': b.high,
                '3. low': b.low,
                '4. close': b.close,
                '5. volume': b.volume,
              },
            ];
          }),
        );
        const body = {
          'Meta Data': JSON.parse(MSFT_1MIN)['Meta Data'],
          'Time Series (1min)': series,
        };
        same(JSON.stringify(body, null, pretty ? 4 : undefined), intraday);
      }),
      { numRuns: 200 },
    );
  });
});
