import { describe, expect, it } from 'vitest';
import {
  budgetDay,
  budgetResetAt,
  hashApiKey,
  MemoryBudgetStore,
} from '../../../src/alpha-vantage/budget-store';

describe('budget day boundary (midnight America/New_York by default)', () => {
  it('maps instants to New York dates across DST', () => {
    expect(budgetDay(Date.UTC(2025, 5, 3, 3, 59), 'America/New_York')).toBe('2025-06-02'); // 23:59 EDT
    expect(budgetDay(Date.UTC(2025, 5, 3, 4, 0), 'America/New_York')).toBe('2025-06-03');
    expect(budgetDay(Date.UTC(2025, 0, 3, 4, 59), 'America/New_York')).toBe('2025-01-02'); // 23:59 EST
    expect(budgetDay(Date.UTC(2025, 0, 3, 4, 59), 'UTC')).toBe('2025-01-03');
  });
  it('resets at the next local midnight, also over a DST change and a month end', () => {
    expect(budgetResetAt('2025-06-02', 'America/New_York').toISOString()).toBe(
      '2025-06-03T04:00:00.000Z',
    );
    expect(budgetResetAt('2025-03-08', 'America/New_York').toISOString()).toBe(
      '2025-03-09T05:00:00.000Z',
    );
    expect(budgetResetAt('2025-03-09', 'America/New_York').toISOString()).toBe(
      '2025-03-10T04:00:00.000Z',
    );
    expect(budgetResetAt('2024-12-31', 'UTC').toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });
});

describe('MemoryBudgetStore', () => {
  const k = { keyHash: hashApiKey('K'), origin: 'https://www.alphavantage.co' };
  it('counts per key, service and day, refuses past the limit and when exhausted', async () => {
    const store = new MemoryBudgetStore();
    expect(k.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.take(k, '2025-06-02', 2)).toBe(1);
    expect(await store.take(k, '2025-06-02', 2)).toBe(2);
    expect(await store.take(k, '2025-06-02', 2)).toBeNull();
    expect(await store.usage(k, '2025-06-02')).toEqual({ used: 2, exhausted: false });
    expect(await store.take(k, '2025-06-03', null)).toBe(1);
    await store.markExhausted(k, '2025-06-03');
    expect(await store.take(k, '2025-06-03', null)).toBeNull();
    const other = { ...k, keyHash: hashApiKey('other') };
    expect(await store.usage(other, '2025-06-03')).toEqual({ used: 0, exhausted: false });
    // The same key at another service (a test server, a proxy) is another budget.
    const elsewhere = { ...k, origin: 'http://127.0.0.1:9999' };
    expect(await store.take(elsewhere, '2025-06-03', 25)).toBe(1);
  });

  it('refunds never go below zero; clearing the mark says whether there was one', async () => {
    const store = new MemoryBudgetStore();
    await store.refund(k, '2025-06-02');
    expect(await store.usage(k, '2025-06-02')).toEqual({ used: 0, exhausted: false });
    await store.take(k, '2025-06-02', 25);
    await store.take(k, '2025-06-02', 25);
    await store.refund(k, '2025-06-02');
    expect((await store.usage(k, '2025-06-02')).used).toBe(1);
    expect(await store.clearExhausted(k, '2025-06-02')).toBe(false);
    await store.markExhausted(k, '2025-06-02');
    expect(await store.clearExhausted(k, '2025-06-02')).toBe(true);
    expect(await store.take(k, '2025-06-02', 25)).toBe(2);
  });

  it('remembers refusals per scope, newest record wins, older than `since` dropped', async () => {
    const store = new MemoryBudgetStore();
    const full = { name: 'outputsize', value: 'full' };
    const at = (iso: string) => new Date(iso);
    await store.recordRefusal(k, {
      endpoint: 'TIME_SERIES_DAILY',
      parameter: full,
      plan: 'free',
      refusedAt: at('2025-06-01T00:00:00Z'),
      notice: 'x',
    });
    await store.recordRefusal(k, {
      endpoint: 'TIME_SERIES_DAILY',
      parameter: full,
      plan: 'free',
      refusedAt: at('2025-06-02T00:00:00Z'),
      notice: 'y',
    });
    await store.recordRefusal(k, {
      endpoint: 'TIME_SERIES_DAILY_ADJUSTED',
      parameter: null,
      plan: 'free',
      refusedAt: at('2025-05-01T00:00:00Z'),
      notice: null,
    });
    const list = await store.refusals(k, at('2025-05-15T00:00:00Z'));
    expect(list).toEqual([
      {
        endpoint: 'TIME_SERIES_DAILY',
        parameter: full,
        plan: 'free',
        refusedAt: at('2025-06-02T00:00:00Z'),
        notice: 'y',
      },
    ]);
    expect(await store.refusals({ ...k, origin: 'http://x' }, at('2000-01-01'))).toEqual([]);
    expect(await store.forgetRefusals(k)).toBe(1);
    expect(await store.refusals(k, at('2000-01-01'))).toEqual([]);
  });
});
