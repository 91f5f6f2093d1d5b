import type { Clock } from '../../src/clock';
import { SleepQueue } from './sleep-queue';

/**
 * Virtual time for code with several concurrent sleepers (a scheduler loop and the runs it
 * starts): `sleep` only registers a timer; `advanceTo` fires due timers in time order, letting
 * the awakened code run (and register new timers) before the next one fires.
 */
export class VirtualClock implements Clock {
  #now: number;
  #timers = new SleepQueue();

  constructor(start: Date | number) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.#timers.add(this.#now + Math.max(0, ms), signal);
  }

  /** Moves time forward to `target`, firing every timer due on the way, in order. */
  async advanceTo(target: Date | number): Promise<void> {
    const end = typeof target === 'number' ? target : target.getTime();
    await settle();
    for (;;) {
      const next = this.#timers.next();
      if (!next || next.at > end) break;
      this.#now = Math.max(this.#now, next.at);
      this.#timers.wake(next);
      await settle();
    }
    this.#now = Math.max(this.#now, end);
    await settle();
  }

  /** Moves time forward by `ms`. */
  advance(ms: number): Promise<void> {
    return this.advanceTo(this.#now + ms);
  }
}

/** Lets pending promise chains (and their follow-up timers) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}
