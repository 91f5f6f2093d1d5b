import type { PriceBar } from '../types';

/**
 * A single-pass scanner for the common case: a well-formed OHLCV series body (TIME_SERIES_INTRADAY,
 * TIME_SERIES_DAILY, WEEKLY, MONTHLY). A month of 1-min extended-hours bars is ~20k bars in ~4 MB
 * of pretty-printed JSON; `JSON.parse` builds an object and six strings per bar before the checks
 * even start, and was the largest single cost of a backfill. This reads the bars straight into
 * their final objects and checks each value on the way.
 *
 * It accepts only what the general parser would accept unchanged — exact field labels in their
 * usual order (`1. open` … `5. volume`), plain decimals, digit volumes, valid timestamps, strictly descending
 * (newest-first) keys (a bar repeated right after itself with the same values counts once),
 * nothing after the series — and returns `null` on anything else, so the
 * caller falls back to `JSON.parse` and the general checks, which also produce the precise error
 * or malformed-row report. The output is identical to the general parser's for every body it
 * accepts.
 * @internal
 */

const DECIMAL = String.raw`(-?\d+(?:\.\d+)?)`;
const field = (label: string, value: string) => String.raw`\s*"${label}"\s*:\s*"${value}"\s*`;
/**
 * One bar and the separator after it (`,` or the `}` closing the series). Sticky (`y`): each scan
 * sets `lastIndex` first and runs synchronously, so sharing the compiled expression is safe.
 */
const BAR_RE = new RegExp(
  String.raw`\s*"([^"\\]*)"\s*:\s*\{` +
    [
      field('1\\. open', DECIMAL),
      field('2\\. high', DECIMAL),
      field('3\\. low', DECIMAL),
      field('4\\. close', DECIMAL),
      field('5\\. volume', String.raw`(\d+)`),
    ].join(',') +
    String.raw`\}\s*([,}])`,
  'y',
);

const QUOTE = 34; // "
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const COLON = 58;
const COMMA = 44;

/** Result of {@link scanPlainSeries}: the raw `Meta Data` object and the bars, newest first. */
export interface ScannedSeries {
  /** `Meta Data` as parsed JSON (validated by the caller). */
  meta: unknown;
  /** Bars in body order. */
  bars: PriceBar[];
}

/** Whether the match carries the same values as the last bar read. */
function sameAsLast(bars: readonly PriceBar[], m: RegExpExecArray): boolean {
  const last = bars[bars.length - 1];
  return (
    last !== undefined &&
    last.open === m[2] &&
    last.high === m[3] &&
    last.low === m[4] &&
    last.close === m[5] &&
    last.volume === m[6]
  );
}

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/**
 * Scans `text` for `"Meta Data"` followed by `seriesKey` holding OHLCV bars; `null` when the body
 * is anything but that, exactly.
 * @param timeRe - the series key format (date or date-time) the general parser enforces
 */
export function scanPlainSeries(
  text: string,
  seriesKey: string,
  timeRe: RegExp,
): ScannedSeries | null {
  const n = text.length;
  let i = 0;
  const ws = () => {
    while (i < n && isWs(text.charCodeAt(i))) i++;
  };
  /** Reads a string without escapes at `i` (which must be a quote); returns its end or -1. */
  const str = (): number => {
    if (text.charCodeAt(i) !== QUOTE) return -1;
    for (let j = i + 1; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c === QUOTE) return j;
      // An escape means the body is unusual: let the general parser deal with it.
      if (c === BACKSLASH) return -1;
    }
    return -1;
  };
  const expect = (c: number): boolean => {
    ws();
    if (text.charCodeAt(i) !== c) return false;
    i++;
    return true;
  };

  // { "Meta Data": { … },
  if (!expect(LBRACE)) return null;
  ws();
  if (!text.startsWith('"Meta Data"', i)) return null;
  i += 11;
  if (!expect(COLON)) return null;
  ws();
  const metaStart = i;
  if (text.charCodeAt(i) !== LBRACE) return null;
  // Meta Data is flat: strings only, no nested objects.
  for (i++; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = str();
      if (end === -1) return null;
      i = end;
    } else if (c === LBRACE) {
      return null;
    } else if (c === RBRACE) {
      break;
    }
  }
  if (i >= n) return null;
  let meta: unknown;
  try {
    meta = JSON.parse(text.slice(metaStart, i + 1));
  } catch {
    return null;
  }
  i++;
  // , "Time Series (…)": {
  if (!expect(COMMA)) return null;
  ws();
  const quotedKey = JSON.stringify(seriesKey);
  if (!text.startsWith(quotedKey, i)) return null;
  i += quotedKey.length;
  if (!expect(COLON) || !expect(LBRACE)) return null;

  const bars: PriceBar[] = [];
  let previous: string | undefined;
  ws();
  if (text.charCodeAt(i) === RBRACE) return null; // empty series: the general path says why
  // One sticky regular expression per bar: compiled to native code, it checks the layout, the
  // labels and the number formats in one go.
  const barRe = BAR_RE;
  barRe.lastIndex = i;
  for (;;) {
    const m = barRe.exec(text);
    if (m === null) return null;
    const time = m[1] as string;
    if (!timeRe.test(time)) return null;
    // Strictly newest first: the order the general path keeps. The one exception taken here is the
    // same bar sent twice in a row (same key, same values), which is one bar — as the general path
    // decides for identical copies; any other repeat or disorder goes to the general path.
    if (previous !== undefined && !(time < previous)) {
      if (time !== previous || !sameAsLast(bars, m)) return null;
      if (m[7] === '}') break;
      continue;
    }
    previous = time;
    bars.push({
      time,
      open: m[2] as string,
      high: m[3] as string,
      low: m[4] as string,
      close: m[5] as string,
      volume: m[6] as string,
    });
    if (m[7] === '}') break;
  }
  i = barRe.lastIndex;
  // } and nothing else.
  if (!expect(RBRACE)) return null;
  ws();
  return i === n ? { meta, bars } : null;
}
