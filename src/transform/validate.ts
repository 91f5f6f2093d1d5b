import { capText, describeValue } from '../bounded-text';
import {
  compareDecimals,
  compareDecimalText,
  fitsBigint,
  fitsNumeric,
  isDigits,
  isNegativeDecimal,
  isPlainDecimal,
  parseDecimal,
} from './decimal';

/**
 * Row validation shared by every transform. Each check returns the reason as text (stored in the
 * quarantine table, so it names the field and quotes the value) or `null` when the row is fine.
 */

/** The values `validateBar` checks: any OHLCV bar (price, adjusted or index). @internal */
export interface BarValues {
  /** Open price. */
  open: string;
  /** High price. */
  high: string;
  /** Low price. */
  low: string;
  /** Close price. */
  close: string;
  /** Volume; `null` is accepted (index series often have none). */
  volume: string | null;
}

/** A valid but possibly absurdly long number, as shown in a reason. */
function shown(value: string): string {
  return capText(value, 40);
}

/**
 * Why `value` is not a usable price — not a string, not a plain decimal (`"NaN"`, `""`, `"1e5"`) or
 * negative — or `null` when it is fine. Zero is accepted: it is a real (if odd) print, not garbage.
 */
export function priceProblem(field: string, value: unknown): string | null {
  if (typeof value !== 'string') return `${field} is missing`;
  if (!isPlainDecimal(value)) return `${field} is not a plain decimal: ${describeValue(value)}`;
  if (isNegativeDecimal(value)) return `${field} is negative: ${shown(value)}`;
  if (!fitsNumeric(value)) return `${field} is too large for numeric: ${shown(value)}`;
  return null;
}

/** Why `value` is not a usable signed decimal (changes may be negative), or `null`. */
export function signedDecimalProblem(field: string, value: unknown): string | null {
  if (typeof value !== 'string') return `${field} is missing`;
  if (!isPlainDecimal(value)) return `${field} is not a plain decimal: ${describeValue(value)}`;
  if (!fitsNumeric(value)) return `${field} is too large for numeric: ${shown(value)}`;
  return null;
}

/** Why `value` is not a usable volume (digits only, fits `bigint`), or `null`. */
export function volumeProblem(field: string, value: unknown): string | null {
  if (typeof value !== 'string') return `${field} is missing`;
  if (!isDigits(value)) return `${field} is not a non-negative integer: ${describeValue(value)}`;
  if (!fitsBigint(value)) return `${field} is too large for bigint: ${shown(value)}`;
  return null;
}

/**
 * Why the prices `open/high/low/close` are inconsistent (`low ≤ open, close ≤ high`, `low ≤ high`),
 * or `null`. All four must already be plain decimals. Equal values compare equal whatever their
 * trailing zeros (`"10.0"` vs `"10.00"`), see {@link compareDecimals}.
 */
export function ohlcProblem(open: string, high: string, low: string, close: string): string | null {
  return ohlcProblemOf(
    open,
    Number(open),
    high,
    Number(high),
    low,
    Number(low),
    close,
    Number(close),
  );
}

/** {@link ohlcProblem} with the prices already parsed, so each is parsed once per bar. */
function ohlcProblemOf(
  open: string,
  o: number,
  high: string,
  h: number,
  low: string,
  l: number,
  close: string,
  c: number,
): string | null {
  if (greater(low, l, high, h)) return `low ${shown(low)} > high ${shown(high)}`;
  if (greater(low, l, open, o)) return `low ${shown(low)} > open ${shown(open)}`;
  if (greater(low, l, close, c)) return `low ${shown(low)} > close ${shown(close)}`;
  if (greater(open, o, high, h)) return `open ${shown(open)} > high ${shown(high)}`;
  if (greater(close, c, high, h)) return `close ${shown(close)} > high ${shown(high)}`;
  return null;
}

/**
 * `a > b` exactly, given their doubles. Correctly rounded parsing is monotonic, so differing
 * doubles order the decimals; equal doubles fall back to the digits (same text is equal).
 */
function greater(a: string, x: number, b: string, y: number): boolean {
  if (x !== y) return x > y;
  return a !== b && compareDecimalText(a, b) > 0;
}

/**
 * Validates one bar's values: every price a non-negative plain decimal, volume digits only (or
 * `null`) within `bigint`, and `low ≤ open, close ≤ high`. Returns the first problem found as a
 * human-readable reason, or `null` when the bar is valid. Does not look at the bar's time — that
 * depends on the series (see the transforms).
 * @internal
 */
export function validateBar(bar: BarValues): string | null {
  const { open, high, low, close, volume } = bar;
  // Fast path: one parse per price doubles as the syntax check; reasons are built only on failure.
  const o = typeof open === 'string' ? parseDecimal(open) : Number.NaN;
  const h = typeof high === 'string' ? parseDecimal(high) : Number.NaN;
  const l = typeof low === 'string' ? parseDecimal(low) : Number.NaN;
  const c = typeof close === 'string' ? parseDecimal(close) : Number.NaN;
  if (!(o >= 0 && h >= 0 && l >= 0 && c >= 0)) {
    return (
      priceProblem('open', open) ??
      priceProblem('high', high) ??
      priceProblem('low', low) ??
      priceProblem('close', close)
    );
  }
  // Only a text this long can overflow numeric: the common path costs four length reads.
  if (
    (open as string).length > 16_383 ||
    (high as string).length > 16_383 ||
    (low as string).length > 16_383 ||
    (close as string).length > 16_383
  ) {
    const problem =
      priceProblem('open', open) ??
      priceProblem('high', high) ??
      priceProblem('low', low) ??
      priceProblem('close', close);
    if (problem !== null) return problem;
  }
  if (volume !== null) {
    const problem = volumeProblem('volume', volume);
    if (problem !== null) return problem;
  }
  return ohlcProblemOf(open, o, high, h, low, l, close, c);
}

/** The extra values of an adjusted bar. @internal */
export interface AdjustedValues {
  /** Adjusted close. */
  adjustedClose: string;
  /** Dividend amount. */
  dividendAmount: string;
  /** Split coefficient, or `null` (weekly/monthly adjusted have none). */
  splitCoefficient: string | null;
}

/**
 * Validates the adjusted fields: adjusted close and dividend non-negative plain decimals, split
 * coefficient (when present) a plain decimal above zero — a zero factor would wipe out every
 * adjusted price computed from it. Returns the first problem, or `null`.
 * @internal
 */
export function validateAdjusted(bar: AdjustedValues): string | null {
  const problem =
    priceProblem('adjustedClose', bar.adjustedClose) ??
    priceProblem('dividendAmount', bar.dividendAmount);
  if (problem !== null || bar.splitCoefficient === null) return problem;
  const split = bar.splitCoefficient;
  const splitIssue = priceProblem('splitCoefficient', split);
  if (splitIssue !== null) return splitIssue;
  return compareDecimals(split, '0') > 0
    ? null
    : `splitCoefficient is not positive: ${shown(split)}`;
}
