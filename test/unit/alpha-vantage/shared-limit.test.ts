import { describe, expect, it } from 'vitest';
import { type BudgetScope, MemoryBudgetStore } from '../../../src/alpha-vantage/budget-store';
import {
  type RateBudget,
  RateLimiter,
  type RateLimits,
} from '../../../src/alpha-vantage/rate-limiter';
import type {
  RateAcquireResult,
  RateTicket,
  RateWindow,
  SharedRateLimit,
} from '../../../src/alpha-vantage/shared-rate-limit';
import { FakeClock } from './fake-clock';

const SCOPE: BudgetScope = { keyHash: 'k', origin: 'https://example.test' };

/** A shared limit that answers from a script and records every call. */
class ScriptedShared implements SharedRateLimit {
  readonly asked: RateWindow[][] = [];
  readonly released: { ticket: RateTicket; delivered: boolean; answeredMsAgo: number }[] = [];
  constructor(readonly answers: RateAcquireResult[]) {}
  async tryAcquire(_scope: BudgetScope, windows: readonly RateWindow[]) {
    this.asked.push([...windows]);
    return this.answers.shift() ?? { acquired: true, ticket: ticket('t') };
  }
  async release(_s: BudgetScope, t: RateTicket, delivered: boolean, answeredMsAgo = 0) {
    this.released.push({ ticket: t, delivered, answeredMsAgo });
  }
}

function ticket(holder: string): RateTicket {
  return { holder, slots: [{ windowMs: 1_000, slot: 0 }] };
}

function limiter(limits: RateLimits, shared: SharedRateLimit, clock = new FakeClock()) {
  const waits: [number, RateBudget][] = [];
  const l = new RateLimiter({
    limits,
    clock,
    store: new MemoryBudgetStore(),
    shared,
    scope: SCOPE,
    zone: 'America/New_York',
    onWait: (ms, budget) => waits.push([ms, budget]),
    onLimited: () => {},
    onStoreError: () => {},
  });
  return { l, waits, clock };
}

describe('rate limiter with a shared limit', () => {
  it('asks for the per-second and per-minute windows, waits as told, releases from the answer', async () => {
    const shared = new ScriptedShared([
      { acquired: false, waitMs: 300 },
      { acquired: true, ticket: ticket('a') },
    ]);
    const { l, waits, clock } = limiter({ perSecond: 5, perMinute: 75, perDay: null }, shared);
    const release = await l.acquire(undefined, 'GLOBAL_QUOTE');
    expect(shared.asked[0]).toEqual([
      { windowMs: 1_000, limit: 5 },
      { windowMs: 60_000, limit: 75 },
    ]);
    expect(waits).toEqual([[300, 'shared']]);
    const answeredAt = clock.now() + 40;
    clock.nowMs += 100; // the release comes 60 ms after the answer arrived
    await release({ at: answeredAt });
    expect(shared.released).toEqual([{ ticket: ticket('a'), delivered: true, answeredMsAgo: 60 }]);
  });

  it('gives the slot back at once when the request never left or the daily budget is spent', async () => {
    const shared = new ScriptedShared([]);
    const { l } = limiter({ perSecond: 1, perMinute: null, perDay: 1 }, shared);
    const release = await l.acquire(undefined, 'GLOBAL_QUOTE');
    await release({ delivered: false });
    expect(shared.released.map((r) => r.delivered)).toEqual([false]);
    await (await l.acquire(undefined, 'GLOBAL_QUOTE'))();
    await expect(l.acquire(undefined, 'GLOBAL_QUOTE')).rejects.toMatchObject({
      code: 'DAILY_LIMIT',
    });
    expect(shared.released.map((r) => r.delivered)).toEqual([false, true, false]);
  });

  it('without per-second and per-minute limits the shared limit is not asked', async () => {
    const shared = new ScriptedShared([]);
    const { l } = limiter({ perSecond: null, perMinute: null, perDay: null }, shared);
    await (await l.acquire(undefined, 'GLOBAL_QUOTE'))();
    expect(shared.asked).toEqual([]);
  });
});
