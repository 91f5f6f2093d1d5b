import type PgBoss from 'pg-boss';
import { INTRADAY_INTERVALS, type IntradayInterval } from '../../alpha-vantage/types';
import { installSchema } from '../../db/install';
import { PostgresRateLimit } from '../../load/postgres-rate-limit';
import { assertDataset, type Dataset } from '../../pipeline/datasets';
import { enqueueBackfill, enqueueBatch } from '../../queue/enqueue';
import { startWorker } from '../../queue/worker';
import { type CliContext, extractorFor, schemaOption } from '../context';
import { cliWords, requireApiKey } from '../env';
import { printJson } from '../progress';
import { EXIT, UsageError } from '../usage-error';
import { symbolsOf } from './run';

/**
 * `enqueue SYMBOL... [--dataset D]...` queues one job per symbol × dataset;
 * `enqueue SYMBOL --interval 1min --from YYYY-MM [--to YYYY-MM]` queues a backfill, one job per
 * month. Workers (`stock-etl worker`, on any machine) run them.
 */
export async function enqueue(ctx: CliContext): Promise<number> {
  const symbols = symbolsOf(ctx);
  const backfill = ctx.flags.interval !== undefined || ctx.flags.from !== undefined;
  let interval: IntradayInterval | undefined;
  if (backfill) {
    if (symbols.length !== 1) throw new UsageError('enqueue --interval takes exactly one SYMBOL');
    interval = ctx.flags.interval as IntradayInterval;
    if (!INTRADAY_INTERVALS.includes(interval)) {
      throw new UsageError(`enqueue a backfill with --interval ${INTRADAY_INTERVALS.join('|')}`);
    }
    if (!ctx.flags.from) throw new UsageError('enqueue a backfill with --from YYYY-MM');
    if (ctx.flags.dataset?.length) throw new UsageError('--dataset does not apply to a backfill');
  }
  const datasets = (ctx.flags.dataset?.length ? ctx.flags.dataset : ['daily']).map((d) => {
    cliWords(() => assertDataset(d), '--dataset');
    return d as Dataset;
  });
  const boss = await openBoss(ctx, { worker: false });
  try {
    const result =
      interval === undefined
        ? await enqueueBatch(boss, symbols, datasets)
        : await enqueueBackfill(boss, symbols[0] as string, {
            interval,
            from: cliWords(() => ctx.flags.from as string, '--from'),
            ...(ctx.flags.to ? { to: ctx.flags.to } : {}),
          });
    if (ctx.json) printJson({ event: 'enqueue', ...result });
    else {
      console.log(
        `queued ${result.queued} job(s)${result.alreadyQueued ? `; ${result.alreadyQueued} already waiting in the queue` : ''}`,
      );
    }
    return EXIT.ok;
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

/**
 * `worker [--concurrency N] [--poll-interval SECONDS]`: runs queued jobs until SIGTERM (finishes
 * the jobs in flight, at most 30 s, then hands the rest back to the queue) or Ctrl-C (aborts them:
 * they go back to the queue at once). Requests of every worker share the key's limits through
 * the database (`PostgresRateLimit`, `PostgresBudgetStore`).
 */
export async function worker(ctx: CliContext): Promise<number> {
  const concurrency = numberFlag(ctx.flags.concurrency, '--concurrency', 2, 1, true);
  const poll = numberFlag(ctx.flags['poll-interval'], '--poll-interval', 2, 0.5, false);
  const apiKey = requireApiKey(ctx.env);
  const boss = await openBoss(ctx, { worker: true, poll });
  try {
    // Two queues (jobs, backfill months) of `concurrency` jobs each; a job may hold a second
    // connection (its lease, the shared limiter), so a fixed pool of 4 would make them wait.
    const opened = await ctx.open({ create: true, poolSize: 4 + 4 * concurrency });
    await installSchema(opened.db, { ...schemaOption(ctx), signal: ctx.interrupts.signal });
    const extractor = extractorFor(ctx, opened, apiKey, {
      spends: true,
      sharedRateLimit: new PostgresRateLimit(opened.db, { schema: ctx.env.budgetSchema }),
    });
    const say = (line: string, event: object) =>
      ctx.json ? printJson(event) : console.error(line);
    const running = await startWorker({
      boss,
      db: opened.db,
      extractor,
      ...schemaOption(ctx),
      concurrency,
      pollingIntervalSeconds: poll,
      stopOnSignals: false,
      onJobStart: (e) => say(`start ${describe(e.data)}`, { event: 'job:start', ...e }),
      onJobEnd: (e) =>
        say(
          `${e.outcome} ${describe(e.data)}${e.error ? `: ${e.error.code}: ${e.error.message}` : ''}`,
          {
            event: 'job:end',
            ...e,
          },
        ),
    });
    say(`worker: ${concurrency} job(s) at a time per queue; SIGTERM to stop`, {
      event: 'worker:start',
      concurrency,
    });
    ctx.interrupts.onTerminate = () => void running.stop();
    ctx.interrupts.signal.addEventListener('abort', () => void running.stop(), { once: true });
    await running.done;
    say('worker: stopped', { event: 'worker:stop' });
    return ctx.interrupts.received === 'SIGINT' ? EXIT.sigint : EXIT.ok;
  } finally {
    await boss.stop({ graceful: true, wait: true, timeout: 5_000 });
  }
}

function describe(data: object): string {
  return Object.values(data).join(' ');
}

/** A started pg-boss on DATABASE_URL, or a usage error saying what is missing. */
async function openBoss(
  ctx: CliContext,
  options: { worker: boolean; poll?: number },
): Promise<PgBoss> {
  const url = ctx.env.databaseUrl;
  if (!url) {
    throw new UsageError(
      `${ctx.command} needs PostgreSQL (set DATABASE_URL): the queue lives in the database, and the embedded database serves one process`,
    );
  }
  let PgBossClass: typeof PgBoss;
  try {
    PgBossClass = (await import('pg-boss')).default;
  } catch {
    throw new UsageError(
      `${ctx.command} needs pg-boss, an optional dependency: npm install pg-boss@10`,
    );
  }
  const maintenance = Number(ctx.env.queueMaintenanceSeconds ?? 60);
  const boss = new PgBossClass({
    connectionString: url,
    schema: ctx.env.queueSchema,
    max: 4,
    application_name: `stock-etl ${ctx.command}`,
    // Only workers look after the queue (expire jobs of dead workers, archive old ones).
    supervise: options.worker,
    schedule: false,
    maintenanceIntervalSeconds: maintenance,
    ...(options.poll ? { pollingIntervalSeconds: options.poll } : {}),
  });
  boss.on('error', (error) => console.error(`stock-etl: queue: ${error.message}`));
  await boss.start();
  return boss;
}

function numberFlag(
  value: string | undefined,
  flag: string,
  fallback: number,
  min: number,
  integer: boolean,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `${flag} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}
