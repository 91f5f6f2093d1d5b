import { describe, expect, it } from 'vitest';
import { MarketCalendar } from '../../../src/calendar';
import type { Clock } from '../../../src/clock';
import { AbortedError } from '../../../src/errors/aborted-error';
import { DailyLimitError, RateLimitError } from '../../../src/errors/api-errors';
import { TypedEmitter } from '../../../src/events';
import type { CycleOutcome } from '../../../src/streaming/cycle';
import { resolveStreamingOptions } from '../../../src/streaming/options';
import { Pacer } from '../../../src/streaming/pacer';
import { MAX_SLEEP_SLICE_MS } from '../../../src/streaming/schedule';
import type { StreamingEvents, StreamingOptions } from '../../../src/streaming/types';

/** A virtual clock: sleep advances time at once and records each slice. */
function virtualClock(iso: string) {
  let now = Date.parse(iso);
  const sleeps: number[] = [];
  const clock: Clock & { sleeps: number[]; set(iso: string): void } = {
    sleeps,
    now: () => now,
    set: (t) => {
      now = Date.parse(t);
    },
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new AbortedError();
      sleeps.push(ms);
      now += ms;
    },
  };
  return clock;
}

function setup(iso: string, over: Partial<StreamingOptions> = {}) {
  const clock = virtualClock(iso);
  const opts = resolveStreamingOptions({
    db: { query: async () => ({ rows: [], rowCount: 0 }) },
    extractor: { quote: async () => ({}) as never },
    symbols: ['IBM'],
    intervalMs: 60_000,
    clock,
    calendar: new MarketCalendar(),
    ...over,
  } as StreamingOptions);
  const events = new TypedEmitter<StreamingEvents>();
  const seen: { event: string; payload: unknown }[] = [];
  for (const e of ['market:open', 'market:closed', 'pause'] as const) {
    events.on(e, (payload) => seen.push({ event: e, payload }));
  }
  return { clock, pacer: new Pacer(opts, events), seen };
}

const ok: CycleOutcome = {
  quotes: 1,
  stored: 1,
  unchanged: 0,
  errors: 0,
  requests: 1,
  aborted: false,
};

describe('Pacer.gate', () => {
  it('polls while open and announces the open once', () => {
    const { pacer, seen, clock } = setup('2024-03-12T15:00:00Z');
    expect(pacer.gate(clock.now())).toEqual({ action: 'poll' });
    expect(pacer.gate(clock.now() + 60_000)).toEqual({ action: 'poll' });
    expect(seen).toEqual([
      {
        event: 'market:open',
        payload: {
          at: new Date('2024-03-12T15:00:00Z'),
          closesAt: new Date('2024-03-12T20:00:00Z'),
        },
      },
    ]);
  });

  it('when closed sleeps until the next open and announces it once per closure', () => {
    const { pacer, seen } = setup('2024-03-16T15:00:00Z');
    const monday = Date.parse('2024-03-18T13:30:00Z');
    expect(pacer.gate(Date.parse('2024-03-16T15:00:00Z'))).toEqual({
      action: 'sleep',
      until: monday,
    });
    expect(pacer.gate(Date.parse('2024-03-17T15:00:00Z'))).toEqual({
      action: 'sleep',
      until: monday,
    });
    expect(seen.map((s) => s.event)).toEqual(['market:closed']);
    // After the session, a new closure is announced again.
    pacer.gate(Date.parse('2024-03-18T15:00:00Z'));
    pacer.gate(Date.parse('2024-03-18T21:00:00Z')); // the closing cycle
    expect(pacer.gate(Date.parse('2024-03-18T21:01:00Z'))).toEqual({
      action: 'sleep',
      until: Date.parse('2024-03-19T13:30:00Z'),
    });
    expect(seen.map((s) => s.event)).toEqual(['market:closed', 'market:open', 'market:closed']);
  });

  it('grants exactly one closing cycle after a polled session, unless pollAtClose is off', () => {
    for (const pollAtClose of [true, false]) {
      const { pacer } = setup('2024-03-12T19:59:00Z', { pollAtClose });
      expect(pacer.gate(Date.parse('2024-03-12T19:59:00Z')).action).toBe('poll');
      expect(pacer.gate(Date.parse('2024-03-12T20:00:30Z')).action).toBe(
        pollAtClose ? 'poll' : 'sleep',
      );
      expect(pacer.gate(Date.parse('2024-03-12T20:01:30Z')).action).toBe('sleep');
    }
  });

  it('no closing cycle when the service started after the close; reset() re-announces', () => {
    const { pacer, seen } = setup('2024-03-12T20:30:00Z');
    expect(pacer.gate(Date.parse('2024-03-12T20:30:00Z')).action).toBe('sleep');
    pacer.reset();
    pacer.gate(Date.parse('2024-03-12T20:31:00Z'));
    expect(seen.map((s) => s.event)).toEqual(['market:closed', 'market:closed']);
  });

  it('uses extended hours when asked, and always polls with marketHoursOnly off', () => {
    const ext = setup('2024-03-12T09:00:00Z', { extendedHours: true });
    expect(ext.pacer.gate(Date.parse('2024-03-12T09:00:00Z'))).toEqual({ action: 'poll' });
    const always = setup('2024-03-16T15:00:00Z', { marketHoursOnly: false });
    expect(always.pacer.gate(Date.parse('2024-03-16T15:00:00Z'))).toEqual({ action: 'poll' });
    expect(always.seen).toEqual([]);
  });
});

