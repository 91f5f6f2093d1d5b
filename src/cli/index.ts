/**
 * The `stock-etl` command line: a thin shell over the library. Parses arguments and the
 * environment, opens the database (DATABASE_URL, else the embedded one in ./.stock-etl), calls the
 * library, prints a summary. Exit 0 on success; 1 when a job or check failed; 2 for bad usage —
 * always with a one-line reason on stderr.
 */
import { parseArgs } from 'node:util';
import { AlphaVantageExtractor } from '../alpha-vantage/extractor';
import { INTRADAY_INTERVALS, type IntradayInterval } from '../alpha-vantage/types';
import { createEmbeddedDb } from '../db/embedded';
import { DEFAULT_SCHEMA } from '../db/identifier';
import { installSchema } from '../db/install';
import type { DbHandle } from '../db/types';
import { isValidationError } from '../errors';
import { isStockEtlError } from '../errors/stock-etl-error';
import { type Dataset, getStatus, healthCheck, Pipeline } from '../pipeline';
import { StreamingService } from '../streaming';
import { BUDGET_ACTIONS, BUDGET_USAGE, budgetSchemaOf, budgetStoreFor, runBudget } from './budget';
import { type CliEnv, readEnv } from './env';
import { formatBackfill, formatBatch, formatHealth, formatStatus } from './output';

const USAGE = `Usage: stock-etl <command> [options]

Commands:
  init-db                                   install or upgrade the schema
  run SYMBOL... [--dataset DATASET]...      run jobs (default dataset: daily)
  backfill SYMBOL --interval 1min --from YYYY-MM [--to YYYY-MM]
                                            load intraday history month by month (resumable)
  status [--json]                           jobs of the last 24 h, freshness, table sizes
  health [--json]                           health checks (exit 1 when unhealthy)
  stream SYMBOL... [--interval SECONDS] [--extended-hours] [--always]
                                            poll quotes into stock_quotes until Ctrl-C
${BUDGET_USAGE}

Options:
  --schema NAME   schema (default: $STOCK_ETL_SCHEMA or stock_etl)
  --json          machine-readable output
  -h, --help      this help

Environment:
  DATABASE_URL            PostgreSQL URL; unset: the embedded database in ./.stock-etl/
  ALPHA_VANTAGE_API_KEY   API key (run, backfill, stream)
  ALPHA_VANTAGE_BASE_URL  API origin (default https://www.alphavantage.co)
  ALPHA_VANTAGE_PLAN      free | premium-75 | premium-150 | premium-300 | premium-600 | premium-1200
  STOCK_ETL_SCHEMA        schema name
  STOCK_ETL_BUDGET_SCHEMA schema of the key's budget, shared by every data schema (default stock_etl)
  STOCK_ETL_DATA_DIR      embedded database folder (default ./.stock-etl)`;

class UsageError extends Error {}

interface Opened {
  db: DbHandle;
  close: () => Promise<void>;
}

async function openDb(env: CliEnv): Promise<Opened> {
  if (env.databaseUrl) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: env.databaseUrl, max: 4 });
    return { db: pool, close: () => pool.end() };
  }
  const db = await createEmbeddedDb({ dataDir: env.dataDir });
  return { db, close: () => db.close() };
}

function requireApiKey(env: CliEnv): string {
  if (!env.apiKey) {
    throw new UsageError(
      'ALPHA_VANTAGE_API_KEY is not set (get a free key at https://www.alphavantage.co/support/#api-key)',
    );
  }
  return env.apiKey;
}

/**
 * The extractor of a CLI run. Its budget and premium refusals live in the database, in one budget
 * schema for every data schema, so separate invocations — a cron job every hour, a backfill next
 * to it, another schema — share one budget per key.
 */
function extractorFor(
  env: CliEnv,
  apiKey: string,
  db: DbHandle,
  budget: { schema: string; install: boolean },
  signal: AbortSignal,
): AlphaVantageExtractor {
  return new AlphaVantageExtractor({
    apiKey,
    plan: env.plan,
    signal,
    budgetStore: budgetStoreFor(db, budget.schema, budget.install),
    ...(env.baseUrl ? { baseUrl: env.baseUrl } : {}),
  });
}

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code. Errors are
 * printed as one line on stderr: 2 for bad usage, 1 for anything else.
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    return await execute(argv, env);
  } catch (error) {
    console.error(`stock-etl: ${reason(error).split('\n')[0]}`);
    const usage =
      error instanceof UsageError ||
      isValidationError(error) ||
      String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    return usage ? 2 : 1;
  }
}

