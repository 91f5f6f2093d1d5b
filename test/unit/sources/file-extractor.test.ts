/**
 * FileExtractor: saved Alpha Vantage responses (real recordings in test/fixtures/alpha-vantage,
 * provenance in the shared PROVENANCE.md) replayed through the live client's parsers.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlphaVantageExtractor } from '../../../src/alpha-vantage/extractor';
import {
  isAbortedError,
  isInvalidRequestError,
  isRateLimitError,
  isResponseFormatError,
  SourceFileError,
} from '../../../src/errors';
import type { Extractor } from '../../../src/extractor';
import { FileExtractor, responseFileBase } from '../../../src/sources';
import { freeBurstText, noticeBody } from '../../../src/testing/notices';

const FIXTURES = 'test/fixtures/alpha-vantage';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stock-etl-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Copies a recorded fixture into the folder under the name a request reads. */
function save(fixture: string, name: string): void {
  copyFileSync(join(FIXTURES, fixture), join(dir, name));
}
function write(name: string, text: string): void {
  writeFileSync(join(dir, name), text);
}

/** The live extractor answering every request with `body` (an in-memory fetch). */
function liveWith(body: string): AlphaVantageExtractor {
  return new AlphaVantageExtractor({
    apiKey: 'TESTKEY-0123456789',
    rateLimit: { perSecond: null, perMinute: null, perDay: null },
    retry: { retries: 0 },
    fetch: async () => new Response(body, { status: 200 }),
  });
}

