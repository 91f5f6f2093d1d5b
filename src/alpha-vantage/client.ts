import pRetry from 'p-retry';
import {
  type ApiError,
  DailyLimitError,
  RateLimitError,
  UpstreamError,
} from '../errors/api-errors';
import { isStockEtlError } from '../errors/stock-etl-error';
import { TypedEmitter } from '../events';
import { hashApiKey } from './budget-store';
import { errorFromNotice, findNotice } from './classify';
import type { ExtractorEvents } from './extractor-events';
import { isRetryable, sendOnce } from './http';
import type { ResolvedOptions } from './options';
import { formatError, isObject, parseJsonBody } from './parse/common';
import type { MalformedRowsMode } from './parse/series';
import { RateLimiter } from './rate-limiter';
import { redact, redactText } from './redact';

/** Per-call options accepted by every extractor method. */
export interface CallOptions {
  /** Aborts this call (waiting for the limiter, in flight, or between retries). */
  signal?: AbortSignal;
  /** Called once per HTTP attempt, before it is sent (count API calls with it). */
  onRequest?: (info: { endpoint: string; attempt: number }) => void;
  /**
   * Overrides the extractor's `malformedRows` for this call (time series and index bars only).
   * @default the extractor's `malformedRows`
   */
  malformedRows?: MalformedRowsMode;
}

/** One endpoint call as the extractor describes it. @internal */
export interface CallSpec<T> {
  endpoint: string;
  symbol?: string;
  params: Record<string, string | undefined>;
  /** Key whose presence means "this is data", so a notice next to it is ignored. */
  dataKey?: string;
  /** The endpoint answers CSV (errors still come as JSON, QUIRKS A.2). */
  csv?: boolean;
  /** Parses a data body; `body` is the already parsed JSON (undefined for CSV). */
  parse: (text: string, body: unknown) => T;
  /**
   * A fast path for the common, well-formed body: returns the result, or `null` to take the
   * general path (`JSON.parse`, notice classification, `parse`). Must accept only bodies that are
   * data (never a notice).
   */
  fast?: (text: string) => T | null;
}

/**
 * The request engine behind `AlphaVantageExtractor`: rate limiting, one attempt's HTTP exchange,
 * body classification, retries (p-retry, with the backoff slept on the injected clock so tests can
 * drive it), events, logging and key redaction. @internal
 */
export class AlphaVantageClient {
  readonly o: ResolvedOptions;
  readonly events: TypedEmitter<ExtractorEvents>;
  readonly limiter: RateLimiter;
  readonly #secrets: readonly string[];

  constructor(o: ResolvedOptions) {
    this.o = o;
    this.#secrets = [o.apiKey];
    this.events = new TypedEmitter<ExtractorEvents>((error, event) =>
      o.logger.warn('alpha-vantage event listener threw', {
        event: String(event),
        error: this.redactText(error instanceof Error ? error.message : String(error)),
      }),
    );
    this.limiter = new RateLimiter({
      limits: o.limits,
      clock: o.clock,
      store: o.budgetStore,
      keyHash: hashApiKey(o.apiKey),
      zone: o.budgetTimeZone,
      onWait: (waitMs, budget, endpoint) => {
        this.events.emit('rate:wait', { endpoint, waitMs, budget });
        o.logger.debug('alpha-vantage rate wait', { endpoint, waitMs, budget });
      },
      onLimited: (info, endpoint) => {
        this.events.emit('rate:limited', { endpoint, ...info });
        o.logger.warn('alpha-vantage rate limited by the server; slowing down', info);
      },
    });
  }