async function execute(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dataset: { type: 'string', multiple: true },
      interval: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      schema: { type: 'string' },
      json: { type: 'boolean', default: false },
      'extended-hours': { type: 'boolean', default: false },
      always: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const settings = readEnv(env);
  const schema = values.schema ?? settings.schema;
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const needsArgs = (what: string) => {
    if (args.length === 0) throw new UsageError(`${command} needs ${what}`);
  };
  // Validate what can be validated before opening anything.
  if (command === 'run' || command === 'stream') needsArgs('at least one SYMBOL');
  if (command === 'backfill') {
    if (args.length !== 1) throw new UsageError('backfill needs exactly one SYMBOL');
    if (!values.interval || !INTRADAY_INTERVALS.includes(values.interval as IntradayInterval)) {
      throw new UsageError(`backfill needs --interval ${INTRADAY_INTERVALS.join('|')}`);
    }
    if (!values.from) throw new UsageError('backfill needs --from YYYY-MM');
  }
  if (command === 'budget' && args.length > 0 && !BUDGET_ACTIONS.includes(args[0] as never)) {
    throw new UsageError(`budget takes ${BUDGET_ACTIONS.join(' or ')}, not "${args[0]}"`);
  }
  if (!['init-db', 'run', 'backfill', 'status', 'health', 'stream', 'budget'].includes(command)) {
    throw new UsageError(`unknown command "${command}" (see stock-etl --help)`);
  }
  const spends = command === 'run' || command === 'backfill' || command === 'stream';
  const apiKey = spends || command === 'budget' ? requireApiKey(settings) : settings.apiKey;
  const budgetSchema = budgetSchemaOf(env);
  const opened = await openDb(settings);
  const extractor = apiKey
    ? extractorFor(
        settings,
        apiKey,
        opened.db,
        {
          schema: budgetSchema,
          install: (spends || command === 'budget') && budgetSchema !== (schema ?? DEFAULT_SCHEMA),
        },
        controller.signal,
      )
    : undefined;
  try {
    switch (command) {
      case 'init-db': {
        const r = await installSchema(opened.db, { schema, signal: controller.signal });
        // The key's budget lives in its own (shared) schema: make sure it is there too.
        if (budgetSchema !== r.schema) await installSchema(opened.db, { schema: budgetSchema });
        console.log(
          values.json
            ? JSON.stringify(r)
            : r.applied.length
              ? `schema ${r.schema}: applied migration(s) ${r.applied.join(', ')}; now at version ${r.current}`
              : `schema ${r.schema} is current (version ${r.current})`,
        );
        return 0;
      }
      case 'status': {
        const s = await getStatus(opened.db, { schema });
        console.log(values.json ? JSON.stringify(s, null, 2) : formatStatus(s));
        return 0;
      }
      case 'health': {
        // With a key, the check also reports the budget left today (shared through the database).
        const h = await healthCheck(opened.db, { schema, ...(extractor ? { extractor } : {}) });
        console.log(values.json ? JSON.stringify(h, null, 2) : formatHealth(h));
        return h.ok ? 0 : 1;
      }
      case 'budget':
        return await runBudget(extractor!, args[0], values.json);
      case 'run': {
        await installSchema(opened.db, { schema, signal: controller.signal });
        const pipeline = new Pipeline({ db: opened.db, extractor: extractor!, schema });
        const datasets = (values.dataset?.length ? values.dataset : ['daily']) as Dataset[];
        const batch = await pipeline.runBatch(args, datasets, { signal: controller.signal });
        console.log(values.json ? JSON.stringify(batch, null, 2) : formatBatch(batch));
        return batch.failed === 0 ? 0 : 1;
      }
      case 'backfill': {
        await installSchema(opened.db, { schema, signal: controller.signal });
        const pipeline = new Pipeline({ db: opened.db, extractor: extractor!, schema });
        const r = await pipeline.backfillIntraday(args[0] as string, {
          interval: values.interval as IntradayInterval,
          from: values.from as string,
          ...(values.to ? { to: values.to } : {}),
          signal: controller.signal,
          onProgress: (p) => {
            if (!values.json)
              console.error(`  ${p.month.month} ${p.month.status} (${p.done}/${p.total})`);
          },
        });
        console.log(values.json ? JSON.stringify(r, null, 2) : formatBackfill(r));
        return r.status === 'success' ? 0 : 1;
      }
      default: {
        // stream
        await installSchema(opened.db, { schema, signal: controller.signal });
        const seconds = values.interval === undefined ? 60 : Number(values.interval);
        if (!Number.isFinite(seconds) || seconds < 1)
          throw new UsageError('--interval must be a number of seconds ≥ 1');
        const stream = new StreamingService({
          db: opened.db,
          extractor: extractor!,
          symbols: args,
          ...(schema ? { schema } : {}),
          intervalMs: seconds * 1000,
          extendedHours: values['extended-hours'],
          marketHoursOnly: !values.always,
        });
        stream.on('quote', (q) =>
          console.log(
            values.json
              ? JSON.stringify(q)
              : `${q.observedAt} ${q.symbol} ${q.price} (${q.changePercent ?? '?'}%)`,
          ),
        );
        stream.on('market:closed', (e) =>
          console.error(`market closed; next open ${e.nextOpen.toISOString()}`),
        );
        stream.on('error', (e) =>
          console.error(`error${e.symbol ? ` ${e.symbol}` : ''}: ${e.error.message}`),
        );
        await stream.start();
        await new Promise<void>((resolve) =>
          controller.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        await stream.stop();
        return 0;
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await opened.close();
  }
}

function reason(error: unknown): string {
  if (error instanceof UsageError || isValidationError(error)) return error.message;
  if (isStockEtlError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

// Run when executed as the bin (not when imported by tests).
const invoked = process.argv[1] ?? '';
if (/(?:^|[\\/])(?:cli\.(?:c?js|ts)|stock-etl|index\.ts)$/.test(invoked)) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
