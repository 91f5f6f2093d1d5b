import { ValidationError } from '../errors/validation-error';
import { isRealDate } from '../time/civil-date';

/**
 * Caller-input checks shared by the extractor and the pipeline. They run before any request so a
 * bad argument costs no API call and can never smuggle extra query parameters into the URL.
 */

/** Longest symbol accepted. Real tickers with exchange suffixes (`RELIANCE.BSE`) stay well under. */
export const MAX_SYMBOL_LENGTH = 20;

// Letters, digits and the punctuation real tickers use: `.` suffixes (`TSCO.LON`), `-` share
// classes (`BRK-B`), `^` index aliases, `=` FX/futures style. Nothing that needs URL escaping.
const SYMBOL_RE = /^[A-Za-z0-9.\-^=]+$/;
const MONTH_RE = /^(\d{4})-(\d{2})$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Checks a ticker symbol and returns it unchanged (no case folding: Alpha Vantage symbols are
 * case-sensitive in places, e.g. some suffixes).
 * @param symbol - e.g. `IBM`, `BRK-B`, `TSCO.LON`
 * @param field - the argument name reported in the error
 * @returns the symbol
 * @throws ValidationError when it is empty, too long, or contains anything but letters, digits, `.`, `-`, `^`, `=`
 * @internal
 */
export function validateSymbol(symbol: unknown, field = 'symbol'): string {
  if (typeof symbol !== 'string' || symbol.length === 0) {
    throw new ValidationError(`${field} must be a non-empty string`, { field });
  }
  if (symbol.length > MAX_SYMBOL_LENGTH) {
    throw new ValidationError(
      `${field} is longer than ${MAX_SYMBOL_LENGTH} characters: "${symbol.slice(0, MAX_SYMBOL_LENGTH)}…"`,
      { field },
    );
  }
  if (!SYMBOL_RE.test(symbol)) {
    throw new ValidationError(
      `${field} ${JSON.stringify(symbol)} may only contain letters, digits, ".", "-", "^" and "="`,
      { field },
    );
  }
  return symbol;
}

/**
 * The symbol as stored: validated as given (ASCII only, surrounding
 * ASCII blanks aside), then trimmed and upper-cased. The raw input is checked *before* any
 * normalisation: Unicode case mapping turns `'ı'` into `I` and `'ß'` into `SS`, so validating the
 * upper-cased text would fetch and store a symbol nobody asked for. Alpha Vantage answers `ibm`
 * and `IBM` alike, and one symbol must map to one set of rows, so the pipeline and the streaming
 * service key everything by this form.
 * @throws ValidationError for a non-ASCII (or control) character anywhere in the input, an
 * empty symbol, one longer than {@link MAX_SYMBOL_LENGTH}, or any character but letters, digits,
 * `.`, `-`, `^` and `=`
 */
export function normalizeSymbol(symbol: unknown, field = 'symbol'): string {
  if (typeof symbol !== 'string') {
    throw new ValidationError(`${field} must be a non-empty string`, { field });
  }
  const foreign = NOT_PRINTABLE_ASCII_RE.exec(symbol);
  if (foreign) {
    const code = (foreign[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
    throw new ValidationError(
      `${field} may only contain ASCII letters, digits, ".", "-", "^" and "=", got U+${code} in ${JSON.stringify(symbol.slice(0, MAX_SYMBOL_LENGTH))}`,
      { field },
    );
  }
  // On ASCII text, trim() removes only ASCII blanks and toUpperCase() maps a-z to A-Z, nothing more.
  return validateSymbol(symbol.trim(), field).toUpperCase();
}

// Printable ASCII and the blanks trim() removes; anything else is refused before normalising.
const NOT_PRINTABLE_ASCII_RE = /[^\x20-\x7e\t\n\v\f\r]/u;

/** First month Alpha Vantage serves intraday history for (documented: "since 2000-01"). */
export const FIRST_INTRADAY_MONTH = '2000-01';

/**
 * Checks a `YYYY-MM` month (the intraday `month` parameter) and returns it.
 * @param month - e.g. `2024-03`
 * @param field - the argument name reported in the error
 * @throws ValidationError when it is not `YYYY-MM`, not a real month, or before 2000-01
 * @internal
 */
export function validateMonth(month: unknown, field = 'month'): string {
  const m = typeof month === 'string' ? MONTH_RE.exec(month) : null;
  if (!m || typeof month !== 'string') {
    throw new ValidationError(`${field} must be "YYYY-MM", got ${describe(month)}`, { field });
  }
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) {
    throw new ValidationError(`${field} has no month ${m[2]}: "${month}"`, { field });
  }
  if (month < FIRST_INTRADAY_MONTH) {
    throw new ValidationError(
      `${field} must be ${FIRST_INTRADAY_MONTH} or later (Alpha Vantage has no older intraday data), got "${month}"`,
      { field },
    );
  }
  return month;
}

/**
 * Checks a `YYYY-MM-DD` calendar date and returns it.
 * @param date - e.g. `2013-08-03`
 * @param field - the argument name reported in the error
 * @throws ValidationError when it is not a real date in that format
 * @internal
 */
export function validateDate(date: unknown, field = 'date'): string {
  const m = typeof date === 'string' ? DATE_RE.exec(date) : null;
  if (!m || typeof date !== 'string' || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw new ValidationError(`${field} must be a real "YYYY-MM-DD" date, got ${describe(date)}`, {
      field,
    });
  }
  return date;
}

/** Longest SYMBOL_SEARCH keyword string accepted. */
export const MAX_KEYWORDS_LENGTH = 100;

/**
 * Checks SYMBOL_SEARCH keywords: free text, but bounded and without control characters.
 * @param keywords - e.g. `tesco`
 * @throws ValidationError when empty, too long or containing control characters
 * @internal
 */
export function validateKeywords(keywords: unknown): string {
  if (typeof keywords !== 'string' || keywords.trim().length === 0) {
    throw new ValidationError('keywords must be a non-empty string', { field: 'keywords' });
  }
  if (keywords.length > MAX_KEYWORDS_LENGTH) {
    throw new ValidationError(`keywords is longer than ${MAX_KEYWORDS_LENGTH} characters`, {
      field: 'keywords',
    });
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(keywords)) {
    throw new ValidationError('keywords must not contain control characters', {
      field: 'keywords',
    });
  }
  return keywords;
}

/**
 * Checks that `value` is one of `allowed`.
 * @internal
 */
export function validateOneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  field: string,
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ValidationError(
      `${field} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${describe(value)}`,
      { field },
    );
  }
  return value as T;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  return value === null ? 'null' : typeof value;
}
