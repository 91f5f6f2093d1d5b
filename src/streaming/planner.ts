import { BULK_CHUNK_SIZE } from './cycle';
import type { ResolvedStreamingOptions } from './options';
import { marketState } from './schedule';
import type {
  StrategyContext,
  StrategyPlan,
  StreamingBudget,
  StreamStrategy,
  SymbolHistory,
} from './strategy';

/**
 * Keeps what strategies plan from — per-symbol history, the last cycle of the session — and asks
 * the strategy for the next cycle. One per service. @internal
 */
export class Planner {
  readonly #opts: ResolvedStreamingOptions;
  readonly #history = new Map<string, SymbolHistory>();
  #lastCycleAt: number | null = null;
  #mode: () => 'quote' | 'bulk';

  /**
   * @param opts - resolved service options (strategy, clock, calendar, extractor)
   * @param mode - how quotes are fetched now (decides what a cycle costs)
   */
  constructor(opts: ResolvedStreamingOptions, mode: () => 'quote' | 'bulk') {
    this.#opts = opts;
    this.#mode = mode;
  }

  /** The strategy in use. */
  get strategy(): StreamStrategy {
    return this.#opts.strategy;
  }

  /** The market closed (or the service restarted): the next session plans from scratch. */
  newWindow(): void {
    this.#lastCycleAt = null;
  }

  /** A cycle started at `at`. */
  cycleStarted(at: number): void {
    this.#lastCycleAt = at;
  }

  /** `symbols` were asked for at `at`. */
  polled(symbols: readonly string[], at: number): void {
    for (const s of symbols) this.#entry(s).polledAt = at;
  }

  /** A quote of `symbol` arrived; `changed` when it differs from the previous one. */
  observed(symbol: string, changed: boolean, at: number): void {
    const h = this.#entry(symbol);
    if (changed) {
      h.changedAt = at;
      h.quietPolls = 0;
    } else h.quietPolls++;
  }

  /** Asks the strategy for the next cycle. */
  async plan(symbols: readonly string[], closing: boolean): Promise<StrategyPlan> {
    const ctx = await this.context(symbols, closing);
    const plan = await this.#opts.strategy.next(ctx);
    const live = new Set(symbols);
    const delayMs = Number.isFinite(plan?.delayMs) ? plan.delayMs : this.#opts.intervalMs;
    return { delayMs, symbols: (plan?.symbols ?? []).filter((s) => live.has(s)) };
  }

  /** The context a strategy sees now. */
  async context(symbols: readonly string[], closing: boolean): Promise<StrategyContext> {
    const o = this.#opts;
    const now = o.clock.now();
    let windowEndsAt: number | null = null;
    if (o.marketHoursOnly) {
      const state = marketState(o.calendar, now, o.extendedHours);
      windowEndsAt = state.open ? state.closesAt.getTime() : now;
    }
    return {
      now,
      symbols: [...symbols],
      intervalMs: o.intervalMs,
      lastCycleAt: this.#lastCycleAt,
      windowEndsAt,
      closing,
      budget: await this.#budget(),
      cost: (list) => requestCost(list.length, this.#mode()),
      history: this.#history,
    };
  }

  async #budget(): Promise<StreamingBudget | null> {
    const { extractor, logger } = this.#opts;
    if (typeof extractor.budget !== 'function') return null;
    try {
      return await extractor.budget();
    } catch (error) {
      // Without the store's count the strategy keeps to intervalMs; the limiter still guards.
      logger.warn('streaming: could not read the budget', { error: String(error) });
      return null;
    }
  }

  #entry(symbol: string): SymbolHistory {
    let h = this.#history.get(symbol);
    if (!h) {
      h = { polledAt: null, changedAt: null, quietPolls: 0 };
      this.#history.set(symbol, h);
    }
    return h;
  }
}

/** Requests one cycle over `n` symbols costs: one each, or one per 100 in bulk mode. */
export function requestCost(n: number, mode: 'quote' | 'bulk'): number {
  return mode === 'bulk' ? Math.ceil(n / BULK_CHUNK_SIZE) : n;
}
