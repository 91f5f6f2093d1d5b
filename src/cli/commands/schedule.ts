import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { normalizeSymbol } from '../../alpha-vantage/validate';
import { installSchema } from '../../db/install';
import { isAbortedError, isValidationError } from '../../errors';
import { Pipeline } from '../../pipeline/pipeline';
import { parseScheduleConfig, validateScheduleJobs } from '../../schedule/config';
import { createSchedule } from '../../schedule/schedule';
import type { ScheduleBudgetCheck, ScheduleJob, ScheduleRunResult } from '../../schedule/types';
import { type CliContext, extractorFor, schemaOption } from '../context';
import { cliWords, requireApiKey } from '../env';
import { printJson } from '../progress';
import { formatBudget, formatPlan, formatRun, formatZoned } from '../schedule-output';
import { EXIT, UsageError } from '../usage-error';

/**
 * `schedule SYMBOL... [--once] [--jobs NAMES] [--cron NAME=EXPR]... [--config FILE]`: the
 * original system's jobs on their times until Ctrl-C (abort, exit 130) or SIGTERM (finish the
 * running job, exit 0); `--once` runs each job once now and exits.
 */
export async function schedule(ctx: CliContext): Promise<number> {
  const { jobs, symbols } = jobsOf(ctx);
  const needsKey = jobs.some((j) => j.datasets !== undefined);
  const apiKey = needsKey ? requireApiKey(ctx.env) : ctx.env.apiKey;
  const opened = await ctx.open({ create: true });
  await installSchema(opened.db, { ...schemaOption(ctx), signal: ctx.interrupts.signal });
  const extractor = apiKey ? extractorFor(ctx, opened, apiKey, { spends: true }) : undefined;
  const pipeline = extractor
    ? new Pipeline({ db: opened.db, extractor, ...schemaOption(ctx) })
    : undefined;
  const s = createSchedule({
    jobs,
    symbols,
    db: opened.db,
    ...schemaOption(ctx),
    ...(pipeline ? { pipeline } : {}),
    ...(extractor ? { budget: extractor } : {}),
    overBudget: ctx.flags['allow-over-budget'] ? 'warn' : 'refuse',
    signal: ctx.interrupts.signal,
  });
  const nextAt = new Map<string, Date>();
  const print = (r: ScheduleRunResult) => {
    if (ctx.json) printJson({ event: 'job:finish', ...r });
    else console.log(formatRun(r, nextAt.get(r.job), s.timeZone));
  };
  const printBudget = (check: ScheduleBudgetCheck) => {
    if (ctx.json) printJson({ event: 'budget', ...check });
    else console.log(formatBudget(check));
  };
  s.on('job:finish', print);
  try {
    if (ctx.flags.once) {
      printBudget(await s.checkBudget());
      const results = await s.runOnce();
      const failed = results.filter((r) => r.status !== 'success').length;
      return ctx.interrupts.exitCode ?? (failed === 0 ? EXIT.ok : EXIT.failed);
    }
    s.on('job:start', (e) => {
      if (ctx.json) printJson({ event: 'job:start', ...e });
    });
    s.on('job:skipped', (e) => {
      if (ctx.json) printJson({ event: 'job:skipped', ...e });
      else
        console.log(
          `${formatZoned(e.scheduledAt, s.timeZone)} ${e.job} skipped: the run started ${formatZoned(e.runningSince, s.timeZone)} is still going`,
        );
    });
    s.on('job:scheduled', (e) => {
      nextAt.set(e.job, e.at);
      if (ctx.json) printJson({ event: 'job:scheduled', ...e });
      else if (e.passedOver.length) {
        console.log(
          `${e.job}: market closed ${e.passedOver.join(', ')}; next run ${formatZoned(e.at, s.timeZone)}`,
        );
      }
    });
    s.on('schedule:start', (e) => {
      printBudget(e.budget);
      if (ctx.json) printJson({ event: 'schedule:start', next: e.next, timeZone: s.timeZone });
      else console.log(formatPlan(jobs, e.next, s.timeZone));
    });
    const stopped = new Promise<void>((done) => s.on('stop', () => done()));
    ctx.interrupts.onTerminate = () => void s.stop();
    await s.start();
    await stopped;
    return ctx.interrupts.exitCode ?? EXIT.ok;
  } catch (error) {
    // SIGTERM while starting: nothing ran, nothing to finish — a clean stop.
    if (isAbortedError(error) && ctx.interrupts.received === 'SIGTERM') return EXIT.ok;
    if (isValidationError(error) && error.field === 'budget') {
      throw new UsageError(
        `${error.message}. Run intraday less often (--cron intraday='0 10-16 * * 1-5'), choose jobs (--jobs daily,weekly,health), use fewer symbols, set ALPHA_VANTAGE_PLAN to your premium plan, or pass --allow-over-budget`,
      );
    }
    throw error;
  }
}

/** The jobs and symbols from `--config`, the built-in defaults, `--cron` and `--jobs`, checked. */
function jobsOf(ctx: CliContext): { jobs: ScheduleJob[]; symbols: string[] } {
  let config: ReturnType<typeof parseScheduleConfig> | undefined;
  if (ctx.flags.config) {
    const file = resolve(ctx.cwd, ctx.flags.config);
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new UsageError(`--config ${file}: ${(error as Error).message}`);
    }
    config = cliWords(() => parseScheduleConfig(value, { plan: ctx.env.plan }));
  }
  const plan = { plan: ctx.env.plan };
  let jobs = config?.jobs ?? cliWords(() => parseScheduleConfig({}, plan).jobs);
  for (const spec of ctx.flags.cron ?? []) {
    const eq = spec.indexOf('=');
    const name = spec.slice(0, eq);
    if (eq < 1 || !jobs.some((j) => j.name === name)) {
      throw new UsageError(
        `--cron takes NAME=EXPRESSION with NAME one of ${jobs.map((j) => j.name).join(', ')}, got ${JSON.stringify(spec)}`,
      );
    }
    jobs = jobs.map((j) => (j.name === name ? { ...j, cron: spec.slice(eq + 1) } : j));
  }
  if (ctx.flags.jobs !== undefined) {
    const names = ctx.flags.jobs
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    const unknown = names.filter((n) => !jobs.some((j) => j.name === n));
    if (names.length === 0 || unknown.length) {
      throw new UsageError(
        `--jobs takes names from ${jobs.map((j) => j.name).join(', ')}, got ${JSON.stringify(ctx.flags.jobs)}`,
      );
    }
    jobs = jobs.filter((j) => names.includes(j.name));
  }
  const raw = ctx.args.length ? ctx.args : (config?.symbols ?? []);
  const symbols = raw.map((s) => cliWords(() => normalizeSymbol(s, 'SYMBOL')));
  if (symbols.length === 0 && jobs.some((j) => j.datasets && !j.symbols)) {
    throw new UsageError('schedule needs at least one SYMBOL (or "symbols" in --config)');
  }
  cliWords(() => validateScheduleJobs(jobs, { symbols }));
  return { jobs, symbols };
}
