import type {
  AdjustedPriceBar,
  IntradayInterval,
  PriceBar,
  SeriesMeta,
  TimeSeries,
} from '../../../src/alpha-vantage/types';

/** A valid bar at `time` with simple prices. */
export function bar(time: string, overrides: Partial<PriceBar> = {}): PriceBar {
  return {
    time,
    open: '100.0000',
    high: '101.5000',
    low: '99.2500',
    close: '100.7500',
    volume: '1200',
    ...overrides,
  };
}

/** A valid adjusted bar at `time`. */
export function adjustedBar(
  time: string,
  overrides: Partial<AdjustedPriceBar> = {},
): AdjustedPriceBar {
  return {
    ...bar(time),
    adjustedClose: '98.1234',
    dividendAmount: '0.0000',
    splitCoefficient: '1.0',
    ...overrides,
  };
}

/** A series around `bars`, meta as Alpha Vantage sends it for IBM. */
export function series<B>(
  bars: B[],
  meta: Partial<SeriesMeta> = {},
  malformed: TimeSeries<B>['malformed'] = [],
): TimeSeries<B> {
  return {
    endpoint: 'TIME_SERIES_TEST',
    meta: {
      information: 'test',
      symbol: 'IBM',
      lastRefreshed: '2024-03-11',
      timeZone: 'US/Eastern',
      ...meta,
    },
    bars,
    malformed,
  };
}

/** An intraday series with `interval` in its meta. */
export function intradaySeries(
  bars: PriceBar[],
  interval: IntradayInterval = '5min',
  meta: Partial<SeriesMeta> = {},
): TimeSeries<PriceBar> {
  return series(bars, { interval, ...meta });
}

/** `YYYY-MM-DD HH:MM:SS` of a UTC Date's fields (used to print wall clocks computed in tests). */
export function wallText(p: {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(p.year).padStart(4, '0')}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
}

/**
 * US Eastern → UTC by the rules written out independently of any library (valid 2007 onwards):
 * DST from the second Sunday of March 02:00 EST to the first Sunday of November 02:00 EDT.
 * EST = UTC−5, EDT = UTC−4. Ambiguous fall-back times resolve to their first occurrence (EDT).
 */
export function easternToUtcReference(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number {
  const sundayOnOrAfter = (m: number, d: number) => {
    const wd = new Date(Date.UTC(year, m - 1, d)).getUTCDay();
    return d + ((7 - wd) % 7);
  };
  const dstStart = Date.UTC(year, 2, sundayOnOrAfter(3, 8), 2); // local wall clock, as if UTC
  const dstEnd = Date.UTC(year, 10, sundayOnOrAfter(11, 1), 2); // 02:00 EDT, first 01:xx is EDT
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const edt = local >= dstStart && local < dstEnd;
  return local + (edt ? 4 : 5) * 3_600_000;
}
