import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarketCalendar } from '../../../src/calendar';
import {
  chunk,
  dailyLimitResume,
  marketState,
  nextCycleDelay,
  nextNewYorkMidnight,
  rateLimitBackoff,
  rotate,
} from '../../../src/streaming/schedule';

const cal = new MarketCalendar();
const at = (iso: string) => Date.parse(iso);

describe('marketState', () => {
  it('is open in the regular session and reports the close', () => {
    // Tuesday 2024-03-12, 11:00 EDT.
    expect(marketState(cal, at('2024-03-12T15:00:00Z'), false)).toEqual({
      open: true,
      closesAt: new Date('2024-03-12T20:00:00Z'),
    });
  });

  it('opens exactly at 09:30 and closes exactly at 16:00 New York time', () => {
    expect(marketState(cal, at('2024-03-12T13:30:00Z'), false).open).toBe(true);
    expect(marketState(cal, at('2024-03-12T13:29:59.999Z'), false)).toEqual({
      open: false,
      nextOpen: new Date('2024-03-12T13:30:00Z'),
    });
    expect(marketState(cal, at('2024-03-12T20:00:00Z'), false)).toEqual({
      open: false,
      nextOpen: new Date('2024-03-13T13:30:00Z'),
    });
  });

  it('sleeps over the weekend until Monday’s open', () => {
    expect(marketState(cal, at('2024-03-15T21:00:00Z'), false)).toEqual({
      open: false,
      nextOpen: new Date('2024-03-18T13:30:00Z'),
    });
  });

  it('skips holidays (Good Friday 2024)', () => {
    expect(marketState(cal, at('2024-03-28T20:30:00Z'), false)).toEqual({
      open: false,
      nextOpen: new Date('2024-04-01T13:30:00Z'),
    });
  });

  it('with extended hours polls from 04:00 to 20:00 New York time', () => {
    // 05:00 EDT: pre-market.
    expect(marketState(cal, at('2024-03-12T09:00:00Z'), true)).toEqual({
      open: true,
      closesAt: new Date('2024-03-13T00:00:00Z'),
    });
    expect(marketState(cal, at('2024-03-12T09:00:00Z'), false)).toEqual({
      open: false,
      nextOpen: new Date('2024-03-12T13:30:00Z'),
    });
    // 20:30 EDT: after post-market; next pre-market is 04:00 EDT.
    expect(marketState(cal, at('2024-03-13T00:30:00Z'), true)).toEqual({
      open: false,
      nextOpen: new Date('2024-03-13T08:00:00Z'),
    });
  });

  it('honours early closes (day after Thanksgiving 2024)', () => {
    expect(marketState(cal, at('2024-11-29T17:00:00Z'), false)).toEqual({
      open: true,
      closesAt: new Date('2024-11-29T18:00:00Z'),
    });
    expect(marketState(cal, at('2024-11-29T18:30:00Z'), false).open).toBe(false);
    expect(marketState(cal, at('2024-11-29T19:00:00Z'), true)).toEqual({
      open: true,
      closesAt: new Date('2024-11-29T22:00:00Z'),
    });
  });

  it('honours closures added to the calendar', () => {
    const custom = new MarketCalendar({ closures: [{ date: '2024-03-12', reason: 'test' }] });
    expect(marketState(custom, at('2024-03-12T15:00:00Z'), false)).toEqual({
      open: false,
      nextOpen: new Date('2024-03-13T13:30:00Z'),
    });
  });
});

describe('nextCycleDelay', () => {
  it('waits for the rest of the interval measured from the cycle start', () => {
    expect(nextCycleDelay(1_000, 1_300, 1_000)).toBe(700);
  });

  it('starts the next cycle at once when the cycle overran the interval', () => {
    expect(nextCycleDelay(1_000, 2_000, 1_000)).toBe(0);
    expect(nextCycleDelay(1_000, 5_000, 1_000)).toBe(0);
  });
});

