import type { Clock } from '../../../src/clock';
import { AbortedError } from '../../../src/errors/aborted-error';

/**
 * A virtual-time clock: `sleep(ms)` advances `now` by `ms` and resolves at once, recording the
 * wait. `onSleep` lets a test act at the moment a wait starts (e.g. abort mid-backoff).
 */
export class FakeClock implements Clock {
  nowMs: number;
  readonly sleeps: number[] = [];
  onSleep: ((ms: number) => void) | undefined;

  constructor(start = Date.UTC(2025, 5, 2, 14, 0, 0)) {
    this.nowMs = start;
  }

  now(): number {
    return this.nowMs;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new AbortedError('The wait was aborted', { cause: signal.reason });
    this.sleeps.push(ms);
    this.onSleep?.(ms);
    if (signal?.aborted) throw new AbortedError('The wait was aborted', { cause: signal.reason });
    this.nowMs += Math.max(0, ms);
  }
}
