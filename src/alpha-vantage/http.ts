import { AbortedError } from '../errors/aborted-error';
import { UpstreamError } from '../errors/api-errors';

/** One HTTP answer, body read in full. @internal */
export interface HttpAnswer {
  /** HTTP status. */
  status: number;
  /** Body text. */
  text: string;
}

/** Inputs of {@link sendOnce}. @internal */
export interface SendOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  /** The caller's signal (extractor-wide and per-call, already combined). */
  signal: AbortSignal | undefined;
  endpoint: string;
  symbol: string | undefined;
}

/**
 * Sends one GET and reads the whole body, bounded by `timeoutMs` (real time) and the
 * caller's signal. Network failures and timeouts become {@link UpstreamError} (the retry layer
 * decides); the caller's abort becomes {@link AbortedError}. The URL never appears in messages.
 * @internal
 */
export async function sendOnce(url: string, o: SendOptions): Promise<HttpAnswer> {
  const controller = new AbortController();
  let timedOut = false;
  const onCallerAbort = () => controller.abort(o.signal?.reason);
  o.signal?.addEventListener('abort', onCallerAbort, { once: true });
  // The timeout bounds real network I/O, so it runs on a real timer, not the injected clock (a fake
  // clock that jumps ahead during backoff would otherwise fire it spuriously).
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${o.timeoutMs} ms`));
  }, o.timeoutMs);
  // An injected fetch may ignore the signal; racing against it keeps abort and timeout reliable.
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), {
      once: true,
    });
  });
  aborted.catch(() => undefined);
  const fetchFn = o.fetch;
  try {
    if (o.signal?.aborted) controller.abort(o.signal.reason);
    const response = await Promise.race([
      fetchFn(url, {
        signal: controller.signal,
        headers: { accept: 'application/json, text/csv;q=0.9' },
      }),
      aborted,
    ]);
    const text = await Promise.race([response.text(), aborted]);
    return { status: response.status, text };
  } catch (cause) {
    const opts = { endpoint: o.endpoint, ...(o.symbol ? { symbol: o.symbol } : {}) };
    if (o.signal?.aborted) {
      throw new AbortedError(`The ${o.endpoint} request was aborted`, { cause: o.signal.reason });
    }
    if (timedOut) {
      throw new UpstreamError(`${o.endpoint} request timed out after ${o.timeoutMs} ms`, {
        ...opts,
        cause,
      });
    }
    throw new UpstreamError(`${o.endpoint} request failed: ${describeNetworkError(cause)}`, {
      ...opts,
      cause,
    });
  } finally {
    o.signal?.removeEventListener('abort', onCallerAbort);
    clearTimeout(timer);
  }
}

/** `fetch failed` alone says nothing; undici puts the real reason (ECONNRESET, …) in `cause`. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${error.message} (${typeof code === 'string' ? `${code}: ` : ''}${cause.message})`;
  }
  return error.message;
}

/**
 * Whether a failed attempt may be retried: network errors, timeouts, 5xx, 408 and 429 (UpstreamError
 * without a 4xx status) and rate-limit notices. Never aborts, daily limit, premium, bad key,
 * bad request or malformed bodies.
 * @internal
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (code === 'RATE_LIMITED') return true;
  if (code !== 'UPSTREAM') return false;
  const status = (error as UpstreamError).status;
  return status === undefined || status >= 500 || status === 408 || status === 429;
}