describe('Pacer.nextWake', () => {
  it('waits one interval from the cycle start after a normal cycle', () => {
    const { pacer, clock, seen } = setup('2024-03-12T15:00:00Z');
    const start = clock.now();
    clock.set('2024-03-12T15:00:10Z');
    expect(pacer.nextWake(start, ok)).toBe(start + 60_000);
    expect(seen).toEqual([]);
  });

  it('doubles the rate-limit wait per strike, capped, and resets after a good cycle', () => {
    const { pacer, clock, seen } = setup('2024-03-12T15:00:00Z', { maxBackoffMs: 300_000 });
    const limited = { ...ok, rateLimited: new RateLimitError('slow') };
    const delays = [1, 2, 3, 4].map(() => pacer.nextWake(clock.now(), limited) - clock.now());
    expect(delays).toEqual([120_000, 240_000, 300_000, 300_000]);
    pacer.nextWake(clock.now(), ok);
    expect(pacer.nextWake(clock.now(), limited) - clock.now()).toBe(120_000);
    expect(seen.every((s) => s.event === 'pause')).toBe(true);
    expect(seen[0]?.payload).toEqual({
      reason: 'rate-limit',
      until: new Date(clock.now() + 120_000),
      delayMs: 120_000,
    });
  });

  it('honours a longer retryAfterMs', () => {
    const { pacer, clock } = setup('2024-03-12T15:00:00Z');
    const limited = { ...ok, rateLimited: new RateLimitError('slow', { retryAfterMs: 500_000 }) };
    expect(pacer.nextWake(clock.now(), limited) - clock.now()).toBe(500_000);
  });

  it('pauses until resetsAt (or New York midnight) after a daily limit', () => {
    const { pacer, clock, seen } = setup('2024-03-12T15:00:00Z');
    const resetsAt = new Date('2024-03-12T18:00:00Z');
    const spent = { ...ok, dailyLimit: new DailyLimitError('spent', { resetsAt }) };
    expect(pacer.nextWake(clock.now(), spent)).toBe(resetsAt.getTime());
    const unknown = { ...ok, dailyLimit: new DailyLimitError('spent') };
    expect(new Date(pacer.nextWake(clock.now(), unknown)).toISOString()).toBe(
      '2024-03-13T04:00:00.000Z',
    );
    expect(seen.map((s) => (s.payload as { reason: string }).reason)).toEqual([
      'daily-limit',
      'daily-limit',
    ]);
  });

  it('a daily-limit pause cancels the closing cycle', () => {
    const { pacer, clock } = setup('2024-03-12T19:59:00Z');
    pacer.gate(clock.now());
    pacer.nextWake(clock.now(), { ...ok, dailyLimit: new DailyLimitError('spent') });
    expect(pacer.gate(Date.parse('2024-03-13T04:00:00Z')).action).toBe('sleep');
  });
});

describe('Pacer.sleepUntil', () => {
  it('sleeps in slices no longer than MAX_SLEEP_SLICE_MS and reports sleepingUntil', async () => {
    const { pacer, clock } = setup('2024-03-16T15:00:00Z');
    const target = clock.now() + 2 * MAX_SLEEP_SLICE_MS + 1234;
    const done = pacer.sleepUntil(target, target, new AbortController().signal);
    expect(pacer.sleepingUntil).toBe(target);
    await expect(done).resolves.toBe(true);
    expect(clock.sleeps).toEqual([MAX_SLEEP_SLICE_MS, MAX_SLEEP_SLICE_MS, 1234]);
    expect(clock.now()).toBe(target);
    expect(pacer.sleepingUntil).toBeNull();
  });

  it('returns at once for a past target and false when aborted', async () => {
    const { pacer, clock } = setup('2024-03-16T15:00:00Z');
    await expect(pacer.sleepUntil(clock.now() - 1, 0, new AbortController().signal)).resolves.toBe(
      true,
    );
    expect(clock.sleeps).toEqual([]);
    const ac = new AbortController();
    ac.abort();
    await expect(pacer.sleepUntil(clock.now() + 1000, 0, ac.signal)).resolves.toBe(false);
    expect(pacer.sleepingUntil).toBeNull();
  });

  it('rethrows a clock failure that is not an abort', async () => {
    const { pacer, clock } = setup('2024-03-16T15:00:00Z');
    clock.sleep = async () => {
      throw new Error('broken timer');
    };
    await expect(
      pacer.sleepUntil(clock.now() + 1000, 0, new AbortController().signal),
    ).rejects.toThrow('broken timer');
  });
});
