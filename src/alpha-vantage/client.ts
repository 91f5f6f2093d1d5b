import pRetry from 'p-retry';
import {
  type ApiError,
  DailyLimitError,
  PremiumEndpointError,
  RateLimitError,
  UnrecognizedNoticeError,
  UpstreamError,
} from '../errors/api-errors';
import { isStockEtlError } from '../errors/stock-etl-error';
import { TypedEmitter } from '../events';
import { type BudgetScope, hashApiKey, type KnownRefusal } from './budget-store';
import { statementOf } from './classify';
import { Entitlements } from './entitlements';
import type { ExtractorEvents } from './extractor-events';
import { isRetryable, sendOnce, wasDelivered } from './http';
import { type AnswerSpec, interpretAnswer } from './interpret';
import type { ResolvedOptions } from './options';
import type { MalformedRowsMode } from './parse/series';
import { noticeOf, premiumError } from './premium';
import { RateLimiter } from './rate-limiter';
import { redact, redactText } from './redact';
import { linkSignals } from './signals';

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
export interface CallSpec<T> extends AnswerSpec<T> {
  params: Record<string, string | undefined>;
}

/** An unrecognised notice may be a new rate-limit wording: worth one retry, never more. */
const UNKNOWN_NOTICE_RETRIES = 1;

/**
 * The request engine behind `AlphaVantageExtractor`: remembered premium refusals, rate limiting,
 * one attempt's HTTP exchange, body classification, retries (p-retry, with the backoff slept on
 * the injected clock so tests can drive it), events, logging and key redaction. @internal
 */
export class AlphaVantageClient {
  readonly o: ResolvedOptions;
  readonly events: TypedEmitter<ExtractorEvents>;
  readonly limiter: RateLimiter;
  readonly entitlements: Entitlements;
  /** The key (by hash) and service this client's budget and refusals belong to. */
  readonly scope: BudgetScope;
  readonly #secrets: readonly string[];

  constructor(o: ResolvedOptions) {
    this.o = o;
    this.#secrets = [o.apiKey];
    this.scope = { keyHash: hashApiKey(o.apiKey), origin: o.origin };
    this.events = new TypedEmitter<ExtractorEvents>((error, event) =>
      o.logger.warn('alpha-vantage event listener threw', {
        event: String(event),
        error: this.redactText(error instanceof Error ? error.message : String(error)),
      }),
    );
    const onStoreError = (what: string, error: unknown) =>
      o.logger.warn(`alpha-vantage budget store: could not ${what}`, {
        error: this.redactText(error instanceof Error ? error.message : String(error)),
      });
    this.limiter = new RateLimiter({
      limits: o.limits,
      clock: o.clock,
      store: o.budgetStore,
      shared: o.sharedRateLimit,
      scope: this.scope,
      zone: o.budgetTimeZone,
      onWait: (waitMs, budget, endpoint) => {
        this.events.emit('rate:wait', { endpoint, waitMs, budget });
        o.logger.debug('alpha-vantage rate wait', { endpoint, waitMs, budget });
      },
      onLimited: (info, endpoint) => {
        this.events.emit('rate:limited', { endpoint, ...info });
        o.logger.warn('alpha-vantage rate limited by the server; slowing down', info);
      },
      onStoreError,
    });
    this.entitlements = new Entitlements({
      store: o.budgetStore,
      scope: this.scope,
      plan: o.plan,
      clock: o.clock,
      ttlMs: o.entitlementTtlMs,
      onStoreError,
    });
  }

