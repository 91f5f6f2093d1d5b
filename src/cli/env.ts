import { type AlphaVantagePlan, PLANS } from '../alpha-vantage/options';
import { ValidationError } from '../errors/validation-error';

/** Settings the CLI reads from the environment. */
export interface CliEnv {
  databaseUrl: string | undefined;
  dataDir: string;
  apiKey: string | undefined;
  baseUrl: string | undefined;
  plan: AlphaVantagePlan;
  schema: string | undefined;
}

/** Reads `DATABASE_URL`, `ALPHA_VANTAGE_API_KEY`, `ALPHA_VANTAGE_BASE_URL`, `ALPHA_VANTAGE_PLAN`, `STOCK_ETL_SCHEMA`, `STOCK_ETL_DATA_DIR`. */
export function readEnv(env: NodeJS.ProcessEnv): CliEnv {
  const plan = (env.ALPHA_VANTAGE_PLAN || 'free') as AlphaVantagePlan;
  if (!PLANS.includes(plan)) {
    throw new ValidationError(`ALPHA_VANTAGE_PLAN must be one of ${PLANS.join(', ')}`, {
      field: 'ALPHA_VANTAGE_PLAN',
    });
  }
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.STOCK_ETL_DATA_DIR || './.stock-etl',
    apiKey: env.ALPHA_VANTAGE_API_KEY || undefined,
    baseUrl: env.ALPHA_VANTAGE_BASE_URL || undefined,
    plan,
    schema: env.STOCK_ETL_SCHEMA || undefined,
  };
}
