/**
 * Polling strategies of the streaming service: when the next cycle runs and which symbols it asks
 * for. A strategy is one pure method, `next(ctx)`, so hosts can write their own.
 */

/**
 * What is left of the API key's budget, as the extractor's budget store counts it (so requests made
 * by other jobs and processes sharing the store count). `AlphaVantageExtractor.budget()` returns it.
 */
export interface StreamingBudget {
  /** The daily limit, or `null` when the plan has none. */
  perDay: number | null;
  /** Requests left today (`null` without a daily limit; `0` once the quota is spent). */
  remainingToday: number | null;
  /** When the budget day ends, or `null` without a daily limit. */
  resetsAt: Date | null;
  /** Requests allowed per minute, when known. */
  perMinute?: number | null;
}

/** What the service remembers of one symbol, for strategies that treat symbols differently. */
export interface SymbolHistory {
  /** When the symbol was last asked for (ms), or `null` when never in this run. */
  polledAt: number | null;
  /** When its quote last changed (ms), or `null` when never seen changing in this run. */
  changedAt: number | null;
  /** Polls in a row whose quote equalled the previous one (0 right after a change). */
  quietPolls: number;
}

/** Everything a strategy sees when it plans the next cycle. Read-only; built fresh each time. */
export interface StrategyContext {
  /** Clock time (ms since the epoch). */
  now: number;
  /** Symbols in the rotation, in order. */
  symbols: readonly string[];
  /** The `intervalMs` option: the shortest time between two cycles. */
  intervalMs: number;
  /** When the last cycle started (ms), or `null` when none ran yet in this session. */
  lastCycleAt: number | null;
  /**
   * When the polling window ends (ms): the close of the session (the post-market close with
   * `extendedHours`), or the end of the budget day when polling ignores market hours; `null` when
   * unknown.
   */
  windowEndsAt: number | null;
  /** True for the one cycle at the close (`pollAtClose`): its `delayMs` is ignored. */
  closing: boolean;
  /** The key's budget now, or `null` when the extractor does not report one. */
  budget: StreamingBudget | null;
  /** Requests one cycle over `symbols` costs (1 a symbol, or 1 per 100 symbols in bulk mode). */
  cost(symbols: readonly string[]): number;
  /** What happened to each symbol so far. */
  history: ReadonlyMap<string, SymbolHistory>;
}

/** A strategy's answer: wait `delayMs`, then poll `symbols`. */
export interface StrategyPlan {
  /** Milliseconds from `ctx.now` until the cycle; 0 (or less) polls at once. */
  delayMs: number;
  /** Symbols the cycle asks for (a subset of `ctx.symbols`); empty skips the cycle. */
  symbols: readonly string[];
}

/**
 * A polling strategy. The service calls `next` before every cycle and again, at least every
 * {@link STRATEGY_REPLAN_MS} while it waits, so a plan may change when someone else spends from the
 * budget. Plan from `ctx` alone (lastCycleAt, history, budget) so asking twice gives the same answer.
 *
 * @example
 * ```ts
 * // Poll every symbol every 5 minutes, but the first symbol every minute.
 * const strategy: StreamStrategy = {
 *   name: 'leader-first',
 *   next: (ctx) => {
 *     const due = (s: string, every: number) =>
 *       (ctx.history.get(s)?.polledAt ?? -Infinity) + every <= ctx.now;
 *     const symbols = ctx.symbols.filter((s, i) => due(s, i === 0 ? 60_000 : 300_000));
 *     return { delayMs: symbols.length > 0 ? 0 : 10_000, symbols };
 *   },
 * };
 * ```
 */
export interface StreamStrategy {
  /** Shown in logs and by the CLI. */
  readonly name: string;
  /** Plans the next cycle. May be async (e.g. to read something of the host's). */
  next(ctx: StrategyContext): StrategyPlan | Promise<StrategyPlan>;
}

/** The built-in strategies by name. */
export type StreamStrategyName = 'fixed' | 'budget' | 'adaptive';

/** Longest wait between two `next` calls, so a plan notices other spenders within this time. */
export const STRATEGY_REPLAN_MS = 60_000;

/**
 * `fixed`: every symbol every `intervalMs`, whatever the budget (the behaviour before strategies).
 */
export function fixedStrategy(): StreamStrategy {
  return {
    name: 'fixed',
    next: (ctx) => ({ delayMs: sinceLast(ctx, ctx.intervalMs), symbols: ctx.symbols }),
  };
}

