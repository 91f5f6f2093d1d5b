import type { ResolvedStreamingOptions } from './options';
import { requestCost } from './planner';
import type { StrategyContext, SymbolHistory } from './strategy';

/** Most cycles one estimate simulates (a 1-second interval over 24 hours is 86 400). */
const MAX_SIMULATED_CYCLES = 200_000;

/**
 * Requests the strategy spends over one whole polling window — the next session (or the current
 * one, from its start) with `marketHoursOnly`, else 24 hours — starting with `perDay` requests
 * left, assuming every quote changes (an upper bound for `adaptive`). Runs the strategy on a
 * simulated clock; sends nothing. @internal
 */
export async function estimateDailyRequests(
  opts: ResolvedStreamingOptions,
  symbols: readonly string[],
  mode: 'quote' | 'bulk',
  perDay: number | null,
): Promise<number> {
  const now = opts.clock.now();
  let start = now;
  let end = now + 86_400_000;
  if (opts.marketHoursOnly) {
    const day = opts.calendar.isOpen(new Date(now), { extendedHours: opts.extendedHours })
      ? new Date(now)
      : opts.calendar.nextOpen(new Date(now), { extendedHours: opts.extendedHours });
    const session = opts.calendar.session(day);
    if (session) {
      start = (opts.extendedHours ? session.preOpen : session.open).getTime();
      end = (opts.extendedHours ? session.postClose : session.close).getTime();
    }
  }
  const history = new Map<string, SymbolHistory>();
  let spent = 0;
  let lastCycleAt: number | null = null;
  let t = start;
  const ctx = (closing: boolean): StrategyContext => ({
    now: t,
    symbols,
    intervalMs: opts.intervalMs,
    lastCycleAt,
    windowEndsAt: opts.marketHoursOnly ? end : null,
    closing,
    budget:
      perDay === null
        ? null
        : { perDay, remainingToday: Math.max(0, perDay - spent), resetsAt: new Date(end + 1) },
    cost: (list) => requestCost(list.length, mode),
    history,
  });
  const poll = (list: readonly string[]): boolean => {
    const cost = requestCost(list.length, mode);
    if (perDay !== null && spent + cost > perDay) {
      spent = perDay; // the limiter refuses what the budget cannot pay: the day ends here
      return false;
    }
    spent += cost;
    lastCycleAt = t;
    for (const s of list) {
      const h = history.get(s) ?? { polledAt: null, changedAt: null, quietPolls: 0 };
      history.set(s, { ...h, polledAt: t, changedAt: t, quietPolls: 0 });
    }
    return true;
  };
  let cycles = 0;
  let open = true;
  while (t < end && cycles++ < MAX_SIMULATED_CYCLES && open) {
    const plan = await opts.strategy.next(ctx(false));
    if (plan.delayMs > 0 || plan.symbols.length === 0) {
      t += plan.delayMs > 0 ? plan.delayMs : opts.intervalMs;
      continue;
    }
    open = poll(plan.symbols);
  }
  if (open && opts.marketHoursOnly && opts.pollAtClose && lastCycleAt !== null) {
    t = end;
    const plan = await opts.strategy.next(ctx(true));
    if (plan.symbols.length > 0) poll(plan.symbols);
  }
  return spent;
}