  /** Removes the key from a string. */
  redactText(text: string): string {
    return redactText(text, this.#secrets);
  }

  /** Runs one endpoint call with limiter, retries and classification. */
  async call<T>(spec: CallSpec<T>, options: CallOptions = {}): Promise<T> {
    const { clock, logger, retry } = this.o;
    const linked = linkSignals(this.o.signal, options.signal);
    const started = clock.now();
    let attempts = 0;
    try {
      return await pRetry(
        async (attempt) => {
          attempts = attempt;
          return await this.#attempt(spec, attempt, linked.signal, options);
        },
        {
          retries: retry.retries,
          // p-retry's own timer is disabled: the backoff is slept in shouldRetry on our clock.
          minTimeout: 0,
          maxTimeout: 0,
          shouldRetry: async ({ error, attemptNumber }) => {
            if (!isRetryable(error)) return false;
            const base = Math.min(retry.maxDelayMs, retry.minDelayMs * 2 ** (attemptNumber - 1));
            let delayMs = Math.round(base / 2 + (retry.random() * base) / 2);
            const after = error instanceof RateLimitError ? error.retryAfterMs : undefined;
            if (after !== undefined) delayMs = Math.max(delayMs, after);
            if (clock.now() - started + delayMs > retry.maxRetryTimeMs) return false;
            const errorCode = (error as ApiError).code;
            this.events.emit('request:retry', {
              endpoint: spec.endpoint,
              symbol: spec.symbol,
              attempt: attemptNumber,
              delayMs,
              errorCode,
            });
            logger.warn('alpha-vantage retrying', {
              endpoint: spec.endpoint,
              symbol: spec.symbol,
              attempt: attemptNumber,
              delayMs,
              error: this.redactText(error.message),
            });
            await clock.sleep(delayMs, linked.signal);
            return true;
          },
        },
      );
    } catch (error) {
      const final = this.#finalError(error, spec, attempts);
      logger.error('alpha-vantage request failed', {
        endpoint: spec.endpoint,
        symbol: spec.symbol,
        attempts,
        code: isStockEtlError(final) ? final.code : undefined,
        error: final instanceof Error ? final.message : String(final),
      });
      throw final;
    } finally {
      linked.dispose();
    }
  }

  async #attempt<T>(
    spec: CallSpec<T>,
    attempt: number,
    signal: AbortSignal | undefined,
    options: CallOptions,
  ): Promise<T> {
    const { clock, logger } = this.o;
    const release = await this.limiter.acquire(signal, spec.endpoint);
    options.onRequest?.({ endpoint: spec.endpoint, attempt });
    const url = this.#url(spec);
    const shownUrl = this.redactText(url);
    this.events.emit('request:start', {
      endpoint: spec.endpoint,
      symbol: spec.symbol,
      attempt,
      url: shownUrl,
    });
    logger.debug('alpha-vantage request', {
      endpoint: spec.endpoint,
      symbol: spec.symbol,
      attempt,
      url: shownUrl,
    });
    const t0 = clock.now();
    let status = 0;
    try {
      const answer = await sendOnce(url, {
        fetch: this.o.fetch,
        timeoutMs: this.o.timeoutMs,
        signal,
        endpoint: spec.endpoint,
        symbol: spec.symbol,
      }).finally(release);
      status = answer.status;
      const result = this.#interpret(spec, answer.status, answer.text);
      this.limiter.onSuccess();
      this.events.emit('request:finish', {
        endpoint: spec.endpoint,
        symbol: spec.symbol,
        attempt,
        status,
        durationMs: clock.now() - t0,
      });
      return result;
    } catch (caught) {
      let error = redact(caught, this.#secrets);
      if (error instanceof RateLimitError)
        this.limiter.onRateLimited(error.retryAfterMs ?? 1_000, spec.endpoint);
      if (error instanceof DailyLimitError && error.resetsAt === undefined) {
        const resetsAt = await this.limiter.onDailyLimit();
        error = new DailyLimitError(error.message, {
          endpoint: spec.endpoint,
          ...(spec.symbol ? { symbol: spec.symbol } : {}),
          resetsAt,
          cause: error.cause,
        });
      }
      this.events.emit('request:finish', {
        endpoint: spec.endpoint,
        symbol: spec.symbol,
        attempt,
        status,
        durationMs: clock.now() - t0,
        errorCode: isStockEtlError(error) ? error.code : 'UNKNOWN',
      });
      throw error;
    }
  }

  /** Turns an HTTP answer into data or a typed error (by body first: Alpha Vantage errors are 200s). */
  #interpret<T>(spec: CallSpec<T>, status: number, text: string): T {
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
        throw errorFromNotice({ key: notice.key, text: this.redactText(notice.text) }, ctx);
      }
    }
    if (status === 429) {
      throw new RateLimitError(`${spec.endpoint} answered HTTP 429`, {
        ...ctx,
        retryAfterMs: 1_000,
      });
    }
    if (status >= 400 || status < 200) {
      throw new UpstreamError(`${spec.endpoint} answered HTTP ${status}`, { ...ctx, status });
    }
    if (spec.csv && looksJson) throw formatError(ctx, 'JSON without data where CSV was expected');
    return spec.parse(text, body);
  }

  #url(spec: CallSpec<unknown>): string {
    const params = new URLSearchParams({ function: spec.endpoint });
    for (const [key, value] of Object.entries(spec.params))
      if (value !== undefined) params.set(key, value);
    params.set('apikey', this.o.apiKey);
    return `${this.o.queryUrl}?${params.toString()}`;
  }

  #finalError(error: unknown, spec: CallSpec<unknown>, attempts: number): unknown {
    const clean = redact(error, this.#secrets);
    if (clean instanceof UpstreamError && isRetryable(clean) && attempts > 1) {
      return new UpstreamError(`${clean.message} (gave up after ${attempts} attempts)`, {
        endpoint: spec.endpoint,
        ...(spec.symbol ? { symbol: spec.symbol } : {}),
        ...(clean.status !== undefined ? { status: clean.status } : {}),
        attempts,
        cause: clean,
      });
    }
    return clean;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Combines two optional signals; `dispose` detaches the listeners from long-lived ones. */
function linkSignals(
  a: AbortSignal | undefined,
  b: AbortSignal | undefined,
): { signal: AbortSignal | undefined; dispose: () => void } {
  if (!a || !b) return { signal: a ?? b, dispose: () => undefined };
  const controller = new AbortController();
  const fromA = () => controller.abort(a.reason);
  const fromB = () => controller.abort(b.reason);
  if (a.aborted) fromA();
  else if (b.aborted) fromB();
  a.addEventListener('abort', fromA, { once: true });
  b.addEventListener('abort', fromB, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      a.removeEventListener('abort', fromA);
      b.removeEventListener('abort', fromB);
    },
  };
}