describe('FileExtractor', () => {
  it('is an Extractor and names its files by the documented scheme', () => {
    const files: Extractor = new FileExtractor({ dir });
    expect(files).toBeInstanceOf(FileExtractor);
    expect(responseFileBase({ function: 'TIME_SERIES_DAILY', symbol: 'ibm' })).toBe(
      'TIME_SERIES_DAILY__IBM',
    );
    expect(
      responseFileBase({
        function: 'TIME_SERIES_INTRADAY',
        symbol: 'IBM',
        interval: '1min',
        month: '2024-03',
      }),
    ).toBe('TIME_SERIES_INTRADAY__IBM__1min__2024-03');
  });

  it('returns exactly what the live extractor returns for the same JSON bodies', async () => {
    const cases: [string, string, (e: Extractor) => Promise<unknown>][] = [
      [
        'TIME_SERIES_DAILY__IBM_full_json_2020-05-08_excerpt__crazzyghost.json',
        'TIME_SERIES_DAILY__IBM.json',
        (e) => e.daily('IBM', { outputsize: 'full' }),
      ],
      [
        'TIME_SERIES_DAILY_ADJUSTED__IBM_full_json_2020-05-08_excerpt__crazzyghost.json',
        'TIME_SERIES_DAILY_ADJUSTED__IBM.json',
        (e) => e.dailyAdjusted('IBM'),
      ],
      [
        'TIME_SERIES_WEEKLY_ADJUSTED__IBM_json_2020-05-08_excerpt__crazzyghost.json',
        'TIME_SERIES_WEEKLY_ADJUSTED__IBM.json',
        (e) => e.weeklyAdjusted('IBM'),
      ],
      [
        'TIME_SERIES_MONTHLY_ADJUSTED__MSFT_json_2018-08-20__threefourteen.json',
        'TIME_SERIES_MONTHLY_ADJUSTED__MSFT.json',
        (e) => e.monthlyAdjusted('MSFT'),
      ],
      [
        'TIME_SERIES_INTRADAY__MSFT_1min_compact_json_2017-12-18__romeltorres.json',
        'TIME_SERIES_INTRADAY__MSFT__1min.json',
        (e) => e.intraday('MSFT', { interval: '1min' }),
      ],
      [
        'GLOBAL_QUOTE__IBM_json_2020-05-08__crazzyghost.json',
        'GLOBAL_QUOTE__IBM.json',
        (e) => e.quote('IBM'),
      ],
      ['OVERVIEW__IBM_2026__portfoliotree.json', 'OVERVIEW__IBM.json', (e) => e.overview('IBM')],
    ];
    const files = new FileExtractor({ dir });
    for (const [fixture, name, call] of cases) {
      save(fixture, name);
      const live = await call(liveWith(readFileSync(join(FIXTURES, fixture), 'utf8')));
      expect(await call(files), name).toEqual(live);
    }
  });

  it('reads the CSV formats: plain, adjusted with underscores or spaces, intraday, quote', async () => {
    save(
      'TIME_SERIES_DAILY__IBM_compact_csv_2026-05-15__portfoliotree.csv',
      'TIME_SERIES_DAILY__IBM.csv',
    );
    save(
      'TIME_SERIES_DAILY_ADJUSTED__IBM_compact_csv_2026-05-15__portfoliotree.csv',
      'TIME_SERIES_DAILY_ADJUSTED__IBM.csv',
    );
    save(
      'TIME_SERIES_MONTHLY_ADJUSTED__IBM_full_csv_2026-05-15__portfoliotree.csv',
      'TIME_SERIES_MONTHLY_ADJUSTED__IBM.csv',
    );
    save(
      'TIME_SERIES_INTRADAY__IBM_5min_csv_2026-05-15__portfoliotree.csv',
      'TIME_SERIES_INTRADAY__IBM__5min.csv',
    );
    save('GLOBAL_QUOTE__IBM_csv_2026-05-15__portfoliotree.csv', 'GLOBAL_QUOTE__IBM.csv');
    const files = new FileExtractor({ dir });

    const daily = await files.daily('IBM');
    expect(daily.endpoint).toBe('TIME_SERIES_DAILY');
    expect(daily.meta).toMatchObject({
      symbol: 'IBM',
      lastRefreshed: '2026-05-15',
      timeZone: 'US/Eastern',
    });
    expect(daily.bars).toHaveLength(100);
    expect(daily.bars[0]).toEqual({
      time: '2026-05-15',
      open: '218.2000',
      high: '220.9100',
      low: '217.6150',
      close: '219.3000',
      volume: '6154450',
    });
    expect(daily.bars[99]?.time).toBe('2025-12-22');

    const adjusted = await files.dailyAdjusted('IBM');
    expect(adjusted.bars).toHaveLength(100);
    expect(adjusted.bars[0]).toEqual({
      time: '2026-05-15',
      open: '218.2',
      high: '220.91',
      low: '217.615',
      close: '219.3',
      adjustedClose: '219.3',
      volume: '6154450',
      dividendAmount: '0.0000',
      splitCoefficient: '1.0',
    });

    const monthly = await files.monthlyAdjusted('IBM');
    expect(monthly.bars).toHaveLength(318);
    expect(monthly.bars[0]).toMatchObject({
      adjustedClose: '219.3000',
      dividendAmount: '1.6900',
      splitCoefficient: null,
    });

    const intraday = await files.intraday('IBM', { interval: '5min', outputsize: 'full' });
    expect(intraday.meta.interval).toBe('5min');
    expect(intraday.bars[0]).toEqual({
      time: '2026-05-15 19:55:00',
      open: '219.0300',
      high: '219.0300',
      low: '219.0000',
      close: '219.0000',
      volume: '158',
    });

    expect(await files.quote('IBM')).toEqual({
      symbol: 'IBM',
      open: '218.2000',
      high: '220.9100',
      low: '217.6150',
      price: '219.3000',
      volume: '6154450',
      latestTradingDay: '2026-05-15',
      previousClose: '218.3700',
      change: '0.9300',
      changePercent: '0.4259',
    });
  });

  it('reads CRLF, blank lines and a BOM; finds duplicates and short or long rows in CSV', async () => {
    const header = 'timestamp,open,high,low,close,volume';
    write(
      'TIME_SERIES_DAILY__IBM.csv',
      `\uFEFF${header}\r\n2024-03-14,10.0,11.0,9.0,10.5,100\r\n\r\n2024-03-13,10.0,11.0,9.0,10.5,100\r\n2024-03-13,10.0,11.0,9.0,10.5,100\r\n`,
    );
    write(
      'TIME_SERIES_WEEKLY__IBM.csv',
      `${header}\n2024-03-15,10,11,9,10.5,100\n2024-03-15,10,11,9,10.6,100\n2024-03-08,10,11,9,10.5\n2024-03-01,10,11,9,10.5,100,7\n2024-02-23,10,11,9,x,100\n`,
    );
    const files = new FileExtractor({ dir, malformedRows: 'report' });
    const daily = await files.daily('IBM');
    expect(daily.bars.map((b) => b.time)).toEqual(['2024-03-14', '2024-03-13']);
    const weekly = await files.weekly('IBM');
    expect(weekly.bars).toEqual([]);
    expect(weekly.malformed.map((m) => [m.time, m.reason])).toEqual([
      ['2024-03-15', expect.stringMatching(/^duplicated timestamp: 2 bars with different values/)],
      ['2024-03-08', 'volume is missing'],
      [
        '2024-03-01 (CSV row with 7 cells, header has 6)',
        expect.stringMatching(/^timestamp .* is not a valid time$/),
      ],
      ['2024-02-23', 'close is not a number: "x"'],
    ]);
    expect(weekly.malformed[2]?.raw).toMatchObject({ '2. open': '10', '6. volume': '100' });
    await expect(new FileExtractor({ dir }).weekly('IBM')).rejects.toThrow(
      /Unexpected TIME_SERIES_WEEKLY IBM response: bar 2024-03-15: duplicated timestamp.*\(file .*TIME_SERIES_WEEKLY__IBM\.csv\)/,
    );
  });

  it('refuses a CSV without the columns, an HTML page, an empty file and CSV for OVERVIEW', async () => {
    write(
      'TIME_SERIES_DAILY_ADJUSTED__IBM.csv',
      'timestamp,open,high,low,close,volume\n2024-03-14,1,1,1,1,1\n',
    );
    write('TIME_SERIES_DAILY__IBM.csv', '<html><body>502 Bad Gateway</body></html>');
    write('TIME_SERIES_WEEKLY__IBM.csv', '');
    write('OVERVIEW__IBM.csv', 'Symbol,Name\nIBM,International Business Machines\n');
    const files = new FileExtractor({ dir });
    const cases: [() => Promise<unknown>, RegExp][] = [
      [
        () => files.dailyAdjusted('IBM'),
        /CSV header lacks adjusted close, dividend amount, split coefficient/,
      ],
      [() => files.daily('IBM'), /HTML instead of CSV/],
      [() => files.weekly('IBM'), /empty body/],
      [() => files.overview('IBM'), /OVERVIEW has no CSV format: save it as JSON/],
    ];
    for (const [call, message] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(isResponseFormatError(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('reads index levels and a month of intraday bars from their own files', async () => {
    write(
      'INDEX_DATA__SPX__daily.csv',
      'timestamp,open,high,low,close\n2024-03-14,5175.14,5176.85,5123.30,5150.48\n2024-03-13,5173.49,5179.14,5151.88,5165.31\n',
    );
    write(
      'TIME_SERIES_INTRADAY__IBM__1min__2024-03.json',
      readFileSync(
        join(FIXTURES, 'TIME_SERIES_INTRADAY__MSFT_1min_compact_json_2017-12-18__romeltorres.json'),
        'utf8',
      ),
    );
    const files = new FileExtractor({ dir });
    const index = await files.indexData('SPX');
    expect(index.bars.map((b) => [b.time, b.close, b.volume])).toEqual([
      ['2024-03-14', '5150.48', null],
      ['2024-03-13', '5165.31', null],
    ]);
    const month = await files.intraday('ibm', { interval: '1min', month: '2024-03' });
    expect(month.bars).toHaveLength(100);
  });

  it('says which file is missing, which are ambiguous, and which cannot be read', async () => {
    const files = new FileExtractor({ dir });
    const missing = await files
      .intraday('IBM', { interval: '1min', month: '2024-03' })
      .catch((e) => e);
    expect(missing).toBeInstanceOf(SourceFileError);
    expect(missing).toMatchObject({
      code: 'SOURCE_FILE',
      reason: 'missing',
      file: join(dir, 'TIME_SERIES_INTRADAY__IBM__1min__2024-03.json'),
    });
    expect(missing.message).toBe(
      `no saved response for TIME_SERIES_INTRADAY IBM 1min 2024-03: expected ${join(dir, 'TIME_SERIES_INTRADAY__IBM__1min__2024-03.json')} (or .csv)`,
    );
    write('GLOBAL_QUOTE__IBM.json', '{}');
    write('GLOBAL_QUOTE__IBM.csv', '');
    await expect(files.quote('IBM')).rejects.toMatchObject({
      reason: 'ambiguous',
      files: [join(dir, 'GLOBAL_QUOTE__IBM.json'), join(dir, 'GLOBAL_QUOTE__IBM.csv')],
    });
    mkdirSync(join(dir, 'OVERVIEW__IBM.json'));
    await expect(files.overview('IBM')).rejects.toMatchObject({
      reason: 'unreadable',
      message: expect.stringContaining('OVERVIEW__IBM.json for OVERVIEW IBM: EISDIR'),
    });
  });

  it('classifies a notice in a file like a live one (JSON in a .json or a .csv file)', async () => {
    write('TIME_SERIES_DAILY__IBM.json', noticeBody('Information', freeBurstText(1, 25)));
    save('ERROR__invalid_api_call_BOP_demo__portfoliotree.json', 'GLOBAL_QUOTE__IBM.csv');
    write('OVERVIEW__IBM.json', '{"Global Quote": {}}');
    write(
      'GLOBAL_QUOTE__MSFT.csv',
      'symbol,open,high,low,price,volume,latestDay,previousClose,change,changePercent\n',
    );
    const files = new FileExtractor({ dir });
    const limited = await files.daily('IBM').catch((e) => e);
    expect(isRateLimitError(limited)).toBe(true);
    expect(limited.message).toMatch(/TIME_SERIES_DAILY__IBM\.json\)$/);
    const invalid = await files.quote('IBM').catch((e) => e);
    expect(isInvalidRequestError(invalid)).toBe(true);
    expect(isResponseFormatError(await files.overview('IBM').catch((e) => e))).toBe(true);
    // A quote CSV with no row is what the JSON endpoint's `{"Global Quote": {}}` is: unknown symbol.
    expect(isInvalidRequestError(await files.quote('MSFT').catch((e) => e))).toBe(true);
  });

  it('validates input, honours abort and never counts an API request', async () => {
    save('GLOBAL_QUOTE__IBM_json_2020-05-08__crazzyghost.json', 'GLOBAL_QUOTE__IBM.json');
    const files = new FileExtractor({ dir });
    await expect(async () => files.quote('../../etc/passwd')).rejects.toThrow(/symbol/);
    await expect(async () => files.intraday('IBM', { interval: '2min' as never })).rejects.toThrow(
      /interval/,
    );
    expect(() => new FileExtractor({ dir: '' })).toThrow(/options.dir/);
    expect(() => new FileExtractor({ dir, malformedRows: 'keep' as never })).toThrow(
      /malformedRows/,
    );
    const aborted = await files.quote('IBM', { signal: AbortSignal.abort() }).catch((e) => e);
    expect(isAbortedError(aborted)).toBe(true);
    let requests = 0;
    await files.quote('IBM', { onRequest: () => requests++ });
    expect(requests).toBe(0);
  });
});
