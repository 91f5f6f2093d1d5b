import {
  type ApiError,
  DailyLimitError,
  InvalidApiKeyError,
  InvalidRequestError,
  type PremiumParameter,
  RateLimitError,
  UnrecognizedNoticeError,
} from '../errors/api-errors';
import { premiumError } from './premium';

/**
 * Turns an Alpha Vantage notice (a 200 response carrying `Error Message`, `Information`, `Note`,
 * `detail`, or a demo `message`) into a typed error, by what the notice *says*, not by one phrase.
 *
 * Every notice is a greeting ("Thank you for using Alpha Vantage!"), one or two sentences that
 * state the refusal, and often an upsell ("You may subscribe to any of the premium plans … to lift
 * the free key rate limit (25 requests per day) … and instantly unlock all premium endpoints").
 * The upsell names every limit there is, so it is set aside and only the statement is read — that
 * is how the free burst notice, which mentions "per day" and "premium endpoints" in its upsell,
 * stays a rate limit (API.md §1.3, QUIRKS A.3–A.5). The statement is then matched in an order
 * where a mistake costs least: a key or invalid-call text first (they are unambiguous), a rate
 * limit before anything premium (wrongly remembering a premium refusal would skip requests for a
 * week; a wrong rate limit costs one retry), premium before the daily quota.
 *
 * A statement that matches nothing is `unknown`: under `Error Message` / `detail` it is still a
 * rejected request ({@link InvalidRequestError}); under `Information` / `Note` the client retries
 * it once and then fails with {@link UnrecognizedNoticeError} quoting it.
 */

/** Body keys that carry a notice instead of data. */
export const NOTICE_KEYS = ['Error Message', 'Information', 'Note', 'detail'] as const;

/** A notice found in a body. @internal */
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
  /** The request's query parameters (without the key), to attribute a premium refusal. */
  params?: Readonly<Record<string, string | undefined>>;
  /** When the daily budget resets (for DailyLimitError). */
  resetsAt?: Date;
}

/** Which limit a rate-limit notice named; drives the backoff. */
export type RateLimitKind = 'second' | 'minute' | 'burst';

/** What a notice means. @internal */
export type NoticeClass =
  | {
      /** Slow down: a per-second, burst or per-minute limit. */
      kind: 'rate-limit';
      /** Which window. */
      window: RateLimitKind;
    }
  | {
      /** The key's daily quota is spent. */
      kind: 'daily-limit';
    }
  | {
      /** One parameter value is premium (e.g. `outputsize=full`); the endpoint itself is free. */
      kind: 'premium-parameter';
      /** The refused parameter. */
      parameter: PremiumParameter;
      /** The endpoint the notice names, when it names one. */
      endpoint?: string;
    }
  | {
      /** The endpoint is premium. */
      kind: 'premium-endpoint';
    }
  | {
      /** The API key is missing or invalid. */
      kind: 'invalid-key';
    }
  | {
      /** Unknown symbol, bad parameter, unknown function. */
      kind: 'invalid-call';
    }
  | {
      /** Not a wording stock-etl knows. */
      kind: 'unknown';
    };

const GREETING_RE = /^thank you for using alpha vantage!?$/i;
const UPSELL_RE = /subscribe to any of the premium plans|premium plans at\b/i;
const KEY_RE =
  /apikey is invalid or missing|invalid api ?key|api ?key is (invalid|missing)|claim your free api key/i;
const INVALID_CALL_RE = /invalid api call|does not exist/i;
const RATE_BURST_RE = /\bburst\b/i;
const RATE_SECOND_RE = /per second|spreading out|more sparingly/i;
const RATE_MINUTE_RE = /per minute|minute-level|call frequency/i;
const PREMIUM_RE = /\bpremium\b/i;
// `outputsize=full`: a parameter name and the value that was refused.
const PARAMETER_RE = /(?<![?&])\b([a-z][a-z_]*)=([a-z0-9][a-z0-9_.:-]*?)(?=[\s,;)]|\.(?:\s|$)|$)/i;
const NAMED_ENDPOINT_RE = /\bfor the ([A-Z][A-Z0-9_]+) endpoint\b/;
const PREMIUM_ENDPOINT_RE = /premium (endpoint|function|feature)|higher api call volume/i;
const DAILY_RE = /per day|daily (rate )?limit|requests? (a|each) day/i;

