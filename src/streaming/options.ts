import { normalizeSymbol } from '../alpha-vantage/validate';
import { MarketCalendar } from '../calendar';
import { type Clock, systemClock } from '../clock';
import { toDb } from '../db/adapters';
import { DEFAULT_SCHEMA, quoteSchema } from '../db/identifier';
import type { Db } from '../db/types';
import { ValidationError } from '../errors/validation-error';
import { type Logger, noopLogger } from '../logger';
import { resolveStrategy, type StreamStrategy } from './strategy';
import {
  MAX_STREAM_SYMBOLS,
  type StreamingExtractor,
  type StreamingMode,
  type StreamingOptions,
} from './types';

/** Shortest interval with the system clock: faster polling only burns the API quota. */
export const MIN_INTERVAL_MS = 1000;

/** Options with defaults applied and every value checked. @internal */
export interface ResolvedStreamingOptions {
  db: Db;
  extractor: StreamingExtractor;
  symbols: string[];
  schema: string;
  q: string;
  intervalMs: number;
  marketHoursOnly: boolean;
  extendedHours: boolean;
  pollAtClose: boolean;
  calendar: MarketCalendar;
  clock: Clock;
  logger: Logger;
  /** `auto` only when the extractor has `bulkQuotes` (else resolved to `quote`). */
  mode: 'quote' | 'bulk' | 'auto';
  strategy: StreamStrategy;
  skipUnchanged: boolean;
  maxBackoffMs: number;
  rejectPolicy: 'quarantine' | 'skip';
}

const MODES: readonly StreamingMode[] = ['quote', 'bulk', 'auto'];

function fail(field: string, message: string): never {
  throw new ValidationError(`options.${field} ${message}`, { field: `options.${field}` });
}

function bool(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(field, 'must be a boolean');
  return value;
}

function positive(value: unknown, field: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    fail(field, `must be a finite number of milliseconds ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

const STRATEGIES = ['fixed', 'budget', 'adaptive'] as const;

function strategyOf(value: StreamingOptions['strategy']): StreamStrategy {
  if (value === undefined) return resolveStrategy('fixed');
  if (typeof value === 'string') {
    if (!(STRATEGIES as readonly string[]).includes(value)) {
      fail('strategy', `must be one of ${STRATEGIES.join(', ')} or an object with next(ctx)`);
    }
    return resolveStrategy(value);
  }
  if (value === null || typeof value !== 'object' || typeof value.next !== 'function') {
    fail('strategy', `must be one of ${STRATEGIES.join(', ')} or an object with next(ctx)`);
  }
  return value;
}

/** Upper-cases, validates and de-duplicates the symbols (first occurrence keeps its place). */
export function normalizeSymbols(symbols: unknown): string[] {
  if (!Array.isArray(symbols) || symbols.length === 0) {
    fail('symbols', 'must be a non-empty array of ticker symbols');
  }
  const out = new Set<string>();
  symbols.forEach((s, i) => {
    const field = `options.symbols[${i}]`;
    out.add(normalizeSymbol(s, field));
  });
  if (out.size > MAX_STREAM_SYMBOLS) {
    fail('symbols', `may hold at most ${MAX_STREAM_SYMBOLS} distinct symbols, got ${out.size}`);
  }
  return [...out];
}

/**
 * Applies defaults and validates. Every problem is a {@link ValidationError} naming the option.
 * @internal
 */
export function resolveStreamingOptions(options: StreamingOptions): ResolvedStreamingOptions {
  if (!options || typeof options !== 'object') {
    throw new ValidationError('StreamingService options are required', { field: 'options' });
  }
  const { extractor } = options;
  if (!extractor || typeof extractor.quote !== 'function') {
    fail('extractor', 'must have a quote(symbol, options) method (e.g. an AlphaVantageExtractor)');
  }
  if (options.db === null || typeof options.db !== 'object') {
    fail('db', 'must be a pg.Pool, pg.Client or PGlite instance');
  }
  const mode = options.mode ?? 'auto';
  if (!MODES.includes(mode)) fail('mode', `must be one of ${MODES.join(', ')}`);
  if (mode === 'bulk' && typeof extractor.bulkQuotes !== 'function') {
    fail('mode', "is 'bulk' but the extractor has no bulkQuotes method");
  }
  const rejectPolicy = options.rejectPolicy ?? 'quarantine';
  if (rejectPolicy !== 'quarantine' && rejectPolicy !== 'skip') {
    fail('rejectPolicy', "must be 'quarantine' or 'skip'");
  }
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const q = quoteSchema(schema, 'options.schema');
  const clock = options.clock ?? systemClock;
  if (typeof clock?.now !== 'function' || typeof clock.sleep !== 'function') {
    fail('clock', 'must have now() and sleep(ms, signal) methods');
  }
  // An injected clock means the caller controls time (tests, simulations): allow any interval.
  const minInterval = options.clock === undefined ? MIN_INTERVAL_MS : 1;
  const intervalMs = positive(options.intervalMs, 'intervalMs', 60_000, minInterval);
  const calendar = options.calendar ?? new MarketCalendar();
  if (typeof calendar?.isOpen !== 'function' || typeof calendar.nextOpen !== 'function') {
    fail('calendar', 'must be a MarketCalendar');
  }
  return {
    db: toDb(options.db),
    extractor,
    symbols: normalizeSymbols(options.symbols),
    schema,
    q,
    intervalMs,
    marketHoursOnly: bool(options.marketHoursOnly, 'marketHoursOnly', true),
    extendedHours: bool(options.extendedHours, 'extendedHours', false),
    pollAtClose: bool(options.pollAtClose, 'pollAtClose', true),
    calendar,
    clock,
    logger: options.logger ?? noopLogger,
    mode: mode === 'auto' && typeof extractor.bulkQuotes !== 'function' ? 'quote' : mode,
    strategy: strategyOf(options.strategy),
    skipUnchanged: bool(options.skipUnchanged, 'skipUnchanged', true),
    maxBackoffMs: positive(options.maxBackoffMs, 'maxBackoffMs', 600_000, 1),
    rejectPolicy,
  };
}
