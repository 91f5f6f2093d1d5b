import { RateLimitError, UpstreamError } from '../errors/api-errors';
import { errorFromNotice, findNotice } from './classify';
import { formatError, isObject, parseJsonBody } from './parse/common';

/** What {@link interpretAnswer} needs of a call. @internal */
export interface AnswerSpec<T> {
  endpoint: string;
  symbol?: string;
  params: Readonly<Record<string, string | undefined>>;
  /** Key whose presence means "this is data", so a notice next to it is ignored. */
  dataKey?: string;
  /** The endpoint answers CSV (errors still come as JSON, QUIRKS A.2). */
  csv?: boolean;
  parse: (text: string, body: unknown) => T;
  fast?: (text: string) => T | null;
}

/**
 * Turns an HTTP answer into data or a typed error — by the body first, because Alpha Vantage
 * signals its errors as 200s with a notice. `redactText` cleans notice texts (the daily-limit
 * wording echoes the key) before they reach an error. @internal
 */
export function interpretAnswer<T>(
  spec: AnswerSpec<T>,
  status: number,
  text: string,
  redactText: (text: string) => string,
): T {
  const ctx = { endpoint: spec.endpoint, ...(spec.symbol ? { symbol: spec.symbol } : {}) };
  if (spec.fast && status === 200) {
    const result = spec.fast(text);
    if (result !== null) return result;
  }
  const looksJson = text.trimStart().startsWith('{');
  let body: unknown;
  if (looksJson) {
    body = status >= 400 ? safeJson(text) : parseJsonBody(text, ctx);
    const notice = findNotice(body);
    if (
      notice &&
      (notice.key === 'message' || !(spec.dataKey && isObject(body) && spec.dataKey in body))
    ) {
      throw errorFromNotice(
        { key: notice.key, text: redactText(notice.text) },
        { ...ctx, params: spec.params },
      );
    }
  }
  if (status === 429) {
    throw new RateLimitError(`${spec.endpoint} answered HTTP 429`, { ...ctx, retryAfterMs: 1_000 });
  }
  if (status >= 400 || status < 200) {
    throw new UpstreamError(`${spec.endpoint} answered HTTP ${status}`, { ...ctx, status });
  }
  if (spec.csv && looksJson) throw formatError(ctx, 'JSON without data where CSV was expected');
  return spec.parse(text, body);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
