import { AbortedError } from '../errors/aborted-error';
import { errorCodeOf } from '../errors/stock-etl-error';
import { ValidationError } from '../errors/validation-error';
import { type Listener, TypedEmitter } from '../events';
import { Loader } from '../load/loader';
import { latestStoredQuotes, quoteSignature } from '../load/quotes';
import { ChangeTracker } from './change-tracker';
import type { CycleHost } from './cycle';
import { estimateDailyRequests } from './estimate';
import { type LoopHost, runLoop } from './loop';
import { type ResolvedStreamingOptions, resolveStreamingOptions } from './options';
import { Pacer } from './pacer';
import { Planner } from './planner';
import { QuoteFeed, type QuoteIteratorOptions } from './quote-feed';
import type { StreamingEvents, StreamingOptions, StreamingStats, StreamQuote } from './types';

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
 * The `strategy` option decides when cycles run and which symbols they ask for (`fixed`,
 * `budget`, `adaptive` or your own {@link StreamStrategy}). Quotes arrive as `quote` events and
 * through `for await (const quote of stream)`.
 *
 * @example
 * ```ts
 * const stream = new StreamingService({ db: pool, extractor, symbols: ['IBM', 'MSFT'], strategy: 'budget' });
 * stream.on('error', ({ code, symbol }) => console.warn(code, symbol));
 * await stream.start();
 * for await (const q of stream) console.log(q.symbol, q.price, q.changed); // ends on stop()
 * ```
 */
export class StreamingService {
  /** The schema quotes are written to. */
  readonly schema: string;
  readonly #opts: ResolvedStreamingOptions;
  readonly #events: TypedEmitter<StreamingEvents>;
  readonly #loopHost: LoopHost;
  readonly #tracker = new ChangeTracker();
  #symbols: string[];
  readonly #dropped: string[] = [];
  readonly #stats = { cycles: 0, quotes: 0, stored: 0, unchanged: 0, errors: 0, requests: 0 };
  #controller: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #starting: Promise<void> | undefined;
  #running = false;
  readonly #pacer: Pacer;
  readonly #planner: Planner;
  readonly #feed = new QuoteFeed();
  #mode: 'quote' | 'bulk';

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
    this.#mode = this.#opts.mode === 'quote' ? 'quote' : 'bulk';
    this.#planner = new Planner(this.#opts, () => this.#mode);
    const loader = new Loader({ db: this.#opts.db, schema: this.schema });
    const host: CycleHost = {
      opts: this.#opts,
      loader,
      tracker: this.#tracker,
      events: this.#events,
      symbols: () => this.#symbols,
      reportError: (error, symbol, fatal) => this.#reportError(error, symbol, fatal),
      dropSymbol: (symbol, error) => this.#dropSymbol(symbol, error),
      mode: () => this.#mode,
      bulkRefused: (error) => this.#bulkRefused(error),
      polled: (symbols, at) => this.#planner.polled(symbols, at),
      deliver: (quote) => this.#deliver(quote),
      drained: (signal) => this.#feed.drained(signal),
    };
    this.#loopHost = {
      cycle: host,
      pacer: this.#pacer,
      planner: this.#planner,
      stats: this.#stats,
      resumeWith: undefined,
    };
  }

  /** How quotes are fetched now: `auto` mode reads `bulk` until a premium refusal. */
  get mode(): 'quote' | 'bulk' {
    return this.#mode;
  }

  /** The name of the polling strategy. */
  get strategy(): string {
    return this.#planner.strategy.name;
  }

  /**
   * The quotes from now on, each after it was stored (or skipped as unchanged), in order. When the
   * consumer falls `highWaterMark` quotes behind, polling waits for it, so no quote is lost. Ends
   * after the service stops (the quotes already received are still handed out) or when `signal`
   * aborts; `break` ends it too. Iterating does not start the service.
   */
  quotes(options: QuoteIteratorOptions = {}): AsyncIterableIterator<StreamQuote> {
    return this.#feed.iterate(options);
  }

  /** `for await (const quote of stream)`: {@link StreamingService.quotes} with defaults. */
  [Symbol.asyncIterator](): AsyncIterableIterator<StreamQuote> {
    return this.quotes();
  }

  /**
   * How many requests the strategy will spend in a whole session (the next one, or the current one
   * from its start), with today's budget as the extractor reports it — an upper bound assuming
   * every quote changes. Simulated; sends no request.
   */
  async estimateDailyRequests(): Promise<number> {
    await this.#rememberedMode();
    const budget = (await this.#planner.context(this.#symbols, false)).budget;
    return estimateDailyRequests(this.#opts, this.#symbols, this.#mode, budget?.perDay ?? null);
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
      await this.#rememberedMode();
      const controller = new AbortController();
      this.#controller = controller;
      this.#running = true;
      this.#pacer.reset();
      this.#planner.newWindow();
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

  /** `auto` mode: a remembered premium refusal of bulk quotes means GLOBAL_QUOTE from the start. */
  async #rememberedMode(): Promise<void> {
    const { extractor, logger } = this.#opts;
    if (this.#mode !== 'bulk' || this.#opts.mode !== 'auto') return;
    if (typeof extractor.refusals !== 'function') return;
    try {
      const refused = (await extractor.refusals()).some(
        (r) => r.endpoint === 'REALTIME_BULK_QUOTES' && (r.parameter ?? null) === null,
      );
      if (refused) this.#mode = 'quote';
    } catch (error) {
      // The first bulk request finds out instead (a remembered refusal costs no request).
      logger.warn('streaming: could not read remembered refusals', { error: String(error) });
    }
  }

  /** Reads the newest stored quote of each symbol so `skipUnchanged` survives restarts. */
  async #seed(): Promise<void> {
    const { db, q } = this.#opts;
    for (const row of await latestStoredQuotes(db, q, this.#symbols)) {
      this.#tracker.seed(row.symbol, quoteSignature(row));
    }
  }

  async #run(signal: AbortSignal): Promise<void> {
    const stop = await runLoop(this.#loopHost, signal);
    this.#running = false;
    this.#opts.logger.info('streaming stopped', { reason: stop.reason });
    this.#events.emit('stop', stop);
    this.#feed.end();
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

  #deliver(quote: StreamQuote): void {
    this.#planner.observed(quote.symbol, quote.changed, this.#opts.clock.now());
    this.#events.emit('quote', quote);
    this.#feed.push(quote);
  }

  #bulkRefused(error: Error): void {
    if (this.#mode !== 'bulk') return;
    this.#mode = 'quote';
    this.#opts.logger.warn('streaming: bulk quotes refused as premium; using GLOBAL_QUOTE', {
      message: error.message,
    });
    this.#events.emit('mode:switch', { from: 'bulk', to: 'quote', error });
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
