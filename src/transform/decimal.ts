/**
 * Decimal text checks and exact comparison.
 *
 * Prices travel as strings (`"313.0800"`) all the way to PostgreSQL `numeric`, so validation must
 * agree with what `numeric` will store: `"10.0"` and `"10.00"` are equal, and no float rounding may
 * make two different decimals look equal or ordered the wrong way.
 */

const ZERO = 48; // '0'
const NINE = 57; // '9'
const MINUS = 45; // '-'
const DOT = 46; // '.'

/**
 * True for a plain decimal: optional `-`, one or more digits, optionally `.` and one or more digits
 * (`"313.0800"`, `"-0.5"`, `"7"`). Rejects `""`, `"NaN"`, `"Infinity"`, exponents (`"1e5"`), a
 * leading `+`, a bare `.`/`"5."`/`".5"` and surrounding spaces: none of those come from Alpha Vantage
 * when it is healthy, so they signal a broken body rather than a format to support.
 * @internal
 */
export function isPlainDecimal(text: string): boolean {
  // A char-code loop instead of a regex: this runs five times per bar on million-bar backfills.
  const n = text.length;
  let i = 0;
  if (n > 0 && text.charCodeAt(0) === MINUS) i = 1;
  const intStart = i;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) break;
    i++;
  }
  if (i === intStart) return false;
  if (i === n) return true;
  if (text.charCodeAt(i) !== DOT) return false;
  i++;
  const fracStart = i;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) return false;
    i++;
  }
  return i > fracStart;
}

const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Validates a plain decimal (see {@link isPlainDecimal}) and returns its value as the nearest double,
 * or `NaN` when it is not a plain decimal. One pass instead of a syntax check plus `Number()`.
 *
 * Exactness: the digits are read into an integer; while it stays below 2^53 and there are at most
 * 22 fraction digits, both it and the power of ten are exact doubles, so one division is correctly
 * rounded (Clinger's fast path) — the same double `Number()` returns. Beyond that, `Number()` is
 * used. `"-0.00"` gives `-0`, which is not below zero.
 */
export function parseDecimal(text: string): number {
  const n = text.length;
  let i = 0;
  let negative = false;
  if (n > 0 && text.charCodeAt(0) === MINUS) {
    negative = true;
    i = 1;
  }
  const intStart = i;
  let mantissa = 0;
  while (i < n) {
    const c = text.charCodeAt(i) - ZERO;
    if (c < 0 || c > 9) break;
    mantissa = mantissa * 10 + c;
    i++;
  }
  if (i === intStart) return Number.NaN;
  let fracDigits = 0;
  if (i < n) {
    if (text.charCodeAt(i) !== DOT) return Number.NaN;
    i++;
    const fracStart = i;
    while (i < n) {
      const c = text.charCodeAt(i) - ZERO;
      if (c < 0 || c > 9) return Number.NaN;
      mantissa = mantissa * 10 + c;
      i++;
    }
    fracDigits = i - fracStart;
    if (fracDigits === 0) return Number.NaN;
  }
  if (mantissa > Number.MAX_SAFE_INTEGER || fracDigits > 22) return Number(text);
  const value = fracDigits === 0 ? mantissa : mantissa / POW10[fracDigits]!;
  return negative ? -value : value;
}

/** True for a non-empty string of ASCII digits (a volume or another unsigned integer). */
export function isDigits(text: string): boolean {
  const n = text.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) return false;
  }
  return true;
}

/** Largest PostgreSQL `bigint`, the type of every volume column. */
const BIGINT_MAX = '9223372036854775807';

/**
 * True when a digit string fits PostgreSQL `bigint` (≤ 9223372036854775807), so one absurd volume
 * is quarantined instead of failing the whole batch insert. `text` must satisfy {@link isDigits}.
 */