  /** Removes the key from a string. */
  redactText(text: string): string {
    return redactText(text, this.#secrets);
  }

  /**
   * Runs one endpoint call: a refusal remembered for this key fails at once (no request);
   * otherwise limiter, retries and classification.
   */
  async call<T>(spec: CallSpec<T>, options: CallOptions = {}): Promise<T> {
    const { clock, logger, retry } = this.o;
    const known = await this.entitlements.find(spec.endpoint, spec.params);
    if (known) throw this.#skip(spec, known);
    const linked = linkSignals(this.o.signal, options.signal);
    const started = clock.now();
    let attempts = 0;
    let unknownNotices = 0;
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
            const unknown = error instanceof UnrecognizedNoticeError;
            if (unknown && ++unknownNotices > UNKNOWN_NOTICE_RETRIES) return false;
            if (!unknown && !isRetryable(error)) return false;
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
    // A call queued behind one that was just refused must not ask again: check once more, now.
    const known = this.entitlements.findInMemory(spec.endpoint, spec.params);
    if (known) {
      await release({ delivered: false });
      throw this.#skip(spec, known);
    }
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
    // The service counted the request when it arrived: its window is measured from the headers,
    // not from the end of a large body. The queue is woken only once the answer is understood
    // (a refusal remembered, a daily-limit marked), so a request queued behind it sees that.
    let headersAt: number | undefined;
    let released: Promise<void> | undefined;
    const done = (delivered = true) => {
      released ??= release({ delivered, ...(headersAt === undefined ? {} : { at: headersAt }) });
      return released;
    };
    try {
      const answer = await sendOnce(url, {
        fetch: this.o.fetch,
        timeoutMs: this.o.timeoutMs,
        signal,
        endpoint: spec.endpoint,
        symbol: spec.symbol,
        onResponse: () => {
          headersAt ??= clock.now();
        },
      }).catch(async (error: unknown) => {
        // Only an attempt that never reached the service gives its budget unit back.
        await done(wasDelivered(error));
        throw error;
      });
      status = answer.status;
      const result = interpretAnswer(spec, answer.status, answer.text, (t) => this.redactText(t));
      await done();
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
      try {
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
        if (error instanceof PremiumEndpointError) {
          // Remembered before anyone hears of it, so the next call (or process) skips it.
          const notice = noticeOf(error);
          await this.entitlements.remember(
            spec.endpoint,
            error.parameter ?? null,
            notice === undefined ? null : statementOf(notice).slice(0, 300),
          );
          this.#emitPremium(spec, error);
        }
      } finally {
        await done();
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

  /** The error for a request not sent because the key was already refused it. */
  #skip(spec: CallSpec<unknown>, known: KnownRefusal): PremiumEndpointError {
    const error = premiumError({
      endpoint: spec.endpoint,
      ...(spec.symbol ? { symbol: spec.symbol } : {}),
      ...(known.parameter ? { parameter: known.parameter } : {}),
      remembered: { refusedAt: known.refusedAt, expiresAt: this.entitlements.expiresAt(known) },
    });
    this.#emitPremium(spec, error);
    this.o.logger.info('alpha-vantage request skipped: known premium refusal', {
      endpoint: spec.endpoint,
      symbol: spec.symbol,
      parameter: known.parameter ? `${known.parameter.name}=${known.parameter.value}` : null,
    });
    return error;
  }

  #emitPremium(spec: CallSpec<unknown>, error: PremiumEndpointError): void {
    this.events.emit('premium:refused', {
      endpoint: spec.endpoint,
      symbol: spec.symbol,
      scope: error.scope,
      parameter: error.parameter,
      remembered: error.remembered,
    });
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
    const where = {
      endpoint: spec.endpoint,
      ...(spec.symbol ? { symbol: spec.symbol } : {}),
    };
    if (clean instanceof UpstreamError && isRetryable(clean) && attempts > 1) {
      return new UpstreamError(`${clean.message} (gave up after ${attempts} attempts)`, {
        ...where,
        ...(clean.status !== undefined ? { status: clean.status } : {}),
        attempts,
        cause: clean,
      });
    }
    if (clean instanceof UnrecognizedNoticeError && attempts > 1) {
      return new UnrecognizedNoticeError(
        `${clean.message} (asked ${attempts} times; not retried further)`,
        { ...where, notice: clean.notice },
      );
    }
    return clean;
  }
}
