import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import dotenv from 'dotenv';
import { type AlphaVantagePlan, PLANS, resolveOptions } from '../alpha-vantage/options';
import { DEFAULT_SCHEMA, quoteSchema } from '../db/identifier';
import { isValidationError } from '../errors';
import { UsageError } from './usage-error';

/** Settings the CLI reads from the environment (after `.env`). */
export interface CliEnv {
  databaseUrl: string | undefined;
  dataDir: string;
  apiKey: string | undefined;
  baseUrl: string | undefined;
  plan: AlphaVantagePlan;
  schema: string | undefined;
  /** Schema of the key's shared budget and remembered refusals (`STOCK_ETL_BUDGET_SCHEMA`). */
  budgetSchema: string;
  /** pg-boss schema of `enqueue` and `worker` (`STOCK_ETL_QUEUE_SCHEMA`). */
  queueSchema: string;
  /** How often workers look for jobs of dead workers, seconds (`STOCK_ETL_QUEUE_MAINTENANCE_SECONDS`). */
  queueMaintenanceSeconds: number | undefined;
}

/**
 * The environment with `.env` of `cwd` underneath it, like the original system: a variable set in
 * the real environment wins over the file (even when set to an empty string). A missing file is
 * fine; an unreadable one is reported.
 */
export function withDotEnv(env: NodeJS.ProcessEnv, cwd: string): NodeJS.ProcessEnv {
  let text: string;
  try {
    text = readFileSync(join(cwd, '.env'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return env;
    throw new UsageError(`cannot read ${join(cwd, '.env')}: ${(error as Error).message}`);
  }
  return { ...dotenv.parse(text), ...env };
}

/**
 * Reads and checks the settings, in the CLI's words: every message names the variable (or flag)
 * to fix, never a library option, and never prints a password or the API key.
 */
export function readEnv(env: NodeJS.ProcessEnv, cwd: string, schemaFlag?: string): CliEnv {
  const plan = (env.ALPHA_VANTAGE_PLAN || 'free') as AlphaVantagePlan;
  if (!PLANS.includes(plan)) {
    throw new UsageError(`ALPHA_VANTAGE_PLAN must be one of ${PLANS.join(', ')}`);
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined) checkDatabaseUrl(databaseUrl);
  const schema = schemaFlag ?? (env.STOCK_ETL_SCHEMA || undefined);
  if (schema !== undefined) {
    cliWords(() => quoteSchema(schema, schemaFlag !== undefined ? '--schema' : 'STOCK_ETL_SCHEMA'));
  }
  // One key, one budget: the budget lives in one schema shared by every data schema.
  const budgetSchema = env.STOCK_ETL_BUDGET_SCHEMA || DEFAULT_SCHEMA;
  cliWords(() => quoteSchema(budgetSchema, 'STOCK_ETL_BUDGET_SCHEMA'));
  const settings: CliEnv = {
    databaseUrl,
    dataDir: resolve(cwd, env.STOCK_ETL_DATA_DIR || '.stock-etl'),
    apiKey: env.ALPHA_VANTAGE_API_KEY || undefined,
    baseUrl: env.ALPHA_VANTAGE_BASE_URL || undefined,
    plan,
    schema,
    budgetSchema,
    queueSchema: env.STOCK_ETL_QUEUE_SCHEMA || 'pgboss',
    queueMaintenanceSeconds: maintenanceSeconds(env.STOCK_ETL_QUEUE_MAINTENANCE_SECONDS),
  };
  checkExtractorSettings(settings);
  return settings;
}

function maintenanceSeconds(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(
      `STOCK_ETL_QUEUE_MAINTENANCE_SECONDS must be a whole number of seconds ≥ 1, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** The API key, or a usage error that says where to get one. */
export function requireApiKey(env: CliEnv): string {
  if (!env.apiKey) {
    throw new UsageError(
      'ALPHA_VANTAGE_API_KEY is not set (get a free key at https://www.alphavantage.co/support/#api-key, then set it in the environment or in .env)',
    );
  }
  return env.apiKey;
}

/** `DATABASE_URL` for messages: scheme, user, host, port and database; the password masked. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable)';
  }
}

function checkDatabaseUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  // The value is not echoed: a malformed URL may still hold a password.
  if (!parsed || !['postgres:', 'postgresql:'].includes(parsed.protocol) || !parsed.hostname) {
    throw new UsageError(
      'DATABASE_URL must be a postgres://user:password@host:port/database URL (unset it to use the embedded database)',
    );
  }
}

/** The extractor's own option checks, reworded with the variable a CLI user sets. */
function checkExtractorSettings(settings: CliEnv): void {
  try {
    resolveOptions({
      apiKey: settings.apiKey ?? 'placeholder',
      plan: settings.plan,
      ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
    });
  } catch (error) {
    const field = isValidationError(error) ? error.field : undefined;
    if (field === 'options.baseUrl') {
      throw new UsageError(
        `ALPHA_VANTAGE_BASE_URL must be an http(s) URL such as https://www.alphavantage.co, got ${JSON.stringify(settings.baseUrl)}`,
      );
    }
    if (field === 'options.apiKey') {
      throw new UsageError(
        'ALPHA_VANTAGE_API_KEY must be the key alone, without spaces or URL characters (& # ? /)',
      );
    }
    throw error;
  }
}

/**
 * Runs a library check and turns its ValidationError into a usage error with the same words,
 * after `flag` when the library's message does not name it.
 */
export function cliWords<T>(check: () => T, flag?: string): T {
  try {
    return check();
  } catch (error) {
    if (isValidationError(error)) {
      throw new UsageError(flag ? `${flag}: ${error.message}` : error.message);
    }
    throw error;
  }
}
