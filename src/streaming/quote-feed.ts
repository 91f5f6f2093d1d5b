import type { StreamQuote } from './types';

/** Options of {@link StreamingService.quotes}. */
export interface QuoteIteratorOptions {
  /**
   * Quotes an iterator may hold before polling waits for the consumer (back-pressure: the service
   * fetches nothing more until the consumer catches up; nothing is dropped).
   * @default 1000
   */
  highWaterMark?: number;
  /** Ends the iteration (without stopping the service) when aborted. */
  signal?: AbortSignal;
}

interface Subscriber {
  buffer: StreamQuote[];
  highWaterMark: number;
  wake: (() => void) | undefined;
  ended: boolean;
}

/**
 * Fans quotes out to async iterators, each with its own buffer, and tells the cycle when every
 * buffer has room again. Quotes reach an iterator after they were stored. @internal
 */
export class QuoteFeed {
  readonly #subs = new Set<Subscriber>();
  #roomWaiters: (() => void)[] = [];

  /** Hands `quote` to every iterator. */
  push(quote: StreamQuote): void {
    for (const sub of this.#subs) {
      sub.buffer.push(quote);
      sub.wake?.();
    }
  }

  /** Resolves once every iterator holds fewer quotes than its high-water mark, or on abort. */
  async drained(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && this.#full()) {
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener('abort', done);
          resolve();
        };
        this.#roomWaiters.push(done);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** The service stopped: iterators end after handing out what they hold. */
  end(): void {
    for (const sub of this.#subs) {
      sub.ended = true;
      sub.wake?.();
    }
    this.#subs.clear();
  }

  /** A new iterator over the quotes from now on. */
  iterate(options: QuoteIteratorOptions = {}): AsyncIterableIterator<StreamQuote> {
    const hwm = options.highWaterMark ?? 1000;
    const sub: Subscriber = {
      buffer: [],
      highWaterMark: Number.isFinite(hwm) && hwm >= 1 ? hwm : 1000,
      wake: undefined,
      ended: false,
    };
    this.#subs.add(sub);
    const { signal } = options;
    const finish = () => {
      sub.ended = true;
      this.#subs.delete(sub);
      sub.wake?.();
      this.#room();
    };
    if (signal?.aborted) finish();
    else signal?.addEventListener('abort', finish, { once: true });
    const iterator: AsyncIterableIterator<StreamQuote> = {
      next: async () => {
        for (;;) {
          const quote = sub.buffer.shift();
          if (quote !== undefined) {
            this.#room();
            return { value: quote, done: false };
          }
          if (sub.ended) {
            signal?.removeEventListener('abort', finish);
            return { value: undefined, done: true };
          }
          await new Promise<void>((resolve) => {
            sub.wake = resolve;
          });
          sub.wake = undefined;
        }
      },
      return: async () => {
        sub.buffer.length = 0;
        finish();
        signal?.removeEventListener('abort', finish);
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  #full(): boolean {
    for (const sub of this.#subs) if (sub.buffer.length >= sub.highWaterMark) return true;
    return false;
  }

  #room(): void {
    if (this.#full()) return;
    const waiters = this.#roomWaiters;
    this.#roomWaiters = [];
    for (const w of waiters) w();
  }
}
