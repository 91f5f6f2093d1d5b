import { AbortedError } from '../../src/errors/aborted-error';

/** One pending sleep of a fake clock. */
export interface PendingSleep {
  /** When it ends, in epoch ms. */
  at: number;
  /** Call order, to wake sleeps ending at the same instant in the order they were asked. */
  seq: number;
  resolve: () => void;
}

/**
 * The pending sleeps of a fake clock, in wake-up order (time, then call order); an aborted sleep
 * rejects with `AbortedError` and leaves the queue. Shared by `VirtualClock` (the caller moves
 * time) and `SimClock` (time jumps as soon as the code settles): they differ only in when they
 * wake the next sleep.
 */
export class SleepQueue {
  #seq = 0;
  #sleeps: PendingSleep[] = [];

  /** How many sleeps are pending. */
  get size(): number {
    return this.#sleeps.length;
  }

  /** A sleep until `at`, rejected at once when `signal` is already aborted. */
  add(at: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new AbortedError('The wait was aborted', { cause: signal.reason }));
        return;
      }
      const sleep: PendingSleep = {
        at,
        seq: this.#seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#sleeps = this.#sleeps.filter((s) => s !== sleep);
        reject(new AbortedError('The wait was aborted', { cause: signal?.reason }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleeps.push(sleep);
    });
  }

  /** The sleep that ends first, left in the queue. */
  next(): PendingSleep | undefined {
    this.#sleeps.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return this.#sleeps[0];
  }

  /** Takes `sleep` out of the queue and lets its caller go on. */
  wake(sleep: PendingSleep): void {
    this.#sleeps = this.#sleeps.filter((s) => s !== sleep);
    sleep.resolve();
  }
}
