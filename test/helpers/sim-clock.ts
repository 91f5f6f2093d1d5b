import type { Clock } from '../../src/clock';
import { SleepQueue } from './sleep-queue';

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
  #sleepers = new SleepQueue();
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
    return this.#sleepers.size;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const sleeping = this.#sleepers.add(this.#now + Math.max(0, ms), signal);
    if (!signal?.aborted) this.#pump();
    return sleeping;
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
          const next = this.#sleepers.next();
          if (!next || next.at > this.#limit) {
            if (next) this.#parked?.();
            return;
          }
          while (this.#alarms[0] && (this.#alarms[0].at ?? 0) <= next.at) {
            const alarm = this.#alarms.shift() as Alarm;
            this.#now = Math.max(this.#now, alarm.at);
            await alarm.run();
          }
          this.#now = Math.max(this.#now, next.at);
          this.#sleepers.wake(next);
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
