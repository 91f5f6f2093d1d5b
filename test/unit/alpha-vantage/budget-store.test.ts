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
  it('counts per key and day, refuses past the limit and when exhausted', async () => {
    const store = new MemoryBudgetStore();
    const k = hashApiKey('K');
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.take(k, '2025-06-02', 2)).toBe(1);
    expect(await store.take(k, '2025-06-02', 2)).toBe(2);
    expect(await store.take(k, '2025-06-02', 2)).toBeNull();
    expect(await store.usage(k, '2025-06-02')).toEqual({ used: 2, exhausted: false });
    expect(await store.take(k, '2025-06-03', null)).toBe(1);
    await store.markExhausted(k, '2025-06-03');
    expect(await store.take(k, '2025-06-03', null)).toBeNull();
    expect(await store.usage(hashApiKey('other'), '2025-06-03')).toEqual({
      used: 0,
      exhausted: false,
    });
  });
});