/** How long to wait after each kind of rate-limit notice before the next try. */
export const RATE_LIMIT_RETRY_AFTER_MS: Record<RateLimitKind, number> = {
  second: 1_000,
  burst: 1_000,
  minute: 60_000,
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
  if (typeof message === 'string' && /premium endpoint/i.test(message)) {
    return { key: 'message', text: message };
  }
  return undefined;
}

/** The sentences that state the refusal: no greeting, no "subscribe to the premium plans" upsell. */
export function statementOf(text: string): string {
  const sentences = text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !GREETING_RE.test(s) && !UPSELL_RE.test(s));
  return sentences.join(' ');
}

/** What a notice means (see the module comment for the order and why). @internal */
export function classifyNotice(notice: Notice): NoticeClass {
  const statement = statementOf(notice.text);
  if (KEY_RE.test(statement)) return { kind: 'invalid-key' };
  if (INVALID_CALL_RE.test(statement)) return { kind: 'invalid-call' };
  if (RATE_BURST_RE.test(statement)) return { kind: 'rate-limit', window: 'burst' };
  if (RATE_SECOND_RE.test(statement)) return { kind: 'rate-limit', window: 'second' };
  if (RATE_MINUTE_RE.test(statement)) return { kind: 'rate-limit', window: 'minute' };
  // A premium statement naming `name=value` refuses that value only; otherwise the endpoint.
  const parameter = PREMIUM_RE.test(statement) ? PARAMETER_RE.exec(statement) : null;
  if (parameter?.[1] && parameter[2]) {
    const named = NAMED_ENDPOINT_RE.exec(statement)?.[1];
    return {
      kind: 'premium-parameter',
      parameter: { name: parameter[1], value: parameter[2] },
      ...(named ? { endpoint: named } : {}),
    };
  }
  if (PREMIUM_ENDPOINT_RE.test(statement)) return { kind: 'premium-endpoint' };
  if (DAILY_RE.test(statement)) return { kind: 'daily-limit' };
  // `Error Message` means "your request was rejected" even in a wording we have not seen.
  if (notice.key === 'Error Message' || notice.key === 'detail') return { kind: 'invalid-call' };
  return { kind: 'unknown' };
}

/**
 * Builds the typed error for a notice. The caller redacts the notice text before (the daily-limit
 * wording B echoes the key) and the error after.
 * @param notice - what {@link findNotice} returned (text already redacted)
 * @param ctx - endpoint, symbol, request parameters and daily reset time
 */
export function errorFromNotice(notice: Notice, ctx: NoticeContext): ApiError {
  const { text } = notice;
  const opts = { endpoint: ctx.endpoint, symbol: ctx.symbol };
  const where = ctx.symbol ? `${ctx.endpoint} ${ctx.symbol}` : ctx.endpoint;
  const meaning = classifyNotice(notice);
  switch (meaning.kind) {
    case 'rate-limit':
      return new RateLimitError(
        `Alpha Vantage rate limit (${meaning.window}) on ${where}: ${text}`,
        {
          ...opts,
          retryAfterMs: RATE_LIMIT_RETRY_AFTER_MS[meaning.window],
        },
      );
    case 'daily-limit':
      return new DailyLimitError(`Alpha Vantage daily request quota is spent (${where}): ${text}`, {
        ...opts,
        ...(ctx.resetsAt ? { resetsAt: ctx.resetsAt } : {}),
      });
    case 'premium-parameter':
      return premiumError({ ...ctx, parameter: meaning.parameter, notice: text });
    case 'premium-endpoint': {
      // A premium *endpoint* answer to a request carrying `entitlement=…` refuses the entitlement
      // (realtime / delayed data is the premium part, API.md §1.1), not the whole endpoint.
      const entitlement = ctx.params?.entitlement;
      return premiumError({
        ...ctx,
        ...(entitlement ? { parameter: { name: 'entitlement', value: entitlement } } : {}),
        notice: text,
      });
    }
    case 'invalid-key':
      return new InvalidApiKeyError(`Alpha Vantage rejected the API key (${where}): ${text}`, opts);
    case 'invalid-call':
      return new InvalidRequestError(
        INVALID_CALL_RE.test(text)
          ? `Alpha Vantage answered "Invalid API call" for ${where} (unknown symbol or unsupported parameters): ${text}`
          : `Alpha Vantage refused ${where}: ${text}`,
        opts,
      );
    default:
      return new UnrecognizedNoticeError(
        `Alpha Vantage answered ${where} with a notice stock-etl does not recognise (${notice.key}): "${text}"`,
        { ...opts, notice: { key: notice.key, text } },
      );
  }
}