export function fitsBigint(text: string): boolean {
  if (text.length < 19) return true;
  let i = 0;
  while (i < text.length - 1 && text.charCodeAt(i) === ZERO) i++;
  const digits = text.slice(i);
  if (digits.length !== BIGINT_MAX.length) return digits.length < BIGINT_MAX.length;
  return digits <= BIGINT_MAX; // same length: lexical order is numeric order
}

/** PostgreSQL `numeric` holds at most this many digits before the decimal point… */
const NUMERIC_MAX_INTEGER_DIGITS = 131_072;
/** …and this many after it. */
const NUMERIC_MAX_FRACTION_DIGITS = 16_383;

/**
 * True when plain decimal `text` fits PostgreSQL `numeric` (≤ 131,072 digits before the point,
 * ≤ 16,383 after), so one absurd price is quarantined instead of failing the whole insert with
 * "value overflows numeric format". `text` must satisfy `isPlainDecimal`.
 */
export function fitsNumeric(text: string): boolean {
  if (text.length <= 16_383) return true;
  const start = text.charCodeAt(0) === MINUS ? 1 : 0;
  const dot = text.indexOf('.');
  const intEnd = dot < 0 ? text.length : dot;
  let i = start;
  while (i < intEnd - 1 && text.charCodeAt(i) === ZERO) i++;
  if (intEnd - i > NUMERIC_MAX_INTEGER_DIGITS) return false;
  return dot < 0 || text.length - dot - 1 <= NUMERIC_MAX_FRACTION_DIGITS;
}

/** True when plain decimal `text` is below zero (`"-0.00"` is zero, not negative). */
export function isNegativeDecimal(text: string): boolean {
  if (text.charCodeAt(0) !== MINUS) return false;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > ZERO && c <= NINE) return true;
  }
  return false;
}

/**
 * Compares two plain decimals exactly: negative when `a < b`, zero when equal (`"10.0"` vs
 * `"10.00"`), positive when `a > b`. Both must satisfy {@link isPlainDecimal}.
 *
 * Fast path: `Number()` parsing is correctly rounded and therefore monotonic, so when the two
 * doubles differ their order is the exact order. Only when they are equal as doubles (equal values,
 * or distinct decimals beyond double precision) is the text compared digit by digit.
 * @internal
 */
export function compareDecimals(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (x < y) return -1;
  if (x > y) return 1;
  if (a === b) return 0;
  return compareDecimalText(a, b);
}

/** Exact comparison of two plain decimals by their digits (no floating point). */
export function compareDecimalText(a: string, b: string): number {
  const na = isNegativeDecimal(a);
  const nb = isNegativeDecimal(b);
  if (na !== nb) return na ? -1 : 1;
  const magnitude = compareMagnitude(stripSign(a), stripSign(b));
  if (magnitude === 0) return 0; // never -0
  return na ? -magnitude : magnitude;
}

function stripSign(text: string): string {
  return text.charCodeAt(0) === MINUS ? text.slice(1) : text;
}

function compareMagnitude(a: string, b: string): number {
  const [ai, af] = splitDecimal(a);
  const [bi, bf] = splitDecimal(b);
  if (ai.length !== bi.length) return ai.length < bi.length ? -1 : 1;
  if (ai !== bi) return ai < bi ? -1 : 1;
  // Pad the shorter fraction with zeros so lexical order equals numeric order.
  const len = Math.max(af.length, bf.length);
  const pa = af.padEnd(len, '0');
  const pb = bf.padEnd(len, '0');
  if (pa === pb) return 0;
  return pa < pb ? -1 : 1;
}

/** Splits an unsigned decimal into its integer part without leading zeros and its fraction without trailing zeros. */
function splitDecimal(text: string): [string, string] {
  const dot = text.indexOf('.');
  const int = (dot < 0 ? text : text.slice(0, dot)).replace(/^0+/, '');
  const frac = dot < 0 ? '' : text.slice(dot + 1).replace(/0+$/, '');
  return [int, frac];
}
