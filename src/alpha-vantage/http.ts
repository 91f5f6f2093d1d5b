import ky, { HTTPError, TimeoutError } from 'ky';
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
  /** Called as `fetch(url, { method, headers, signal })`. */
  fetch: typeof fetch;
  timeoutMs: number;
  /** The caller's signal (extractor-wide and per-call, already combined). */
  signal: AbortSignal | undefined;
  endpoint: string;
  symbol: string | undefined;
  /** Called when the response headers arrived (by then the service has counted the request). */
  onResponse?: () => void;
}

/**
 * Errors codes of a connection that was never established: the request did not reach the service,
 * so it did not count against the key's quota. A reset, a socket hang-up or a timeout after
 * connecting may have been counted (Alpha Vantage counts a request when it arrives) and is not
 * listed: the budget keeps charging those, to stay under the real quota.
 */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

// Failures of attempts that never reached the service (see wasDelivered).
const undelivered = new WeakSet<object>();

/**
 * Whether a failed attempt may have reached the service. `false` only when the connection was
 * provably never established (refused, DNS failure, unreachable, connect timeout). @internal
 */
export function wasDelivered(error: unknown): boolean {
  return !(typeof error === 'object' && error !== null && undelivered.has(error));
}

/**
 * Sends one GET with ky and reads the whole body, bounded by `timeoutMs` (real time: headers and
 * body) and the caller's signal. ky's own retries are off (p-retry on the injected clock decides);
 * its `HTTPError` is still an answer (Alpha Vantage errors are bodies, so the caller reads it; a
 * `beforeError` hook strips the URL from its message), its `TimeoutError` and network failures
 * become {@link UpstreamError}, the caller's abort {@link AbortedError}. The URL (which carries
 * the key) never appears in messages or causes.
 * @internal
 */
export async function sendOnce(url: string, o: SendOptions): Promise<HttpAnswer> {
  // Aborts the transfer: the caller's abort, ky's timeout, or the timeout while the body is read.
  // It reaches fetch through the custom fetch below rather than ky's `signal` option, which would
  // cost an AbortSignal.any() per request (measurably more CPU and garbage on Node 20).
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort(o.signal?.reason);
  if (o.signal?.aborted) controller.abort(o.signal.reason);
  else o.signal?.addEventListener('abort', onCallerAbort, { once: true });
  // An injected fetch may ignore the signal; racing against it keeps abort and timeout reliable.
  const aborted = new Promise<never>((_, reject) => {
    if (controller.signal.aborted) reject(controller.signal.reason);
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), {
      once: true,
    });
  });
  aborted.catch(() => undefined);
  const started = performance.now();
  let bodyTimer: NodeJS.Timeout | undefined;
  let bodyTimedOut = false;
  try {
    let response: Response;
    try {
      response = await Promise.race([
        ky.get(url, {
          // ky hands fetch a Request; injected fetches get the plain URL string, as documented.
          fetch: (input, init) =>
            o.fetch(input instanceof Request ? input.url : String(input), {
              ...init,
              method: 'GET',
              headers: ACCEPT,
              signal: controller.signal,
            }),
          // Until the headers (ky's own timer); the body gets the rest of it below.
          timeout: o.timeoutMs,
          retry: 0,
          hooks: { beforeError: [withoutUrl] },
        }),
        aborted,
      ]);
    } catch (error) {
      // A 4xx/5xx is an answer: Alpha Vantage may explain itself in the body (the caller decides).
      if (!(error instanceof HTTPError)) throw error;
      response = error.response;
    }
    o.onResponse?.();
    const left = Math.max(1, o.timeoutMs - (performance.now() - started));
    bodyTimer = setTimeout(() => {
      bodyTimedOut = true;
      controller.abort(new Error(`timed out after ${o.timeoutMs} ms`));
    }, left);
    const text = await Promise.race([response.text(), aborted]);
    return { status: response.status, text };
  } catch (cause) {
    // Whatever went wrong, the transfer stops here (ky's timeout does not reach our fetch).
    controller.abort(cause);
    const opts = { endpoint: o.endpoint, ...(o.symbol ? { symbol: o.symbol } : {}) };
    if (o.signal?.aborted) {
      throw new AbortedError(`The ${o.endpoint} request was aborted`, { cause: o.signal.reason });
    }
    if (cause instanceof TimeoutError || bodyTimedOut) {
      // ky's TimeoutError names the URL (with the key): it is not kept as the cause.
      throw new UpstreamError(`${o.endpoint} request timed out after ${o.timeoutMs} ms`, opts);
    }
    if (neverConnected(cause)) {
      const error = new UpstreamError(
        `${o.endpoint} request never reached the service: ${describeNetworkError(cause)} (not charged to the daily budget)`,
        { ...opts, cause },
      );
      undelivered.add(error);
      throw error;
    }
    throw new UpstreamError(`${o.endpoint} request failed: ${describeNetworkError(cause)}`, {
      ...opts,
      cause,
    });
  } finally {
    o.signal?.removeEventListener('abort', onCallerAbort);
    clearTimeout(bodyTimer);
  }
}

const ACCEPT = { accept: 'application/json, text/csv;q=0.9' };

/**
 * ky's HTTPError message ends with the request URL, which carries the API key: whatever reads the
 * error (the body is still read as an answer), it says the status only.
 */
function withoutUrl(error: HTTPError): HTTPError {
  error.message = `Request failed with status ${error.response.status}`;
  return error;
}

/** True when every failure in the error's cause chain is one of {@link NEVER_CONNECTED}. */
function neverConnected(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NEVER_CONNECTED.has(code)) return true;
  // Happy eyeballs: one refusal per address, all of them must be refusals.
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.every((e) => neverConnected(e, depth + 1));
  }
  return neverConnected(error.cause, depth + 1);
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
 * bad request or malformed bodies (an unrecognised notice is the client's one exception).
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
