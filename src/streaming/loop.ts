import { ValidationError } from '../errors/validation-error';
import { type CycleHost, type CycleOutcome, runCycle } from './cycle';
import type { Pacer } from './pacer';
import type { Planner } from './planner';
import { MAX_SLEEP_SLICE_MS } from './schedule';
import { STRATEGY_REPLAN_MS } from './strategy';
import type { StopEvent, StopReason } from './types';

/** What the polling loop needs from the service. @internal */
export interface LoopHost {
  readonly cycle: CycleHost;
  readonly pacer: Pacer;
  readonly planner: Planner;
  readonly stats: {
    cycles: number;
    quotes: number;
    stored: number;
    unchanged: number;
    requests: number;
  };
  /** Symbol to start the next cycle with, after one was cut short. */
  resumeWith: string | undefined;
}

/**
 * The polling loop: market gate → strategy plan → wait (re-planning every
 * {@link STRATEGY_REPLAN_MS}) → cycle → pause after a rate or daily limit. Ends when `signal`
 * aborts or on a fatal outcome; never throws. @internal
 */
export async function runLoop(host: LoopHost, signal: AbortSignal): Promise<StopEvent> {
  const { pacer, planner } = host;
  const { opts } = host.cycle;
  const { clock } = opts;
  let reason: StopReason = 'requested';
  let error: Error | undefined;
  try {
    while (!signal.aborted) {
      const gate = pacer.gate(clock.now());
      if (gate.action === 'sleep') {
        planner.newWindow();
        // One slice at a time, then the calendar is consulted again (see MAX_SLEEP_SLICE_MS).
        const wake = Math.min(gate.until, clock.now() + MAX_SLEEP_SLICE_MS);
        if (!(await pacer.sleepUntil(wake, gate.until, signal))) break;
        continue;
      }
      const closing = pacer.closing;
      const symbols = host.cycle.symbols();
      const plan = await planner.plan(symbols, closing);
      if (plan.symbols.length === 0 && closing) continue;
      if (!closing && (plan.delayMs > 0 || plan.symbols.length === 0)) {
        // Waits in slices, asking the strategy again after each (someone else may spend).
        const until = clock.now() + (plan.delayMs > 0 ? plan.delayMs : opts.intervalMs);
        const wake = Math.min(until, clock.now() + STRATEGY_REPLAN_MS);
        if (!(await pacer.sleepUntil(wake, until, signal))) break;
        continue;
      }
      planner.cycleStarted(clock.now());
      const outcome = await countedCycle(host, signal, plan.symbols);
      if (outcome.aborted) break;
      if (outcome.fatal) {
        reason = 'fatal';
        error = outcome.fatal;
        break;
      }
      if (host.cycle.symbols().length === 0) {
        reason = 'no-symbols';
        error = new ValidationError('Every symbol was dropped as unknown; stopping', {
          field: 'options.symbols',
        });
        host.cycle.reportError(error, undefined, true);
        break;
      }
      const pauseUntil = pacer.pauseAfter(outcome);
      if (pauseUntil !== null && !(await pacer.sleepUntil(pauseUntil, pauseUntil, signal))) break;
    }
  } catch (thrown) {
    // Only a bug or a broken calendar/clock/strategy gets here; stopping beats a tight failure loop.
    reason = 'fatal';
    error = thrown instanceof Error ? thrown : new Error(String(thrown));
    host.cycle.reportError(error, undefined, true);
  }
  return error ? { reason, error } : { reason };
}

/** One cycle between `poll:start` and `poll:finish`, counted in the stats. */
async function countedCycle(
  host: LoopHost,
  signal: AbortSignal,
  symbols: readonly string[],
): Promise<CycleOutcome> {
  const { clock } = host.cycle.opts;
  const { events } = host.cycle;
  const cycle = ++host.stats.cycles;
  const started = clock.now();
  events.emit('poll:start', { cycle, symbols: [...symbols], at: new Date(started) });
  const outcome = await runCycle(host.cycle, signal, symbols, host.resumeWith);
  host.resumeWith = outcome.resumeWith;
  const s = host.stats;
  s.quotes += outcome.quotes;
  s.stored += outcome.stored;
  s.unchanged += outcome.unchanged;
  s.requests += outcome.requests;
  events.emit('poll:finish', {
    cycle,
    quotes: outcome.quotes,
    stored: outcome.stored,
    unchanged: outcome.unchanged,
    errors: outcome.errors,
    requests: outcome.requests,
    durationMs: Math.max(0, clock.now() - started),
    aborted: outcome.aborted,
  });
  return outcome;
}
