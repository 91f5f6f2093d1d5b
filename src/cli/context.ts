import { AlphaVantageExtractor } from '../alpha-vantage/extractor';
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
  open(options: { create: boolean }): Promise<OpenedDb>;
}

/** `{ schema }` when one was chosen, for library calls. */
export function schemaOption(ctx: CliContext): { schema?: string } {
  return ctx.env.schema ? { schema: ctx.env.schema } : {};
}

/**
 * The extractor of a CLI run. Its daily budget lives in the database (`api_usage`), so separate
 * invocations — a cron job every hour, a backfill next to it — share one budget per key.
 */
export function extractorFor(
  ctx: CliContext,
  opened: OpenedDb,
  apiKey: string,
): AlphaVantageExtractor {
  return new AlphaVantageExtractor({
    apiKey,
    plan: ctx.env.plan,
    signal: ctx.interrupts.signal,
    budgetStore: new PostgresBudgetStore(opened.db, schemaOption(ctx)),
    ...(ctx.env.baseUrl ? { baseUrl: ctx.env.baseUrl } : {}),
  });
}
