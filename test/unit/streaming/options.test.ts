import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock';
import { isValidationError } from '../../../src/errors';
import { MIN_INTERVAL_MS, resolveStreamingOptions } from '../../../src/streaming/options';
import { StreamingService } from '../../../src/streaming/streaming-service';
import { MAX_STREAM_SYMBOLS, type StreamingOptions } from '../../../src/streaming/types';

// A pg.Client look-alike: construction never touches the database.
const db = { query: async () => ({ rows: [], rowCount: 0 }) };
const extractor = { quote: async () => ({}) as never };
const clock: Clock = { now: () => 0, sleep: async () => {} };

function base(over: Partial<StreamingOptions> = {}): StreamingOptions {
  return { db, extractor, symbols: ['IBM'], ...over } as StreamingOptions;
}

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(isValidationError(error)).toBe(true);
    return (error as { field?: string }).field;
  }
  throw new Error('expected a ValidationError');
}

describe('resolveStreamingOptions', () => {
  it('applies the documented defaults', () => {
    const o = resolveStreamingOptions(base());
    expect(o).toMatchObject({
      symbols: ['IBM'],
      schema: 'stock_etl',
      q: '"stock_etl"',
      intervalMs: 60_000,
      marketHoursOnly: true,
      extendedHours: false,
      pollAtClose: true,
      mode: 'quote',
      skipUnchanged: true,
      maxBackoffMs: 600_000,
      rejectPolicy: 'quarantine',
    });
  });

  it('upper-cases, trims and de-duplicates symbols, keeping first-seen order', () => {
    const o = resolveStreamingOptions(base({ symbols: ['msft', ' IBM', 'ibm', 'BRK.B', 'MSFT'] }));
    expect(o.symbols).toEqual(['MSFT', 'IBM', 'BRK.B']);
  });

  it('rejects missing, empty, non-string, malformed and too many symbols', () => {
    expect(fieldOf(() => resolveStreamingOptions(base({ symbols: [] })))).toBe('options.symbols');
    expect(fieldOf(() => resolveStreamingOptions(base({ symbols: undefined as never })))).toBe(
      'options.symbols',
    );
    expect(fieldOf(() => resolveStreamingOptions(base({ symbols: ['IBM', 42 as never] })))).toBe(
      'options.symbols[1]',
    );
    expect(fieldOf(() => resolveStreamingOptions(base({ symbols: ['IBM', 'A B'] })))).toBe(
      'options.symbols[1]',
    );
    expect(fieldOf(() => resolveStreamingOptions(base({ symbols: [''] })))).toBe(
      'options.symbols[0]',
    );
    const many = Array.from({ length: MAX_STREAM_SYMBOLS + 1 }, (_, i) => `S${i}`);
    expect(fieldOf(() => resolveStreamingOptions(base({ symbols: many })))).toBe('options.symbols');
    // Duplicates do not count against the limit.
    const dupes = [...many.slice(0, MAX_STREAM_SYMBOLS), 's0'];
    expect(resolveStreamingOptions(base({ symbols: dupes })).symbols).toHaveLength(
      MAX_STREAM_SYMBOLS,
    );
  });

  it(`requires intervalMs ≥ ${MIN_INTERVAL_MS} with the system clock, ≥ 1 with an injected clock`, () => {
    expect(fieldOf(() => resolveStreamingOptions(base({ intervalMs: 999 })))).toBe(
      'options.intervalMs',
    );
    expect(resolveStreamingOptions(base({ intervalMs: 1000 })).intervalMs).toBe(1000);
    expect(resolveStreamingOptions(base({ intervalMs: 20, clock })).intervalMs).toBe(20);
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY, '60000' as never]) {
      expect(fieldOf(() => resolveStreamingOptions(base({ intervalMs: bad, clock })))).toBe(
        'options.intervalMs',
      );
    }
  });

  it('validates the extractor, db, schema, mode, clock, calendar, booleans and policies', () => {
    expect(fieldOf(() => resolveStreamingOptions(base({ extractor: {} as never })))).toBe(
      'options.extractor',
    );
    expect(fieldOf(() => resolveStreamingOptions(base({ db: null as never })))).toBe('options.db');
    expect(fieldOf(() => resolveStreamingOptions(base({ schema: 'x; DROP' })))).toBe(
      'options.schema',
    );
    expect(fieldOf(() => resolveStreamingOptions(base({ mode: 'fast' as never })))).toBe(
      'options.mode',
    );
    expect(fieldOf(() => resolveStreamingOptions(base({ mode: 'bulk' })))).toBe('options.mode');
    expect(fieldOf(() => resolveStreamingOptions(base({ clock: {} as never })))).toBe(
      'options.clock',
    );
    expect(fieldOf(() => resolveStreamingOptions(base({ calendar: {} as never })))).toBe(
      'options.calendar',
    );
    expect(fieldOf(() => resolveStreamingOptions(base({ marketHoursOnly: 'yes' as never })))).toBe(
      'options.marketHoursOnly',
    );
    expect(fieldOf(() => resolveStreamingOptions(base({ skipUnchanged: 1 as never })))).toBe(
      'options.skipUnchanged',
    );
    expect(fieldOf(() => resolveStreamingOptions(base({ rejectPolicy: 'throw' as never })))).toBe(
      'options.rejectPolicy',
    );
    expect(fieldOf(() => resolveStreamingOptions(base({ maxBackoffMs: 0 })))).toBe(
      'options.maxBackoffMs',
    );
    expect(fieldOf(() => resolveStreamingOptions(undefined as never))).toBe('options');
  });

  it("accepts 'bulk' when the extractor has bulkQuotes; 'auto' is 'quote' without it", () => {
    const bulk = { ...extractor, bulkQuotes: async () => [] };
    expect(resolveStreamingOptions(base({ extractor: bulk, mode: 'bulk' })).mode).toBe('bulk');
    expect(resolveStreamingOptions(base({ extractor: bulk, mode: 'auto' })).mode).toBe('auto');
    expect(resolveStreamingOptions(base({ mode: 'auto' })).mode).toBe('quote');
  });

  it('takes a strategy by name or as an object with next(ctx), and rejects anything else', () => {
    expect(resolveStreamingOptions(base({})).strategy.name).toBe('fixed');
    expect(resolveStreamingOptions(base({ strategy: 'budget' })).strategy.name).toBe('budget');
    const own = { name: 'own', next: () => ({ delayMs: 0, symbols: [] }) };
    expect(resolveStreamingOptions(base({ strategy: own })).strategy).toBe(own);
    expect(fieldOf(() => resolveStreamingOptions(base({ strategy: 'fast' as never })))).toBe(
      'options.strategy',
    );
    expect(fieldOf(() => resolveStreamingOptions(base({ strategy: {} as never })))).toBe(
      'options.strategy',
    );
  });
});

describe('StreamingService construction', () => {
  it('throws ValidationError for bad options and exposes the normalised symbols', () => {
    expect(fieldOf(() => new StreamingService(base({ symbols: [] })))).toBe('options.symbols');
    const s = new StreamingService(base({ symbols: ['ibm', 'msft'], schema: 'quotes_x' }));
    expect(s.symbols).toEqual(['IBM', 'MSFT']);
    expect(s.schema).toBe('quotes_x');
    expect(s.running).toBe(false);
    expect(s.stats()).toEqual({
      cycles: 0,
      quotes: 0,
      stored: 0,
      unchanged: 0,
      errors: 0,
      requests: 0,
      running: false,
      symbols: ['IBM', 'MSFT'],
      dropped: [],
      sleepingUntil: null,
    });
  });

  it('stop() before start() resolves and does nothing', async () => {
    const s = new StreamingService(base());
    await expect(s.stop()).resolves.toBeUndefined();
    expect(s.running).toBe(false);
  });
});
