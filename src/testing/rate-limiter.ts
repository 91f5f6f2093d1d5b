import type { FakeRateLimit } from './types';

/** Which allowance a refused request ran into. */
export type LimitHit = 'second' | 'minute' | 'day';

/** Accepted-request timestamps of one sliding window, oldest first. */
class SlidingWindow {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly spanMs: number) {}

  /** Requests accepted in `(now - span + leeway, now]`. */
  count(now: number, leewayMs: number): number {
    const edge = now - this.spanMs + leewayMs;
    while (this.head < this.times.length && this.times[this.head]! <= edge) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  add(now: number): void {
    this.times.push(now);
  }
}

interface KeyWindows {
  second: SlidingWindow;
  minute: SlidingWindow;
  day: SlidingWindow;
}

/**
 * Exact sliding-window limits per key. Only accepted requests count: a refused request does not
 * use up allowance, so a client that backs off is served as soon as the window slides. Memory is
 * bounded by the limits themselves (a window never holds more than its limit).
 */
export class RateLimiter {
  private readonly keys = new Map<string, KeyWindows>();

  constructor(private readonly leewayMs: number) {}

  /** Admits the request (and records it) or names the limit it hits. */
  admit(keyId: string, limits: FakeRateLimit, now: number): LimitHit | null {
    const { perSecond, perMinute, perDay } = limits;
    if (perSecond === undefined && perMinute === undefined && perDay === undefined) return null;
    let w = this.keys.get(keyId);
    if (!w) {
      w = {
        second: new SlidingWindow(1000),
        minute: new SlidingWindow(60_000),
        day: new SlidingWindow(86_400_000),
      };
      this.keys.set(keyId, w);
    }
    // The daily quota is the most consequential refusal, so it is reported first.
    if (perDay !== undefined && w.day.count(now, 0) >= perDay) return 'day';
    if (perMinute !== undefined && w.minute.count(now, this.leewayMs) >= perMinute) return 'minute';
    if (perSecond !== undefined && w.second.count(now, this.leewayMs) >= perSecond) return 'second';
    if (perDay !== undefined) w.day.add(now);
    if (perMinute !== undefined) w.minute.add(now);
    if (perSecond !== undefined) w.second.add(now);
    return null;
  }

  /** Forgets every window. */
  reset(): void {
    this.keys.clear();
  }
}
