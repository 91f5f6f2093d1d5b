/**
 * The `stock-etl` command line: a thin shell over the library. Reads `.env` and the environment,
 * parses and checks the arguments (the original system's spellings included) before opening
 * anything, opens the database (DATABASE_URL, else the embedded one), calls the library, prints.
 * Exit 0 on success; 1 when a job, a check or the database failed; 2 for bad usage; 130 after
 * Ctrl-C (143 after SIGTERM) — always with a one-line reason on stderr.
 */

import { version } from '../../package.json';
import { isStockEtlError, isValidationError } from '../errors';
import { type Command, parseInvocation } from './args';
import { health, initDb, status } from './commands/admin';
import { budget } from './commands/budget';
import { enqueue, worker } from './commands/queue';
import { backfill, run } from './commands/run';
import { schedule } from './commands/schedule';
import { stream } from './commands/stream';
import type { CliContext } from './context';
import { readEnv, withDotEnv } from './env';
import { DatabaseUnavailableError, NoSchemaError, type OpenedDb, openDb } from './open-db';
import { Interrupts } from './signals';
import { EXIT, UsageError } from './usage-error';

const USAGE = `Usage: stock-etl <command> [options]

Commands:
  init-db                                   install or upgrade the schema
  run SYMBOL... [--dataset DATASET]... [--table]
                                            run jobs (default dataset: daily); --table prints
                                            the per-job statistics table
  backfill SYMBOL --interval 1min --from YYYY-MM [--to YYYY-MM]
                                            load intraday history month by month (resumable)
  status                                    jobs of the last 24 h, freshness, table sizes
  health                                    health checks (exit 1 when unhealthy)
  stream SYMBOL... [--interval SECONDS] [--strategy fixed|budget|adaptive]
                 [--extended-hours] [--always]
                                            poll quotes into stock_quotes until Ctrl-C
  schedule SYMBOL... [--once] [--jobs NAMES] [--cron NAME=EXPR]... [--config FILE]
                     [--allow-over-budget]  the daily, intraday, weekly and health jobs on
                                            their times; --once runs each once and exits
  budget [reset|forget]                     the key's requests today, its daily-limit mark and
                                            premium refusals; reset clears today's daily-limit
                                            mark, forget the remembered refusals
  enqueue SYMBOL... [--dataset DATASET]...  queue jobs for workers (needs DATABASE_URL, pg-boss)
  enqueue SYMBOL --interval 1min --from YYYY-MM [--to YYYY-MM]
                                            queue a backfill, one job per month
  worker [--concurrency N] [--poll-interval SECONDS]
                                            run queued jobs until SIGTERM; every worker shares
                                            the key's limits through the database

The original system's spellings work too:
  --single SYMBOL            = run SYMBOL
  --batch SYMBOL... [--pipeline]
                             = run SYMBOL... [--table]
  --status                   = status
  --stream SYMBOL... [--stream-interval SECONDS]
                             = stream SYMBOL... [--interval SECONDS]
  --init-db                  = init-db

Options:
  --schema NAME    schema (default: $STOCK_ETL_SCHEMA or stock_etl)
  --json           one JSON object per line on stdout (every command)
  --no-progress    plain lines instead of the live progress display (run, backfill)
  -V, --version    the version
  -h, --help       this help

Environment (a .env file in the working directory is read too; the real environment wins):
  DATABASE_URL            PostgreSQL URL; unset: the embedded database in ./.stock-etl/
  ALPHA_VANTAGE_API_KEY   API key (run, backfill, stream, schedule)
  ALPHA_VANTAGE_BASE_URL  API origin (default https://www.alphavantage.co)
  ALPHA_VANTAGE_PLAN      free | premium-75 | premium-150 | premium-300 | premium-600 | premium-1200
  STOCK_ETL_SCHEMA        schema name
  STOCK_ETL_BUDGET_SCHEMA schema of the key's budget, shared by every data schema (default stock_etl)
  STOCK_ETL_DATA_DIR      embedded database folder (default ./.stock-etl)
  STOCK_ETL_QUEUE_SCHEMA  pg-boss schema of enqueue and worker (default pgboss)
  STOCK_ETL_QUEUE_MAINTENANCE_SECONDS
                          how often workers retry jobs of dead workers (default 60)

Exit codes: 0 ok, 1 a job/check/the database failed, 2 bad usage, 130 Ctrl-C, 143 SIGTERM.`;

const COMMANDS: Record<Command, (ctx: CliContext) => Promise<number>> = {
  'init-db': initDb,
  run,
  backfill,
  status,
  health,
  stream,
  schedule,
  budget,
  enqueue,
  worker,
};

/** Options of {@link main} (for tests and embedding). */
export interface MainOptions {
  /** Where `.env`, `--config` and the default `./.stock-etl` are looked up. @default process.cwd() */
  cwd?: string;
}

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code. Errors are
 * printed as one line on stderr.
 */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  options: MainOptions = {},
): Promise<number> {
  const interrupts = new Interrupts();
  const uninstall = interrupts.install();
  let opened: OpenedDb | undefined;
  try {
    const cwd = options.cwd ?? process.cwd();
    const { command, args, flags } = parseInvocation(argv);
    if (flags.version) {
      console.log(version);
      return EXIT.ok;
    }
    if (flags.help || !command) {
      console.log(USAGE);
      return flags.help ? EXIT.ok : EXIT.usage;
    }
    const settings = readEnv(withDotEnv(env, cwd), cwd, flags.schema);
    const ctx: CliContext = {
      command,
      args,
      flags,
      env: settings,
      cwd,
      json: flags.json === true,
      interrupts,
      open: async (how) => {
        opened ??= await openDb(settings, { ...how, signal: interrupts.signal });
        return opened;
      },
    };
    return await COMMANDS[command](ctx);
  } catch (error) {
    console.error(`stock-etl: ${reason(error).split('\n')[0]}`);
    if (interrupts.exitCode !== undefined) return interrupts.exitCode;
    return isUsage(error) ? EXIT.usage : EXIT.failed;
  } finally {
    uninstall();
    await opened?.close().catch(() => {});
  }
}

function isUsage(error: unknown): boolean {
  return (
    error instanceof UsageError ||
    isValidationError(error) ||
    String((error as { code?: unknown })?.code).startsWith('ERR_PARSE_ARGS')
  );
}

function reason(error: unknown): string {
  if (
    error instanceof UsageError ||
    error instanceof DatabaseUnavailableError ||
    error instanceof NoSchemaError ||
    isValidationError(error)
  ) {
    return error.message;
  }
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
