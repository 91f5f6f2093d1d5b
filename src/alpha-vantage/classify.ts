import {
  type ApiError,
  DailyLimitError,
  InvalidApiKeyError,
  InvalidRequestError,
  PremiumEndpointError,
  RateLimitError,
} from '../errors/api-errors';

/**
 * Turns an Alpha Vantage notice (a 200 response carrying `Error Message`, `Information`, `Note`,
 * `detail`, or a demo `message`) into a typed error. Wordings are matched in an order that avoids
 * the known traps (API.md §1.3, QUIRKS A.3–A.5):
 *
 * 1. per-second / per-minute / burst wording — first, because the free burst notice also says
 *    "25 requests per day", "daily rate limits" and "unlock all premium endpoints";
 * 2. daily quota — before the key check, because wording B echoes "your API key as …";
 * 3. premium endpoint (current, 2018 "higher API call volume", and the demo sample `message`);
 * 4. missing / invalid key;
 * 5. `Invalid API call` and unknown function.
 *
 * Anything unrecognised still becomes an error, never data: an unknown `Error Message` is an
 * {@link InvalidRequestError}; an unknown `Information` / `Note` is treated as a rate-limit notice
 * (historically every unrecognised notice was one), so it is retried a bounded number of times.
 */

/** Body keys that carry a notice instead of data. */
export const NOTICE_KEYS = ['Error Message', 'Information', 'Note', 'detail'] as const;

/** A notice found in a body. */
export interface Notice {
  /** The key it was under. */
  key: string;
  /** Its text. */
  text: string;
}

/** Context for the error built from a notice. */
export interface NoticeContext {
  /** Alpha Vantage `function`. */
  endpoint: string;
  /** Symbol of the call, if any. */
  symbol?: string;
  /** When the daily budget resets (for DailyLimitError). */
  resetsAt?: Date;
}

/** Which limit a rate-limit notice named; drives the backoff. */
export type RateLimitKind = 'second' | 'minute' | 'burst' | 'unknown';

const RATE_SECOND_RE = /per second|spreading out|more sparingly/i;
const RATE_BURST_RE = /burst pattern|burst/i;
const RATE_MINUTE_RE = /per minute|minute-level|call frequency/i;
const DAILY_RE = /per day|daily (rate )?limit|requests? (per|a) day/i;
const PREMIUM_RE = /premium endpoint|higher api call volume/i;
const KEY_RE =
  /apikey is invalid or missing|invalid api ?key|api ?key is (invalid|missing)|claim your free api key/i;
const INVALID_CALL_RE = /invalid api call|does not exist/i;

/** How long to wait after each kind of rate-limit notice before the next try. */
export const RATE_LIMIT_RETRY_AFTER_MS: Record<RateLimitKind, number> = {
  second: 1_000,
  burst: 2_000,
  minute: 60_000,
  unknown: 5_000,
};

/**
 * Finds a notice in a parsed body, if any. A `message` key counts only when it says the endpoint
 * is premium (the demo key's artificial sample, which must never be loaded as data).
 */
export function findNotice(body: unknown): Notice | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  for (const key of NOTICE_KEYS) {
    const value = record[key];
    if (typeof value === 'string') return { key, text: value };
  }
  const message = record.message;
  if (typeof message === 'string' && PREMIUM_RE.test(message)) {
    return { key: 'message', text: message };
  }
  return undefined;
}

/** Classifies a rate-limit wording, or returns undefined when the text is not one. */
export function rateLimitKind(text: string): RateLimitKind | undefined {
  if (RATE_SECOND_RE.test(text)) return 'second';
  if (RATE_BURST_RE.test(text)) return 'burst';
  if (RATE_MINUTE_RE.test(text)) return 'minute';
  return undefined;
}

/**
 * Builds the typed error for a notice. The notice text is not copied into the message verbatim
 * (it can echo the key); the caller redacts `cause` and message anyway.
 * @param notice - what {@link findNotice} returned
 * @param ctx - endpoint, symbol and daily reset time
 */
export function errorFromNotice(notice: Notice, ctx: NoticeContext): ApiError {
  const { text } = notice;
  const opts = { endpoint: ctx.endpoint, symbol: ctx.symbol };
  const where = ctx.symbol ? `${ctx.endpoint} ${ctx.symbol}` : ctx.endpoint;
  const kind = rateLimitKind(text);
  if (kind) {
    return new RateLimitError(`Alpha Vantage rate limit (${kind}) on ${where}: ${text}`, {
      ...opts,
      retryAfterMs: RATE_LIMIT_RETRY_AFTER_MS[kind],
    });
  }
  if (DAILY_RE.test(text)) {
    return new DailyLimitError(`Alpha Vantage daily request quota is spent (${where}): ${text}`, {
      ...opts,
      ...(ctx.resetsAt ? { resetsAt: ctx.resetsAt } : {}),
    });
  }
  if (PREMIUM_RE.test(text)) {
    return new PremiumEndpointError(
      `${ctx.endpoint} is a premium endpoint for this API key's plan: ${firstSentence(text)}`,
      opts,
    );
  }
  if (KEY_RE.test(text)) {
    return new InvalidApiKeyError(`Alpha Vantage rejected the API key (${where}): ${text}`, opts);
  }
  if (INVALID_CALL_RE.test(text)) {
    return new InvalidRequestError(
      `Alpha Vantage answered "Invalid API call" for ${where} (unknown symbol or unsupported parameters): ${text}`,
      opts,
    );
  }
  if (notice.key === 'Error Message' || notice.key === 'detail') {
    return new InvalidRequestError(`Alpha Vantage refused ${where}: ${text}`, opts);
  }
  return new RateLimitError(
    `Alpha Vantage answered ${where} with an unrecognised notice: ${text}`,
    {
      ...opts,
      retryAfterMs: RATE_LIMIT_RETRY_AFTER_MS.unknown,
    },
  );
}

function firstSentence(text: string): string {
  const end = text.indexOf('. ');
  return end === -1 ? text : text.slice(0, end + 1);
}
