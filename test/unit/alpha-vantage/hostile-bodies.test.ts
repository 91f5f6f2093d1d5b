/**
 * Duplicated timestamps and hostile values in series bodies (issue 10, items 3 and 4): identical
 * copies of a bar are one bar in both parsers; only conflicting copies are reported; a value 50 MB
 * long or nested thousands of levels deep becomes one bounded malformed-bar report, never a stack
 * overflow, and the good bars of the body still parse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlphaVantageExtractor } from '../../../src/alpha-vantage/extractor';
import { parseIndexData } from '../../../src/alpha-vantage/parse/index-data';
import {
  fastTimeSeries,
  parseTimeSeries,
  type SeriesSpec,
} from '../../../src/alpha-vantage/parse/series';
import { type FakeAlphaVantage, startFakeAlphaVantage } from '../../../src/testing';
import { transformDaily } from '../../../src/transform';
import { MAX_REASON_CHARS, MAX_SOURCE_KEY_CHARS } from '../../../src/transform/context';

const daily: SeriesSpec = {
  endpoint: 'TIME_SERIES_DAILY',
  symbol: 'IBM',
  seriesKey: 'Time Series (Daily)',
  kind: 'plain',
  intraday: false,
};

const META = `"Meta Data": {
    "1. Information": "Daily Prices (open, high, low, close) and Volumes",
    "2. Symbol": "IBM",
    "3. Last Refreshed": "2024-03-15",
    "4. Output Size": "Compact",
    "5. Time Zone": "US/Eastern"
  }`;

/** A bar's JSON text; `open` is inserted verbatim (it may be any JSON value). */
function barText(open = '"100.0000"', close = '100.5000'): string {
  return `{
      "1. open": ${open},
      "2. high": "101.0000",
      "3. low": "99.0000",
      "4. close": "${close}",
      "5. volume": "1000"
    }`;
}

/** A TIME_SERIES_DAILY body with these `[date, bar JSON]` entries, in this order. */
function body(entries: [string, string][]): string {
  const series = entries.map(([time, bar]) => `    "${time}": ${bar}`).join(',\n');
  return `{\n  ${META},\n  "Time Series (Daily)": {\n${series}\n  }\n}`;
}

const GOOD: [string, string][] = [
  ['2024-03-15', barText()],
  ['2024-03-14', barText()],
  ['2024-03-13', barText()],
];

describe('duplicated timestamps', () => {
  it('an identical copy right after the bar is one bar, in the fast and the general parser', () => {
    const text = body([GOOD[0]!, GOOD[1]!, GOOD[1]!, GOOD[2]!]);
    const general = parseTimeSeries(text, daily, 'throw');
    expect(general.bars.map((b) => b.time)).toEqual(['2024-03-15', '2024-03-14', '2024-03-13']);
    expect(general.malformed).toEqual([]);
    expect(fastTimeSeries(text, daily)).toEqual(general);
  });

  it('an identical copy elsewhere (other whitespace) is one bar too; the fast path declines', () => {
    const compact = barText().replace(/\s+/g, '');
    const text = body([GOOD[0]!, GOOD[1]!, GOOD[2]!, ['2024-03-14', compact]]);
    expect(fastTimeSeries(text, daily)).toBeNull();
    const s = parseTimeSeries(text, daily, 'throw');
    expect(s.bars.map((b) => b.time)).toEqual(['2024-03-15', '2024-03-14', '2024-03-13']);
    expect(s.malformed).toEqual([]);
  });

  it('copies with different values are one malformed bar; the others still parse', () => {
    const text = body([
      GOOD[0]!,
      GOOD[1]!,
      ['2024-03-14', barText('"100.0000"', '99.5000')],
      GOOD[2]!,
    ]);
    expect(fastTimeSeries(text, daily)).toBeNull();
    const s = parseTimeSeries(text, daily, 'report');
    expect(s.bars.map((b) => b.time)).toEqual(['2024-03-15', '2024-03-13']);
    expect(s.malformed).toEqual([
      {
        time: '2024-03-14',
        reason: 'duplicated timestamp: 2 bars with different values (JSON keeps only the last)',
        raw: expect.objectContaining({ '4. close': '99.5000' }),
      },
    ]);
    expect(() => parseTimeSeries(text, daily, 'throw')).toThrow(
      /bar 2024-03-14: duplicated timestamp: 2 bars with different values/,
    );
  });

  it('a conflicting copy is found even when another bar lacks the first field (fuzz, issue 12)', () => {
    // One bar without "1. open" and one extra copy used to cancel out in the cheap count: the
    // conflict went unseen and JSON.parse's last copy was loaded as if it were the only one.
    const noOpen = barText().replace(/"1\. open": "100\.0000",\s*/, '');
    const text = body([
      ['2024-03-15', noOpen],
      GOOD[1]!,
      ['2024-03-14', barText('"100.0000"', '99.5000')],
      GOOD[2]!,
    ]);
    const s = parseTimeSeries(text, daily, 'report');
    expect(s.bars.map((b) => b.time)).toEqual(['2024-03-13']);
    expect(s.malformed.map((m) => [m.time, m.reason.slice(0, 22)])).toEqual([
      ['2024-03-15', expect.any(String)],
      ['2024-03-14', 'duplicated timestamp: '],
    ]);
  });

  it('INDEX_DATA arrays: an identical entry is one bar, a conflicting one is malformed', () => {
    const entry = (date: string, close = '2') => ({ date, open: '1', high: '2', low: '1', close });
    const ctx = { endpoint: 'INDEX_DATA', symbol: 'SPX' };
    const same = { data: [entry('2024-03-15'), entry('2024-03-14'), entry('2024-03-14')] };
    const a = parseIndexData(JSON.stringify(same), ctx, 'throw');
    expect(a.bars.map((b) => b.time)).toEqual(['2024-03-15', '2024-03-14']);
    const differ = { data: [entry('2024-03-15'), entry('2024-03-14'), entry('2024-03-14', '1.5')] };
    const b = parseIndexData(JSON.stringify(differ), ctx, 'report');
    expect(b.bars.map((x) => x.time)).toEqual(['2024-03-15']);
    expect(b.malformed.map((m) => m.reason)).toEqual([
      'duplicated timestamp: 2 bars with different values',
      'duplicated timestamp: 2 bars with different values',
    ]);
  });
});

