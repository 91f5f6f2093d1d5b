import type { ResponseFormatError as ResponseFormatErrorType } from '../errors';
import {
  isDailyLimitError,
  isInvalidApiKeyError,
  isInvalidRequestError,
  isPremiumEndpointError,
  isRateLimitError,
  ResponseFormatError,
} from '../errors';
import type { DailyLimitError, RateLimitError } from '../errors/api-errors';
import type { TypedEmitter } from '../events';
import type { Loader } from '../load/loader';
import { quarantineRows } from '../load/progress';
import { transformBulkQuotes, transformQuote } from '../transform/quotes';
import type { QuoteRow, RejectedRow, TransformResult } from '../transform/rows';
import type { ChangeTracker } from './change-tracker';
import type { ResolvedStreamingOptions } from './options';
import { chunk, rotate } from './schedule';
import type { StreamingEvents, StreamQuote } from './types';

/** REALTIME_BULK_QUOTES takes at most 100 symbols per call. */
export const BULK_CHUNK_SIZE = 100;

/** What one cycle needs from the service. @internal */
export interface CycleHost {
  readonly opts: ResolvedStreamingOptions;
  readonly loader: Loader;
  readonly tracker: ChangeTracker;
  readonly events: TypedEmitter<StreamingEvents>;
  /** Symbols in the rotation (the service removes dropped ones). */
  symbols(): readonly string[];
  /** Emits `error` and counts it. */
  reportError(error: unknown, symbol: string | undefined, fatal: boolean): void;
  /** Removes an unknown symbol from the rotation and emits `symbol:dropped`. */
  dropSymbol(symbol: string, error: Error): void;
  /** How quotes are fetched now (`auto` resolved: bulk until a premium refusal). */
  mode(): 'quote' | 'bulk';
  /** `auto` mode got a premium refusal for bulk quotes: use GLOBAL_QUOTE from now on. */
  bulkRefused(error: Error): void;
  /** Records that `symbols` were asked for at `at`. */
  polled(symbols: readonly string[], at: number): void;
  /** Emits a quote (stored or not) to listeners and iterators. */
  deliver(quote: StreamQuote): void;
  /** Resolves when every iterator has room for more quotes (back-pressure), or `signal` aborts. */
  drained(signal: AbortSignal): Promise<void>;
}

/** How a cycle ended. @internal */
export interface CycleOutcome {
  quotes: number;
  stored: number;
  unchanged: number;
  errors: number;
  requests: number;
  /** `stop()` interrupted it. */
  aborted: boolean;
  /** Cut short by a rate limit; the next cycle starts with the symbol that was refused. */
  rateLimited?: RateLimitError;
  /** Cut short because the daily quota is spent. */
  dailyLimit?: DailyLimitError;
  /** An error no retry can fix (bad key, plan without the endpoint): the service stops. */
  fatal?: Error;
  /** Symbol to start the next cycle with, when this one was cut short. */
  resumeWith?: string;
}

type Verdict = 'continue' | 'halt';

/**
 * Runs one polling cycle: fetch, transform, store, emit — one symbol (or one 100-symbol chunk) at
 * a time, so each quote is in the table seconds after it arrived and `stop()` loses nothing
 * already fetched. Never throws: every failure is reported and reflected in the outcome.
 * @internal
 */
export async function runCycle(
  host: CycleHost,
  signal: AbortSignal,
  symbols: readonly string[],
  startWith: string | undefined,
): Promise<CycleOutcome> {
  const { opts } = host;
  const out: CycleOutcome = {
    quotes: 0,
    stored: 0,
    unchanged: 0,
    errors: 0,
    requests: 0,
    aborted: false,
  };
  const report = (error: unknown, symbol: string | undefined, fatal = false) => {
    out.errors++;
    host.reportError(error, symbol, fatal);
  };
  const onRequest = () => {
    out.requests++;
  };
  const live = new Set(host.symbols());
  const current = symbols.filter((s) => live.has(s));
  const start = startWith === undefined ? 0 : Math.max(0, current.indexOf(startWith));
  const order = rotate(current, start);
  const one = (s: string) => ({ unit: [s], bulk: false });
  const units =
    host.mode() === 'bulk'
      ? chunk(order, BULK_CHUNK_SIZE).map((unit) => ({ unit, bulk: true }))
      : order.map(one);

  while (units.length > 0) {
    const { unit, bulk: asBulk } = units.shift() as { unit: string[]; bulk: boolean };
    await host.drained(signal);
    if (signal.aborted) break;
    const bulk = asBulk && host.mode() === 'bulk';
    let result: TransformResult<QuoteRow>;
    try {
      host.polled(unit, opts.clock.now());
      if (bulk) {
        // Options validation guarantees bulkQuotes exists in bulk (and auto-bulk) mode.
        const quotes = await opts.extractor.bulkQuotes!(unit, { signal, onRequest });
        result = transformBulkQuotes(quotes, {
          symbols: unit,
          policy: 'skip',
          now: opts.clock.now(),
        });
      } else {
        const symbol = unit[0] as string;
        const quote = await opts.extractor.quote(symbol, { signal, onRequest });
        // GLOBAL_QUOTE carries no time of its own: the row is keyed by when the answer arrived.
        const observedAt = new Date(opts.clock.now());
        result = transformQuote(quote, { symbol, observedAt, policy: 'skip' });
      }
    } catch (error) {
      if (signal.aborted) break;
      if (bulk && opts.mode === 'auto' && isPremiumEndpointError(error)) {
        // Not entitled to bulk quotes: ask the same symbols one by one, in this very cycle.
        host.bulkRefused(error);
        units.unshift(...unit.map(one));
        continue;
      }
      if (classify(host, out, error, unit, report) === 'halt') break;
      continue;
    }
    if (bulk && opts.mode === 'auto') {
      // A symbol the bulk answer left out is asked once with GLOBAL_QUOTE, which drops it if unknown.
      const answered = new Set([...result.rows, ...result.rejects].map((r) => r.symbol));
      units.unshift(...unit.filter((s) => !answered.has(s)).map(one));
    }
    for (const warning of result.warnings ?? []) {
      opts.logger.warn('streaming quote warning', { symbols: unit.join(','), warning });
    }
    await handleRejects(host, bulk, result.rejects, report);
    await storeRows(host, out, result.rows, report);
  }
  out.aborted = signal.aborted;
  return out;
}

