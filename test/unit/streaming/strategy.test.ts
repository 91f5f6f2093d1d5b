import { describe, expect, it } from 'vitest';
import {
  adaptiveStrategy,
  budgetGap,
  budgetStrategy,
  fixedStrategy,
  type StrategyContext,
  type SymbolHistory,
} from '../../../src/streaming/strategy';

const NOW = Date.parse('2024-03-12T15:00:00Z');
const CLOSE = Date.parse('2024-03-12T20:00:00Z');

function ctx(over: Partial<StrategyContext> = {}): StrategyContext {
  return {
    now: NOW,
    symbols: ['IBM', 'MSFT'],
    intervalMs: 60_000,
    lastCycleAt: NOW - 10_000,
    windowEndsAt: CLOSE,
    closing: false,
    budget: null,
    cost: (s) => s.length,
    history: new Map(),
    ...over,
  };
}

const budget = (remainingToday: number | null, perMinute: number | null = null) => ({
  perDay: remainingToday === null ? null : 25,
  remainingToday,
  resetsAt: remainingToday === null ? null : new Date(CLOSE + 4 * 3_600_000),
  perMinute,
});

describe('fixedStrategy', () => {
  it('polls every symbol one interval after the last cycle, at once when there was none', () => {
    expect(fixedStrategy().next(ctx())).toEqual({ delayMs: 50_000, symbols: ['IBM', 'MSFT'] });
    expect(fixedStrategy().next(ctx({ lastCycleAt: null }))).toMatchObject({ delayMs: 0 });
  });
});

describe('budgetStrategy', () => {
  it('spreads what is left evenly until the close', () => {
    // 5 hours left, 10 requests = 5 cycles of 2: one an hour from the last cycle.
    const plan = budgetStrategy().next(ctx({ budget: budget(10) })) as { delayMs: number };
    expect(plan.delayMs).toBeCloseTo((CLOSE - (NOW - 10_000)) / 5 - 10_000, 0);
  });

  it('waits longer when someone else spent, and skips when nothing is left', () => {
    const rich = budgetStrategy().next(ctx({ budget: budget(10) })) as { delayMs: number };
    const poor = budgetStrategy().next(ctx({ budget: budget(4) })) as { delayMs: number };
    expect(poor.delayMs).toBeGreaterThan(rich.delayMs);
    expect(budgetStrategy().next(ctx({ budget: budget(1) }))).toMatchObject({ symbols: [] });
  });

  it('keeps to intervalMs and the per-minute limit without a daily limit', () => {
    expect(budgetGap(ctx({ budget: budget(null) }), 2)).toBe(60_000);
    expect(budgetGap(ctx({ budget: budget(null, 1) }), 2)).toBe(120_000);
  });

  it('takes the closing cycle at once when it can pay for it', () => {
    expect(budgetStrategy().next(ctx({ closing: true, budget: budget(2) }))).toEqual({
      delayMs: 0,
      symbols: ['IBM', 'MSFT'],
    });
  });
});

describe('adaptiveStrategy', () => {
  const history = (entries: Record<string, SymbolHistory>) => new Map(Object.entries(entries));

  it('polls a changing symbol every floor and backs a quiet one off to the ceiling', () => {
    const s = adaptiveStrategy({ floorMs: 60_000, ceilingMs: 480_000 });
    const h = history({
      IBM: { polledAt: NOW - 60_000, changedAt: NOW - 60_000, quietPolls: 0 },
      MSFT: { polledAt: NOW - 60_000, changedAt: null, quietPolls: 5 },
    });
    expect(s.next(ctx({ history: h, lastCycleAt: NOW - 60_000 }))).toEqual({
      delayMs: 0,
      symbols: ['IBM'],
    });
    const later = history({
      IBM: { polledAt: NOW, changedAt: NOW, quietPolls: 0 },
      MSFT: { polledAt: NOW - 60_000, changedAt: null, quietPolls: 5 },
    });
    // Nothing due: wait for IBM's next turn.
    expect(s.next(ctx({ history: later, lastCycleAt: NOW }))).toEqual({
      delayMs: 60_000,
      symbols: [],
    });
  });
});