describe('hostile values', () => {
  const deep = `${'['.repeat(5_000)}"1"${']'.repeat(5_000)}`;

  it('a value nested 5,000 arrays deep is one bounded malformed bar, the rest parse', () => {
    const text = body([GOOD[0]!, ['2024-03-14', barText(deep)], GOOD[2]!]);
    const s = parseTimeSeries(text, daily, 'report');
    expect(s.bars.map((b) => b.time)).toEqual(['2024-03-15', '2024-03-13']);
    expect(s.malformed).toHaveLength(1);
    expect(s.malformed[0]?.reason).toBe(`open is not a string: ${'['.repeat(100)}… (truncated)`);
    // Policy `throw`: a typed BAD_RESPONSE, not a RangeError from JSON.stringify.
    expect(() => parseTimeSeries(text, daily, 'throw')).toThrow(
      expect.objectContaining({ code: 'BAD_RESPONSE' }),
    );
  });

  it('a 50 MB value or key gives a reason of a few hundred characters', () => {
    const huge = '9'.repeat(50 * 1024 * 1024);
    const text = body([GOOD[0]!, ['2024-03-14', barText(`"${huge}x"`)], GOOD[2]!]);
    const s = parseTimeSeries(text, daily, 'report');
    expect(s.bars).toHaveLength(2);
    const reason = s.malformed[0]?.reason as string;
    expect(reason.length).toBeLessThan(300);
    expect(reason).toMatch(/^open is not a number: "9{100}"… \(52428801 characters\)$/);
    // The transformer caps what it keeps of a reason and of a source key, whatever it is given.
    const t = transformDaily(
      {
        ...s,
        malformed: [{ time: `2024-01-01${huge}`, reason: huge, raw: null }],
      },
      { symbol: 'IBM', dataset: 'daily' },
    );
    const reject = t.rejects[0]!;
    expect(reject.reason.length).toBeLessThan(MAX_REASON_CHARS + 60);
    expect(reject.reason).toMatch(/…\[truncated: 52428800 characters in all\]$/);
    expect((reject.sourceKey as string).length).toBeLessThan(MAX_SOURCE_KEY_CHARS + 60);
  });

  describe('through the extractor and HTTP', () => {
    let server: FakeAlphaVantage;
    beforeAll(async () => {
      server = await startFakeAlphaVantage({
        now: () => new Date('2024-03-15T21:00:00Z'),
        fixtures: [
          {
            match: { function: 'TIME_SERIES_DAILY', symbol: 'DEEP' },
            body: body([GOOD[0]!, ['2024-03-14', barText(deep)], GOOD[2]!]),
          },
        ],
      });
    });
    afterAll(() => server.close());

    it('the deep value is BAD_RESPONSE (policy throw) or one malformed bar (report), never INTERNAL', async () => {
      const extractor = new AlphaVantageExtractor({
        apiKey: 'test',
        baseUrl: server.url,
        rateLimit: { perSecond: null, perMinute: null, perDay: null },
        retry: { retries: 0 },
      });
      const error = await extractor.daily('DEEP').catch((e) => e);
      expect(error).toMatchObject({ name: 'ResponseFormatError', code: 'BAD_RESPONSE' });
      expect(error.message.length).toBeLessThan(400);
      const s = await extractor.daily('DEEP', { malformedRows: 'report' });
      expect(s.bars).toHaveLength(2);
      expect(s.malformed).toHaveLength(1);
    });
  });
});
