/**
 * `stock-etl budget [reset|forget] [--json]`: what the API key has spent today at its service,
 * the daily-limit mark, and what Alpha Vantage refused it as premium. `reset` clears today's
 * daily-limit mark (after an upgrade, or a wrong plan); `forget` drops the remembered refusals so
 * the next request asks again. The work is the extractor's; this file only prints.
 */
import type { KnownRefusal } from '../alpha-vantage/budget-store';
import type { AlphaVantageExtractor } from '../alpha-vantage/extractor';
import type { BudgetSnapshot } from '../alpha-vantage/rate-limiter';
import { DEFAULT_SCHEMA } from '../db/identifier';
import type { DbHandle } from '../db/types';
import { PostgresBudgetStore } from '../load/postgres-budget-store';

/** What `budget` can do besides showing. */
export const BUDGET_ACTIONS = ['reset', 'forget'] as const;

/** The help lines of the command. */
export const BUDGET_USAGE = `  budget [reset|forget] [--json]            the key's budget today and its premium refusals;
                                            reset clears today's daily-limit mark,
                                            forget the remembered refusals`;

/** The budget schema: `STOCK_ETL_BUDGET_SCHEMA`, else `stock_etl` — shared by every data schema. */
export function budgetSchemaOf(env: NodeJS.ProcessEnv): string {
  return env.STOCK_ETL_BUDGET_SCHEMA || DEFAULT_SCHEMA;
}

/**
 * The CLI's budget store: one key, one budget, whatever `STOCK_ETL_SCHEMA` the data goes to.
 * Commands that spend, and `budget`, install the budget schema on first use; `health` does not.
 */
export function budgetStoreFor(
  db: DbHandle,
  schema: string,
  install: boolean,
): PostgresBudgetStore {
  return new PostgresBudgetStore(db, { schema, install });
}

/** Runs `budget [reset|forget]`; resolves the exit code. */
export async function runBudget(
  extractor: AlphaVantageExtractor,
  action: string | undefined,
  json: boolean,
): Promise<number> {
  let done: string | undefined;
  if (action === 'reset') {
    done = (await extractor.clearDailyLimit())
      ? "cleared today's daily-limit mark"
      : 'there was no daily-limit mark today';
  } else if (action === 'forget') {
    done = `forgot ${await extractor.forgetRefusals()} premium refusal(s)`;
  }
  const [budget, refusals] = await Promise.all([extractor.budget(), extractor.refusals()]);
  console.log(
    json
      ? JSON.stringify({ ...(done ? { done } : {}), budget, refusals }, null, 2)
      : [...(done ? [done] : []), formatBudget(budget, refusals)].join('\n'),
  );
  return 0;
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
