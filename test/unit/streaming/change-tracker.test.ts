import { describe, expect, it } from 'vitest';
import {
  ChangeTracker,
  canonicalDecimal,
  quoteSignature,
} from '../../../src/streaming/change-tracker';
import type { QuoteRow } from '../../../src/transform/rows';

function row(over: Partial<QuoteRow> = {}): QuoteRow {
  return {
    symbol: 'IBM',
    observedAt: '2024-03-12T15:00:00.000Z',
    latestTradingDay: '2024-03-12',
    price: '187.4300',
    open: '186.0000',
    high: '188.0000',
    low: '185.5000',
    volume: '1200',
    previousClose: '186.1000',
    change: '1.3300',
    changePercent: '0.7147',
    ...over,
  };
}

describe('canonicalDecimal', () => {
  it('gives one spelling per number', () => {
    expect(canonicalDecimal('187.4300')).toBe('187.43');
    expect(canonicalDecimal('187.43')).toBe('187.43');
    expect(canonicalDecimal('+1.50')).toBe('1.5');
    expect(canonicalDecimal('-0.000')).toBe('0');
    expect(canonicalDecimal('0007.10')).toBe('7.1');
    expect(canonicalDecimal('100')).toBe('100');
    expect(canonicalDecimal('100.')).toBe('100');
    expect(canonicalDecimal('-2.50')).toBe('-2.5');
    expect(canonicalDecimal(null)).toBe('');
    expect(canonicalDecimal(undefined)).toBe('');
  });
});

describe('quoteSignature', () => {
  it('depends on every value but the symbol and the observation time (the Loader rule)', () => {
    const base = quoteSignature(row());
    expect(quoteSignature(row({ observedAt: '2024-03-12T15:01:00.000Z', symbol: 'X' }))).toBe(base);
    expect(quoteSignature(row({ change: '1.33', high: '188' }))).toBe(base);
    expect(quoteSignature(row({ change: '9' }))).not.toBe(base);
    expect(quoteSignature(row({ high: '189' }))).not.toBe(base);
    expect(quoteSignature(row({ changePercent: null }))).not.toBe(base);
    expect(quoteSignature(row({ price: '187.43' }))).toBe(base);
    expect(quoteSignature(row({ price: '187.44' }))).not.toBe(base);
    expect(quoteSignature(row({ volume: '1201' }))).not.toBe(base);
    expect(quoteSignature(row({ latestTradingDay: '2024-03-13' }))).not.toBe(base);
    expect(quoteSignature(row({ volume: null }))).not.toBe(base);
  });
});

describe('ChangeTracker', () => {
  it('stores the first quote, skips an identical one, stores a changed one', () => {
    const t = new ChangeTracker();
    expect(t.observe(row(), true)).toEqual({ changed: true, store: true });
    t.stored(row());
    expect(t.observe(row({ observedAt: 'later' }), true)).toEqual({ changed: false, store: false });
    expect(t.observe(row({ price: '188' }), true)).toEqual({ changed: true, store: true });
  });

  it('stores everything with skipUnchanged off but still reports changed', () => {
    const t = new ChangeTracker();
    t.observe(row(), false);
    t.stored(row());
    expect(t.observe(row(), false)).toEqual({ changed: false, store: true });
  });

  it('stores an identical quote again when the previous store failed', () => {
    const t = new ChangeTracker();
    expect(t.observe(row(), true).store).toBe(true);
    // No t.stored(): the write failed.
    expect(t.observe(row(), true)).toEqual({ changed: false, store: true });
  });

  it('tracks symbols independently', () => {
    const t = new ChangeTracker();
    t.observe(row(), true);
    t.stored(row());
    expect(t.observe(row({ symbol: 'MSFT' }), true)).toEqual({ changed: true, store: true });
  });

  it('seeded signatures (from the table) suppress a duplicate after a restart', () => {
    const t = new ChangeTracker();
    // As read back from numeric columns: trailing zeros gone.
    t.seed(
      'IBM',
      quoteSignature(
        row({ price: '187.43', open: '186', high: '188', low: '185.5', previousClose: '186.1' }),
      ),
    );
    expect(t.observe(row(), true)).toEqual({ changed: false, store: false });
  });
});
