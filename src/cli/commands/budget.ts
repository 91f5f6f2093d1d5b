/**
 * `stock-etl budget [reset|forget]`: what the API key has spent today at its service, the
 * daily-limit mark, and what Alpha Vantage refused it as premium. `reset` clears today's
 * daily-limit mark (after an upgrade, or a wrong plan); `forget` drops the remembered refusals so
 * the next request asks again. The work is the extractor's; this file only checks and prints.
 */
import type { KnownRefusal } from '../../alpha-vantage/budget-store';
import type { BudgetSnapshot } from '../../alpha-vantage/rate-limiter';
import { type CliContext, extractorFor } from '../context';
import { requireApiKey } from '../env';
import { printJson } from '../progress';
import { EXIT, UsageError } from '../usage-error';

/** What `budget` can do besides showing. */
export const BUDGET_ACTIONS = ['reset', 'forget'] as const;

/** `budget [reset|forget]`: needs the key (the budget is the key's); installs the budget schema. */
export async function budget(ctx: CliContext): Promise<number> {
  const [action, ...extra] = ctx.args;
  if (extra.length > 0 || (action !== undefined && !BUDGET_ACTIONS.includes(action as never))) {
    throw new UsageError(
      `budget takes ${BUDGET_ACTIONS.join(' or ')} (or nothing), not ${JSON.stringify(ctx.args.join(' '))}`,
    );
  }
  const apiKey = requireApiKey(ctx.env);
  const opened = await ctx.open({ create: true });
  // `spends`: the budget schema is installed when missing, as by the commands that spend.
  const extractor = extractorFor(ctx, opened, apiKey, { spends: true });
  let done: string | undefined;
  if (action === 'reset') {
    done = (await extractor.clearDailyLimit())
      ? "cleared today's daily-limit mark"
      : 'there was no daily-limit mark today';
  } else if (action === 'forget') {
    done = `forgot ${await extractor.forgetRefusals()} premium refusal(s)`;
  }
  const [snapshot, refusals] = await Promise.all([extractor.budget(), extractor.refusals()]);
  if (ctx.json) printJson({ ...(done ? { done } : {}), budget: snapshot, refusals });
  else console.log([...(done ? [done] : []), formatBudget(snapshot, refusals)].join('\n'));
  return EXIT.ok;
}

/** The budget and refusals as text. */
export function formatBudget(b: BudgetSnapshot, refusals: readonly KnownRefusal[]): string {
  const lines = [
    `API budget at ${b.origin} on ${b.day}: ${b.usedToday} request(s) used${
      b.perDay === null ? ' (no daily limit)' : `, ${b.remainingToday} of ${b.perDay} left`
    }`,
  ];
  if (b.exhausted) {
    lines.push(
      `  daily limit reached (Alpha Vantage said so); resets at ${b.resetsAt?.toISOString()} — 'stock-etl budget reset' clears the mark`,
    );
  }
  lines.push(refusals.length === 0 ? 'premium refusals: none remembered' : 'premium refusals:');
  for (const r of refusals) {
    const what = r.parameter
      ? `${r.endpoint} ${r.parameter.name}=${r.parameter.value}`
      : r.endpoint;
    lines.push(`  ${what} (plan ${r.plan}, refused ${r.refusedAt.toISOString()})`);
  }
  return lines.join('\n');
}
