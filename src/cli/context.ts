import { AlphaVantageExtractor } from '../alpha-vantage/extractor';
import type { SharedRateLimit } from '../alpha-vantage/shared-rate-limit';
import { DEFAULT_SCHEMA } from '../db/identifier';
import { PostgresBudgetStore } from '../load/postgres-budget-store';
import type { Command, Flags } from './args';
import type { CliEnv } from './env';
import type { OpenedDb } from './open-db';
import type { Interrupts } from './signals';

/** What a command gets from `main`. */
export interface CliContext {
  command: Command;
  /** Positional arguments after the command (symbols). */
  args: string[];
  flags: Flags;
  env: CliEnv;
  /** The working directory (`.env`, `--config`). */
  cwd: string;
  /** `--json`: one JSON object per line on stdout. */
  json: boolean;
  interrupts: Interrupts;
  /** Opens the database (once; `main` closes it). Call it after validating the arguments. */
  open(options: { create: boolean; poolSize?: number }): Promise<OpenedDb>;
}

/** `{ schema }` when one was chosen, for library calls. */
export function schemaOption(ctx: CliContext): { schema?: string } {
  return ctx.env.schema ? { schema: ctx.env.schema } : {};
}

/**
 * The extractor of a CLI run. Its budget and premium refusals live in the database, in one budget
 * schema for every data schema (`STOCK_ETL_BUDGET_SCHEMA`), so separate invocations — a cron job
 * every hour, a backfill next to it, another data schema — share one budget per key. A command
 * that spends (`spends`) installs the budget schema on first use; `health` only reads it.
 */
export function extractorFor(
  ctx: CliContext,
  opened: OpenedDb,
  apiKey: string,
  options: { spends: boolean; sharedRateLimit?: SharedRateLimit },
): AlphaVantageExtractor {
  const { budgetSchema } = ctx.env;
  // The data schema is installed by the command itself; only a separate budget schema needs it.
  const install = options.spends && budgetSchema !== (ctx.env.schema ?? DEFAULT_SCHEMA);
  return new AlphaVantageExtractor({
    apiKey,
    plan: ctx.env.plan,
    signal: ctx.interrupts.signal,
    budgetStore: new PostgresBudgetStore(opened.db, { schema: budgetSchema, install }),
    ...(ctx.env.baseUrl ? { baseUrl: ctx.env.baseUrl } : {}),
    ...(options.sharedRateLimit ? { sharedRateLimit: options.sharedRateLimit } : {}),
  });
}