describe('rateLimitBackoff', () => {
  it('doubles from twice the interval', () => {
    expect(rateLimitBackoff(1, 1_000, 60_000)).toBe(2_000);
    expect(rateLimitBackoff(2, 1_000, 60_000)).toBe(4_000);
    expect(rateLimitBackoff(3, 1_000, 60_000)).toBe(8_000);
  });

  it('is capped at maxBackoffMs', () => {
    expect(rateLimitBackoff(10, 1_000, 60_000)).toBe(60_000);
  });

  it('never goes below the interval, even with a smaller cap', () => {
    expect(rateLimitBackoff(5, 120_000, 60_000)).toBe(120_000);
  });

  it('respects a longer retry-after hint and ignores a non-finite one', () => {
    expect(rateLimitBackoff(1, 1_000, 60_000, 30_000)).toBe(30_000);
    expect(rateLimitBackoff(1, 1_000, 60_000, 500)).toBe(2_000);
    expect(rateLimitBackoff(1, 1_000, 60_000, Number.NaN)).toBe(2_000);
  });

  it('treats strikes < 1 as the first strike and stays finite for huge counts', () => {
    expect(rateLimitBackoff(0, 1_000, 60_000)).toBe(2_000);
    expect(rateLimitBackoff(1e6, 1_000, 60_000)).toBe(60_000);
  });

  it('is non-decreasing in strikes and within [min(2·interval, cap), cap]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 3_600_000 }),
        fc.integer({ min: 1, max: 3_600_000 }),
        (strikes, interval, max) => {
          const a = rateLimitBackoff(strikes, interval, max);
          const b = rateLimitBackoff(strikes + 1, interval, max);
          const cap = Math.max(max, interval);
          expect(b).toBeGreaterThanOrEqual(a);
          expect(a).toBeLessThanOrEqual(cap);
          expect(a).toBeGreaterThanOrEqual(Math.min(2 * interval, cap));
        },
      ),
    );
  });
});

describe('nextNewYorkMidnight', () => {
  it('is the next 00:00 in New York (EDT and EST)', () => {
    expect(new Date(nextNewYorkMidnight(at('2024-03-12T15:00:00Z'))).toISOString()).toBe(
      '2024-03-13T04:00:00.000Z',
    );
    // 23:00 EDT on the 11th: midnight is one hour later.
    expect(new Date(nextNewYorkMidnight(at('2024-03-12T03:00:00Z'))).toISOString()).toBe(
      '2024-03-12T04:00:00.000Z',
    );
    expect(new Date(nextNewYorkMidnight(at('2024-01-15T12:00:00Z'))).toISOString()).toBe(
      '2024-01-16T05:00:00.000Z',
    );
  });

  it('crosses DST changes, month and year ends', () => {
    // Saturday before spring-forward: midnight of Sunday is still EST.
    expect(new Date(nextNewYorkMidnight(at('2024-03-09T12:00:00Z'))).toISOString()).toBe(
      '2024-03-10T05:00:00.000Z',
    );
    expect(new Date(nextNewYorkMidnight(at('2024-03-10T12:00:00Z'))).toISOString()).toBe(
      '2024-03-11T04:00:00.000Z',
    );
    expect(new Date(nextNewYorkMidnight(at('2024-02-29T12:00:00Z'))).toISOString()).toBe(
      '2024-03-01T05:00:00.000Z',
    );
    expect(new Date(nextNewYorkMidnight(at('2024-12-31T12:00:00Z'))).toISOString()).toBe(
      '2025-01-01T05:00:00.000Z',
    );
  });

  it('at exactly midnight returns the following midnight', () => {
    expect(new Date(nextNewYorkMidnight(at('2024-03-13T04:00:00Z'))).toISOString()).toBe(
      '2024-03-14T04:00:00.000Z',
    );
  });
});

describe('dailyLimitResume', () => {
  const now = at('2024-03-12T15:00:00Z');

  it('waits until a future resetsAt', () => {
    expect(dailyLimitResume(now, 60_000, new Date('2024-03-13T00:00:00Z'))).toBe(
      at('2024-03-13T00:00:00Z'),
    );
  });

  it('falls back to the next New York midnight without a usable resetsAt', () => {
    const midnight = at('2024-03-13T04:00:00Z');
    expect(dailyLimitResume(now, 60_000, undefined)).toBe(midnight);
    expect(dailyLimitResume(now, 60_000, new Date(Number.NaN))).toBe(midnight);
    expect(dailyLimitResume(now, 60_000, new Date(now - 1))).toBe(midnight);
    expect(dailyLimitResume(now, 60_000, new Date(now))).toBe(midnight);
  });

  it('never resumes sooner than one interval from now', () => {
    expect(dailyLimitResume(now, 60_000, new Date(now + 5))).toBe(now + 60_000);
  });
});

describe('rotate and chunk', () => {
  it('rotate starts at the index and wraps', () => {
    expect(rotate(['A', 'B', 'C'], 0)).toEqual(['A', 'B', 'C']);
    expect(rotate(['A', 'B', 'C'], 1)).toEqual(['B', 'C', 'A']);
    expect(rotate(['A', 'B', 'C'], 5)).toEqual(['C', 'A', 'B']);
    expect(rotate(['A', 'B', 'C'], -1)).toEqual(['C', 'A', 'B']);
    expect(rotate([], 3)).toEqual([]);
  });

  it('chunk splits into pieces of at most size, in order', () => {
    const items = Array.from({ length: 250 }, (_, i) => i);
    const parts = chunk(items, 100);
    expect(parts.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(parts.flat()).toEqual(items);
    expect(chunk([], 100)).toEqual([]);
  });
});
