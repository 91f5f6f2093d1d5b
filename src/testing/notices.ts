import { prettyJson } from './format';

/**
 * The exact bodies Alpha Vantage answers with when it refuses a request (API.md §1.3). They all
 * arrive as HTTP 200 with a one-key JSON object, whatever `datatype` was asked for.
 */

const PREMIUM_URL = 'https://www.alphavantage.co/premium/';

/** A one-key notice body, pretty-printed like the real service. */
export function noticeBody(key: 'Information' | 'Note' | 'Error Message', text: string): string {
  return prettyJson({ [key]: text });
}

/** `Error Message` for an unknown symbol, a bad or missing parameter. */
export function invalidCallText(fn: string): string {
  return `Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for ${fn}.`;
}

/** `Error Message` when `apikey` is missing, empty or rejected. */
export const INVALID_KEY_TEXT =
  'the parameter apikey is invalid or missing. Please claim your free API key on (https://www.alphavantage.co/support/#api-key). It should take less than 20 seconds.';

/** `Error Message` for a `function` the service does not have. */
export function unknownFunctionText(fn: string): string {
  return `This API function (${fn}) does not exist.`;
}

/**
 * `Information` when the daily quota is spent. Wording B echoes the API key verbatim, exactly as
 * the real service does — which is why clients must redact notices before logging them.
 */
export function dailyLimitText(apiKey: string, perDay: number, wording: 'A' | 'B'): string {
  const tail = `Please subscribe to any of the premium plans at ${PREMIUM_URL} to instantly remove all daily rate limits.`;
  return wording === 'A'
    ? `Thank you for using Alpha Vantage! Our standard API rate limit is ${perDay} requests per day. ${tail}`
    : `We have detected your API key as ${apiKey} and our standard API rate limit is ${perDay} requests per day. ${tail}`;
}

/** `Information` for a free key going faster than its per-second allowance (2025-12 wording). */
export function freeBurstText(perSecond: number, perDay: number): string {
  const rate = perSecond === 1 ? '1 request per second' : `${perSecond} requests per second`;
  return `Thank you for using Alpha Vantage! Please consider spreading out your free API requests more sparingly (${rate}). You may subscribe to any of the premium plans at ${PREMIUM_URL} to lift the free key rate limit (${perDay} requests per day) and instantly remove all daily rate limits.`;
}

/** `Note` for a free key over its per-minute allowance (the 2018–2024 wording). */
export function freeMinuteNoteText(perMinute: number, perDay: number): string {
  return `Thank you for using Alpha Vantage! Our standard API call frequency is ${perMinute} calls per minute and ${perDay} calls per day. Please visit ${PREMIUM_URL} if you would like to target a higher API call frequency.`;
}

/** `Information` for a premium key bursting past its per-second cap. */
export function premiumBurstText(perSecond: number): string {
  return `Burst pattern detected. Please consider spreading out your API requests more evenly across a 1-minute window and query no more than ${perSecond} requests per second.`;
}

/** `Information` for a premium key over its per-minute allowance. */
export const PREMIUM_MINUTE_TEXT =
  'Minute-level rate limit exceed. Please stay under the number of API requests per minute for your premium subscription plan.';

/** `Information` for a premium-only endpoint (or entitlement) requested with a free key. */
export const PREMIUM_ENDPOINT_TEXT = `Thank you for using Alpha Vantage! This is a premium endpoint. You may subscribe to any of the premium plans at ${PREMIUM_URL} to instantly unlock all premium endpoints`;

/**
 * `Information` for a premium *parameter value* requested with a free key — today's answer to
 * `outputsize=full` on TIME_SERIES_DAILY (API.md §1.3, verified live by several projects in 2026).
 * It says "premium feature", not "premium endpoint", and names the parameter: the endpoint itself
 * still serves `compact`.
 */
export function premiumParameterText(name: string, value: string, fn: string): string {
  return `Thank you for using Alpha Vantage! The ${name}=${value} parameter value is a premium feature for the ${fn} endpoint. You may subscribe to any of the premium plans at ${PREMIUM_URL} to instantly unlock all premium features`;
}

/** A proxy error page, as a CDN in front of the API would serve it. */
export function htmlErrorPage(status: number): string {
  const title = status === 502 ? '502 Bad Gateway' : `${status} Error`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n`;
}
