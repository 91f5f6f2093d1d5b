import { AbortedError } from '../errors/aborted-error';
import { errorCodeOf } from '../errors/stock-etl-error';
import { ValidationError } from '../errors/validation-error';
import { type Listener, TypedEmitter } from '../events';
import { Loader } from '../load/loader';
import { ChangeTracker, quoteSignature } from './change-tracker';
import { type CycleHost, type CycleOutcome, runCycle } from './cycle';
import { type ResolvedStreamingOptions, resolveStreamingOptions } from './options';
import { Pacer } from './pacer';
import { MAX_SLEEP_SLICE_MS } from './schedule';
import type { StopReason, StreamingEvents, StreamingOptions, StreamingStats } from './types';

/**
 * Polls quotes for a set of symbols in near real time and stores them in `stock_quotes`.
 *
 * Each cycle asks for every symbol (the extractor's rate limiter paces the requests), stores each
 * quote as it arrives (`observed_at` = the clock time of the response), emits events, then sleeps
 * until `intervalMs` after the cycle started. With `marketHoursOnly` (the default) it polls only
 * while the market is open and otherwise sleeps until the next open.
 *
 * Failures never end the loop except: every symbol dropped as unknown, an invalid API key, or a
 * plan without the endpoint. Rate limits pause with doubling waits; a spent daily quota pauses
 * until it resets. `stop()` aborts the in-flight request and leaves no timer behind.
 *
 * `start()` while running (or starting) is a no-op; after `stop()` the service can start again.
 * Counters and the last stored quotes persist across restarts.
 *
 * @example
 * ```ts
 * const stream = new StreamingService({ db: pool, extractor, symbols: ['IBM', 'MSFT'] });
 * stream.on('quote', (q) => console.log(q.symbol, q.price, q.changed));
 * stream.on('error', ({ code, symbol }) => console.warn(code, symbol));
 * await stream.start();
 * // …
 * await stream.stop();
 * ```
 */
export class StreamingService {
  /** The schema quotes are written to. */
  readonly schema: string;
  readonly #opts: ResolvedStreamingOptions;
  readonly #events: TypedEmitter<StreamingEvents>;
  readonly #host: CycleHost;
  readonly #tracker = new ChangeTracker();
  #symbols: string[];
  readonly #dropped: string[] = [];
  readonly #stats = { cycles: 0, quotes: 0, stored: 0, unchanged: 0, errors: 0, requests: 0 };
  #controller: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #starting: Promise<void> | undefined;
  #running = false;
  readonly #pacer: Pacer;
  #resumeWith: string | undefined;

  /**
   * @param options - see {@link StreamingOptions}
   * @throws {@link ValidationError} for a bad option (symbols, interval, schema, mode, …)
   */
  constructor(options: StreamingOptions) {
    this.#opts = resolveStreamingOptions(options);
    this.schema = this.#opts.schema;
    this.#symbols = [...this.#opts.symbols];
    const { logger } = this.#opts;
    this.#events = new TypedEmitter<StreamingEvents>((error, event) =>
      logger.error('streaming event listener threw', {
        event: String(event),
        error: String(error),
      }),
    );
    this.#pacer = new Pacer(this.#opts, this.#events);
    const loader = new Loader({ db: this.#opts.db, schema: this.schema });
    this.#host = {
      opts: this.#opts,
      loader,
      tracker: this.#tracker,
      events: this.#events,
      symbols: () => this.#symbols,
      reportError: (error, symbol, fatal) => this.#reportError(error, symbol, fatal),
      dropSymbol: (symbol, error) => this.#dropSymbol(symbol, error),
    };
  }

