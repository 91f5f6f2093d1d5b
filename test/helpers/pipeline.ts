/** Shared wiring for pipeline tests: a fake Alpha Vantage server with a movable "now". */
import { AlphaVantageExtractor } from '../../src/alpha-vantage/extractor';
import type { Clock } from '../../src/clock';
import type { FakeAlphaVantage } from '../../src/testing';
import { startFakeAlphaVantage } from '../../src/testing';

/** A clock whose `now` the test sets; `sleep` resolves at once (no waiting in tests). */
export class TestClock implements Clock {
  constructor(public ms: number) {}
  /** Sets the time. */
  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
  now(): number {
    return this.ms;
  }
  async sleep(): Promise<void> {}
}

/** A fake server whose market "now" follows `clock`. */
export async function fakeServerFor(clock: TestClock): Promise<FakeAlphaVantage> {
  return startFakeAlphaVantage({ now: () => new Date(clock.ms) });
}

/** An extractor against `server` with no rate-limit waits and fast retries. */
export function extractorFor(
  server: FakeAlphaVantage,
  apiKey = 'TESTKEY-0123456789',
): AlphaVantageExtractor {
  return new AlphaVantageExtractor({
    apiKey,
    baseUrl: server.url,
    plan: 'premium-1200',
    rateLimit: { perSecond: null, perMinute: null, perDay: null },
    retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 },
    malformedRows: 'report',
  });
}