/** Decides what an extractor failure means for the rest of the cycle. */
function classify(
  host: CycleHost,
  out: CycleOutcome,
  error: unknown,
  unit: readonly string[],
  report: (error: unknown, symbol: string | undefined, fatal?: boolean) => void,
): Verdict {
  const symbol = unit.length === 1 ? unit[0] : undefined;
  if (isRateLimitError(error)) {
    // Not an `error` event: the service pauses (event `pause`) and resumes with this symbol.
    host.opts.logger.warn('streaming rate limited; backing off', { symbol: unit[0] });
    out.rateLimited = error;
    out.resumeWith = unit[0];
    return 'halt';
  }
  if (isDailyLimitError(error)) {
    report(error, symbol);
    out.dailyLimit = error;
    out.resumeWith = unit[0];
    return 'halt';
  }
  if (isInvalidApiKeyError(error) || isPremiumEndpointError(error)) {
    // Retrying can only fail again (and spend quota): stop and let the caller fix the setup.
    report(error, symbol, true);
    out.fatal = error;
    return 'halt';
  }
  if (isInvalidRequestError(error) && symbol !== undefined) {
    report(error, symbol);
    host.dropSymbol(symbol, error);
    return 'continue';
  }
  report(error, symbol);
  return 'continue';
}

/** Quarantines (or just reports) quotes that failed validation. */
async function handleRejects(
  host: CycleHost,
  bulk: boolean,
  rejects: readonly RejectedRow[],
  report: (error: unknown, symbol: string | undefined) => void,
): Promise<void> {
  if (rejects.length === 0) return;
  const { opts } = host;
  for (const r of rejects) {
    const endpoint = bulk ? 'REALTIME_BULK_QUOTES' : 'GLOBAL_QUOTE';
    const err: ResponseFormatErrorType = new ResponseFormatError(
      `Rejected ${endpoint} quote for ${r.symbol}: ${r.reason}`,
      { endpoint, symbol: r.symbol },
    );
    report(err, r.symbol);
  }
  if (opts.rejectPolicy !== 'quarantine') return;
  try {
    await quarantineRows(opts.db, opts.q, null, rejects);
  } catch (error) {
    report(error, rejects.length === 1 ? rejects[0]?.symbol : undefined);
  }
}

/** Stores the changed rows, then emits one `quote` event per row (stored or not). */
async function storeRows(
  host: CycleHost,
  out: CycleOutcome,
  rows: readonly QuoteRow[],
  report: (error: unknown, symbol: string | undefined) => void,
): Promise<void> {
  if (rows.length === 0) return;
  const { opts, tracker } = host;
  const seen = rows.map((row) => ({ row, ...tracker.observe(row, opts.skipUnchanged) }));
  const toStore = seen.filter((s) => s.store).map((s) => s.row);
  let storedOk = false;
  if (toStore.length > 0) {
    try {
      const counts = await host.loader.loadQuotes(toStore);
      out.stored += counts.inserted + counts.updated;
      for (const row of toStore) tracker.stored(row);
      storedOk = true;
    } catch (error) {
      report(error, toStore.length === 1 ? toStore[0]?.symbol : undefined);
    }
  }
  for (const { row, changed, store } of seen) {
    out.quotes++;
    if (!store) out.unchanged++;
    host.deliver({ ...row, changed, stored: store && storedOk });
  }
}
