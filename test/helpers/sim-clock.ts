import type { Clock } from '../../src/clock';
import { AbortedError } from '../../src/errors/aborted-error';

interface Sleeper {
  at: number;
  seq: number;
  resolve: () => void;
}

interface Alarm {
  at: number;
  run: () => Promise<void> | void;
}

/**
 * Simulated time for one sequential actor (a streaming loop and the extractor it drives): a sleep
 * jumps the clock to its end as soon as the code settles, so a whole trading day runs in moments.
 * Sleeps ending after `runUntil`'s limit park until the limit moves. Alarms (`at`) run, awaited,
 * when time passes them — e.g. a second process spending from the same budget.
 */
export class SimClock implements Clock {
  #now: number;
  #seq = 0;
  #sleepers: Sleeper[] = [];
  #alarms: Alarm[] = [];
  #limit = Number.NEGATIVE_INFINITY;
  #pumping = false;
  #parked: (() => void) | undefined;

  constructor(start: Date | number) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.#now;
  }

  /** Sleeps pending (a stopped loop must leave none). */
  get pending(): number {
    return this.#sleepers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new AbortedError('The wait was aborted', { cause: signal.reason }));
        return;
      }
      const sleeper: Sleeper = {
        at: this.#now + Math.max(0, ms),
        seq: this.#seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(new AbortedError('The wait was aborted', { cause: signal?.reason }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.push(sleeper);
      this.#pump();
    });
  }

  /** Runs `fn` (awaited) when the clock passes `at`. */
  at(at: Date | number, fn: () => Promise<void> | void): void {
    this.#alarms.push({ at: typeof at === 'number' ? at : at.getTime(), run: fn });
    this.#alarms.sort((a, b) => a.at - b.at);
  }

  /** Lets time run until `end`; resolves once the actor sleeps past it (or nothing sleeps). */
  async runUntil(end: Date | number): Promise<void> {
    this.#limit = typeof end === 'number' ? end : end.getTime();
    const parked = new Promise<void>((resolve) => {
      this.#parked = resolve;
    });
    this.#pump();
    await parked;
  }

  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    void (async () => {
      try {
        for (;;) {
          await settle();
          this.#sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
          const next = this.#sleepers[0];
          if (!next || next.at > this.#limit) {
            if (next) this.#parked?.();
            return;
          }
          while (this.#alarms[0] && (this.#alarms[0].at ?? 0) <= next.at) {
            const alarm = this.#alarms.shift() as Alarm;
            this.#now = Math.max(this.#now, alarm.at);
            await alarm.run();
          }
          this.#sleepers.shift();
          this.#now = Math.max(this.#now, next.at);
          next.resolve();
        }
      } finally {
        this.#pumping = false;
      }
    })();
  }
}

/** Lets pending promise chains (database round trips, local HTTP) run before time jumps. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
}
