/**
 * Alpha Vantage's literal "no value" placeholders: `None` (OVERVIEW, DIVIDENDS), `null`
 * (LISTING_STATUS), `-` / `--` (OVERVIEW, old quotes), `n/a` (ETF_PROFILE) and the empty string.
 */
const PLACEHOLDERS: ReadonlySet<string> = new Set(['', 'none', 'null', '-', '--', 'n/a', 'na']);

/** True when `value` is missing or one of Alpha Vantage's placeholder strings (case-insensitive). */
export function isPlaceholder(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  return typeof value === 'string' && PLACEHOLDERS.has(value.trim().toLowerCase());
}

/** `value` trimmed, or `null` when it is missing or a placeholder. */
export function textOrNull(value: unknown): string | null {
  if (typeof value !== 'string' || isPlaceholder(value)) return null;
  return value.trim();
}