/**
 * `budget`: every symbol, spaced so what is left of the key's daily budget lasts until the end of
 * the window (the close) — never closer than `intervalMs` nor the per-minute limit allows. With
 * `pollAtClose` the last planned cycle is the closing one, so at most one request's worth is left
 * at the close. Without a daily limit it behaves like `fixed` (bounded by the per-minute limit).
 */
export function budgetStrategy(): StreamStrategy {
  return {
    name: 'budget',
    next: (ctx) => {
      const cost = ctx.cost(ctx.symbols);
      const gap = budgetGap(ctx, cost);
      if (gap === null) return { delayMs: untilWindowEnd(ctx), symbols: [] };
      return { delayMs: sinceLast(ctx, gap), symbols: ctx.symbols };
    },
  };
}

/** Options of {@link adaptiveStrategy}. */
export interface AdaptiveStrategyOptions {
  /** Shortest per-symbol interval (right after a change). @default the service's `intervalMs` */
  floorMs?: number;
  /** Longest per-symbol interval (a quiet symbol). @default 16 × floor */
  ceilingMs?: number;
}

/**
 * `adaptive`: a symbol whose quote just changed is polled every `floorMs`; each quiet poll doubles
 * its interval up to `ceilingMs`. Cycles ask only for the symbols due, and are never closer than
 * the budget allows (the same spacing as `budget`, per request).
 */
export function adaptiveStrategy(options: AdaptiveStrategyOptions = {}): StreamStrategy {
  return {
    name: 'adaptive',
    next: (ctx) => {
      const floor = options.floorMs ?? ctx.intervalMs;
      const ceiling = Math.max(floor, options.ceilingMs ?? floor * 16);
      const dueAt = (s: string) => {
        const h = ctx.history.get(s);
        if (!h || h.polledAt === null) return Number.NEGATIVE_INFINITY;
        return h.polledAt + Math.min(ceiling, floor * 2 ** Math.min(h.quietPolls, 30));
      };
      const due = ctx.symbols.filter((s) => ctx.closing || dueAt(s) <= ctx.now);
      if (due.length === 0) {
        const soonest = Math.min(...ctx.symbols.map(dueAt));
        return { delayMs: Math.max(1, soonest - ctx.now), symbols: [] };
      }
      const gap = budgetGap(ctx, ctx.cost(due));
      if (gap === null) return { delayMs: untilWindowEnd(ctx), symbols: [] };
      return { delayMs: sinceLast(ctx, gap), symbols: due };
    },
  };
}

/** The strategy for an option value: a built-in by name, or the object itself. */
/** @internal */
export function resolveStrategy(strategy: StreamStrategyName | StreamStrategy): StreamStrategy {
  if (strategy === 'fixed') return fixedStrategy();
  if (strategy === 'budget') return budgetStrategy();
  if (strategy === 'adaptive') return adaptiveStrategy();
  return strategy;
}

/**
 * Time from the last cycle to the next one of `cost` requests, so the budget left lasts until the
 * window ends; `null` when the budget cannot pay for one more cycle.
 */
export function budgetGap(ctx: StrategyContext, cost: number): number | null {
  let gap = ctx.intervalMs;
  const perMinute = ctx.budget?.perMinute;
  if (perMinute) gap = Math.max(gap, (cost * 60_000) / perMinute);
  const remaining = ctx.budget?.remainingToday;
  if (remaining === null || remaining === undefined) return gap;
  const cycles = Math.floor(remaining / Math.max(1, cost));
  if (cycles <= 0) return null;
  if (ctx.closing) return 0;
  const end = windowEnd(ctx);
  if (end === null) return gap;
  const from = ctx.lastCycleAt ?? ctx.now;
  if (ctx.lastCycleAt === null) return 0; // the first cycle of a window runs at once
  return Math.max(gap, (end - from) / cycles);
}

/** The window end, capped by the budget's reset (a budget never outlives its day). */
function windowEnd(ctx: StrategyContext): number | null {
  const reset = ctx.budget?.resetsAt?.getTime() ?? null;
  if (ctx.windowEndsAt === null) return reset;
  return reset === null ? ctx.windowEndsAt : Math.min(reset, ctx.windowEndsAt);
}

function sinceLast(ctx: StrategyContext, gap: number): number {
  if (ctx.closing || ctx.lastCycleAt === null) return 0;
  return ctx.lastCycleAt + gap - ctx.now;
}

function untilWindowEnd(ctx: StrategyContext): number {
  const end = windowEnd(ctx);
  return end === null ? STRATEGY_REPLAN_MS : Math.max(1, end - ctx.now);
}