  /** Symbols still in the rotation (unknown ones are dropped). */
  get symbols(): string[] {
    return [...this.#symbols];
  }

  /** True between `start()` and the end of the loop. */
  get running(): boolean {
    return this.#running;
  }

  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends keyof StreamingEvents>(
    event: K,
    listener: Listener<StreamingEvents, K>,
  ): () => void {
    return this.#events.on(event, listener);
  }

  /** Subscribes for one occurrence; returns a function that unsubscribes. */
  once<K extends keyof StreamingEvents>(
    event: K,
    listener: Listener<StreamingEvents, K>,
  ): () => void {
    return this.#events.once(event, listener);
  }

  /** Removes a listener added with {@link StreamingService.on}. */
  off<K extends keyof StreamingEvents>(event: K, listener: Listener<StreamingEvents, K>): void {
    this.#events.off(event, listener);
  }

  /** Counters (accumulated across restarts) and the current state. */
  stats(): StreamingStats {
    const sleeping = this.#pacer.sleepingUntil;
    return {
      ...this.#stats,
      running: this.#running,
      symbols: [...this.#symbols],
      dropped: [...this.#dropped],
      sleepingUntil: sleeping === null ? null : new Date(sleeping),
    };
  }

  /**
   * Starts polling and resolves once the loop runs. Reads the last stored quote of each symbol
   * first (for `skipUnchanged`), so a missing schema or an unreachable database rejects here.
   * A no-op while already running; waits for a pending `stop()` first.
   * @throws {@link ValidationError} when every symbol has been dropped
   */
  async start(): Promise<void> {
    if (this.#starting) return this.#starting;
    // Running and not winding down after stop(): nothing to do.
    if (this.#running && !this.#controller?.signal.aborted) return;
    if (this.#symbols.length === 0) {
      throw new ValidationError('Every symbol was dropped as unknown; nothing to stream', {
        field: 'options.symbols',
      });
    }
    this.#starting = (async () => {
      await this.#loop; // a loop still winding down after stop()
      await this.#seed();
      const controller = new AbortController();
      this.#controller = controller;
      this.#running = true;
      this.#pacer.reset();
      this.#loop = this.#run(controller.signal);
    })();
    try {
      await this.#starting;
    } finally {
      this.#starting = undefined;
    }
  }

  /**
   * Stops polling: aborts the in-flight request or sleep, waits for the current cycle to wind
   * down (a store already under way completes), then resolves. Safe to call at any time.
   */
  async stop(): Promise<void> {
    if (this.#starting) await this.#starting.catch(() => {});
    this.#controller?.abort(new AbortedError('The streaming service was stopped'));
    await this.#loop;
  }

  /** Reads the newest stored quote of each symbol so `skipUnchanged` survives restarts. */
  async #seed(): Promise<void> {
    const { db, q } = this.#opts;
    const { rows } = await db.query<{
      symbol: string;
      day: string;
      price: string;
      volume: string | null;
    }>(
      `SELECT DISTINCT ON (symbol) symbol, latest_trading_day::text AS day, price::text AS price,
              volume::text AS volume
         FROM ${q}.stock_quotes WHERE symbol = ANY($1::text[])
        ORDER BY symbol, observed_at DESC`,
      [this.#symbols],
    );
    for (const r of rows) {
      this.#tracker.seed(
        r.symbol,
        quoteSignature({ price: r.price, volume: r.volume, latestTradingDay: r.day }),
      );
    }
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { clock, logger } = this.#opts;
    let reason: StopReason = 'requested';
    let stopError: Error | undefined;
    try {
      while (!signal.aborted) {
        const gate = this.#pacer.gate(clock.now());
        if (gate.action === 'sleep') {
          // One slice at a time, then the calendar is consulted again (see MAX_SLEEP_SLICE_MS).
          const wake = Math.min(gate.until, clock.now() + MAX_SLEEP_SLICE_MS);
          if (!(await this.#pacer.sleepUntil(wake, gate.until, signal))) break;
          continue;
        }
        const cycleStart = clock.now();
        const outcome = await this.#cycle(signal);
        if (outcome.aborted) break;
        if (outcome.fatal) {
          reason = 'fatal';
          stopError = outcome.fatal;
          break;
        }
        if (this.#symbols.length === 0) {
          reason = 'no-symbols';
          stopError = new ValidationError('Every symbol was dropped as unknown; stopping', {
            field: 'options.symbols',
          });
          this.#reportError(stopError, undefined, true);
          break;
        }
        const wakeAt = this.#pacer.nextWake(cycleStart, outcome);
        if (!(await this.#pacer.sleepUntil(wakeAt, wakeAt, signal))) break;
      }
    } catch (error) {
      // Only a bug or a broken calendar/clock gets here; stopping beats a tight failure loop.
      reason = 'fatal';
      stopError = error instanceof Error ? error : new Error(String(error));
      this.#reportError(stopError, undefined, true);
    } finally {
      this.#running = false;
      logger.info('streaming stopped', { reason });
      this.#events.emit('stop', stopError ? { reason, error: stopError } : { reason });
    }
  }

  async #cycle(signal: AbortSignal): Promise<CycleOutcome> {
    const { clock } = this.#opts;
    const cycle = ++this.#stats.cycles;
    const started = clock.now();
    this.#events.emit('poll:start', {
      cycle,
      symbols: [...this.#symbols],
      at: new Date(started),
    });
    const outcome = await runCycle(this.#host, signal, this.#resumeWith);
    this.#resumeWith = outcome.resumeWith;
    const s = this.#stats;
    s.quotes += outcome.quotes;
    s.stored += outcome.stored;
    s.unchanged += outcome.unchanged;
    s.requests += outcome.requests;
    this.#events.emit('poll:finish', {
      cycle,
      quotes: outcome.quotes,
      stored: outcome.stored,
      unchanged: outcome.unchanged,
      errors: outcome.errors,
      requests: outcome.requests,
      durationMs: Math.max(0, clock.now() - started),
      aborted: outcome.aborted,
    });
    return outcome;
  }

  #reportError(error: unknown, symbol: string | undefined, fatal: boolean): void {
    const err = error instanceof Error ? error : new Error(String(error));
    const code = errorCodeOf(err);
    this.#stats.errors++;
    const log = fatal ? this.#opts.logger.error : this.#opts.logger.warn;
    log.call(this.#opts.logger, 'streaming error', { code, symbol, message: err.message, fatal });
    this.#events.emit(
      'error',
      symbol === undefined ? { error: err, code, fatal } : { error: err, code, symbol, fatal },
    );
  }

  #dropSymbol(symbol: string, error: Error): void {
    const i = this.#symbols.indexOf(symbol);
    if (i < 0) return;
    this.#symbols.splice(i, 1);
    this.#dropped.push(symbol);
    this.#opts.logger.warn('streaming: dropped unknown symbol', { symbol });
    this.#events.emit('symbol:dropped', { symbol, error, remaining: [...this.#symbols] });
  }
}
