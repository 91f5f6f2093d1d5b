/**
 * API-key redaction. Alpha Vantage echoes the key in its daily-limit notice ("We have detected your
 * API key as …"), fetch errors can carry the request URL, and errors travel into logs and job
 * records — so every string leaving the extractor goes through here.
 */

/** What a redacted secret is replaced with. @internal */
export const REDACTED = '***';

// Any `apikey=` query parameter, whatever key it carries (a second extractor's key, a typo'd one).
const APIKEY_PARAM_RE = /(apikey=)[^&\s"'#]*/gi;

/**
 * From this length a secret is also removed where it is glued to other letters or digits. Shorter
 * ones (a test key `k`, `demo`) are removed only as whole tokens, or they would rewrite ordinary
 * words ("unknown" → "un***nown") — and a 1–7 character run inside a longer word leaks nothing of
 * a real key, which is 16 characters.
 * @internal
 */
export const MIN_SUBSTRING_SECRET_LENGTH = 8;

/**
 * Removes `secrets` (and any `apikey=` URL parameter) from `text`.
 * @param text - any string
 * @param secrets - the values to hide (empty strings are ignored)
 * @returns the text with each secret, and its URL-encoded form, replaced by `***` wherever it stands
 *   as a token (not part of a longer run of letters and digits); secrets of at least
 *   {@link MIN_SUBSTRING_SECRET_LENGTH} characters are replaced anywhere
 * @internal
 */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text.replace(APIKEY_PARAM_RE, `$1${REDACTED}`);
  for (const secret of secrets) {
    if (!secret) continue;
    const forms = new Set([secret, encodeURIComponent(secret)]);
    for (const form of forms) {
      out =
        form.length >= MIN_SUBSTRING_SECRET_LENGTH
          ? out.split(form).join(REDACTED)
          : out.replace(tokenPattern(form), REDACTED);
    }
  }
  return out;
}

// Compiled token patterns by secret: an extractor redacts every request URL with the same key.
const patterns = new Map<string, RegExp>();

/** `secret` where it is not glued to another letter or digit on either side. */
function tokenPattern(secret: string): RegExp {
  let re = patterns.get(secret);
  if (!re) {
    const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    re = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'gu');
    if (patterns.size >= 64) patterns.clear(); // a handful of keys per process; stay bounded
    patterns.set(secret, re);
  }
  return re;
}

/**
 * Returns `value` with every secret removed: strings are redacted; errors get their message,
 * stack and whole `cause` chain redacted in place (own errors keep their class and fields); plain
 * objects and arrays are copied with redacted values. Cycles and depth are bounded.
 * @param value - a string, error, or plain data
 * @param secrets - the values to hide
 * @internal
 */
export function redact<T>(value: T, secrets: readonly string[]): T {
  return redactValue(value, secrets, 0, new WeakSet()) as T;
}

function redactValue(
  value: unknown,
  secrets: readonly string[],
  depth: number,
  seen: WeakSet<object>,
): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (seen.has(value)) return value;
  seen.add(value);
  if (value instanceof Error) {
    redactError(value, secrets, depth, seen);
    return value;
  }
  if (value instanceof URL) return redactText(value.href, secrets);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1, seen));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, secrets, depth + 1, seen);
  return out;
}

function redactError(
  error: Error,
  secrets: readonly string[],
  depth: number,
  seen: WeakSet<object>,
): void {
  // Errors are rewritten in place: they may be frozen-ish foreign objects, so each write is guarded.
  trySet(error, 'message', redactText(error.message, secrets));
  if (typeof error.stack === 'string') trySet(error, 'stack', redactText(error.stack, secrets));
  for (const key of Object.keys(error)) {
    if (key === 'message' || key === 'stack') continue;
    const v = (error as unknown as Record<string, unknown>)[key];
    if (typeof v === 'string' || (v !== null && typeof v === 'object')) {
      trySet(error, key, redactValue(v, secrets, depth + 1, seen));
    }
  }
  if ('cause' in error && error.cause !== undefined) {
    trySet(error, 'cause', redactValue(error.cause, secrets, depth + 1, seen));
  }
  if (error instanceof AggregateError) {
    trySet(
      error,
      'errors',
      error.errors.map((e) => redactValue(e, secrets, depth + 1, seen)),
    );
  }
}

function trySet(target: object, key: string, value: unknown): void {
  try {
    Object.defineProperty(target, key, {
      value,
      writable: true,
      configurable: true,
      enumerable: Object.prototype.propertyIsEnumerable.call(target, key),
    });
  } catch {
    // A non-configurable property: leave it; the caller only sees what we could clean.
  }
}
