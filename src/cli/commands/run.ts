import type { AlphaVantageExtractor } from '../../alpha-vantage/extractor';
import { INTRADAY_INTERVALS, type IntradayInterval } from '../../alpha-vantage/types';
import { normalizeSymbol } from '../../alpha-vantage/validate';
import { installSchema } from '../../db/install';
import { assertDataset, type Dataset } from '../../pipeline/datasets';
import { Pipeline } from '../../pipeline/pipeline';
import { monthsBetween, newYorkMonth, parseMonth } from '../../pipeline/planning';
import { type CliContext, extractorFor, schemaOption } from '../context';
import { cliWords, requireApiKey } from '../env';
import { formatBackfill, formatJob, formatJobTable, formatTotals } from '../output';
import { Progress, printJson, progressMode } from '../progress';
import { EXIT, UsageError } from '../usage-error';

/** Symbols from the command line, checked and normalised before anything is opened. */
export function symbolsOf(ctx: CliContext, min = 1): string[] {
  if (ctx.args.length < min) throw new UsageError(`${ctx.command} needs at least one SYMBOL`);
  return ctx.args.map((s) => cliWords(() => normalizeSymbol(s, 'SYMBOL')));
}

/** `run SYMBOL... [--dataset DATASET]...`: one job per symbol × dataset, with progress. */
export async function run(ctx: CliContext): Promise<number> {
  const symbols = symbolsOf(ctx);
  const datasets = (ctx.flags.dataset?.length ? ctx.flags.dataset : ['daily']).map((d) => {
    cliWords(() => assertDataset(d), '--dataset');
    return d as Dataset;
  });
  const apiKey = requireApiKey(ctx.env);
  const opened = await ctx.open({ create: true });
  await installSchema(opened.db, { ...schemaOption(ctx), signal: ctx.interrupts.signal });
  const extractor = extractorFor(ctx, opened, apiKey, { spends: true });
  const pipeline = new Pipeline({ db: opened.db, extractor, ...schemaOption(ctx) });
  const progress = track(ctx, extractor, symbols.length * datasets.length, 'jobs');
  const onJob = (job: Parameters<typeof formatJob>[0]) => {
    progress.done(formatJob(job), job.inserted + job.updated, {
      event: `job:${job.status === 'success' ? 'finish' : 'error'}`,
      ...job,
    });
    void extractor.budget().then(
      (b) => progress.budget(b.remainingToday, b.perDay),
      () => {},
    );
  };
  pipeline.on('job:finish', onJob);
  pipeline.on('job:error', onJob);
  const batch = await pipeline.runBatch(symbols, datasets, { signal: ctx.interrupts.signal });
  progress.stop();
  if (ctx.json) printJson({ event: 'batch:finish', ...batch });
  else console.log(ctx.flags.table ? formatJobTable(batch) : formatTotals(batch));
  return ctx.interrupts.exitCode ?? (batch.failed === 0 ? EXIT.ok : EXIT.failed);
}

/** `backfill SYMBOL --interval 1min --from YYYY-MM [--to YYYY-MM]`: month by month, resumable. */
export async function backfill(ctx: CliContext): Promise<number> {
  if (ctx.args.length !== 1) throw new UsageError('backfill needs exactly one SYMBOL');
  const [symbol] = symbolsOf(ctx) as [string];
  const interval = ctx.flags.interval;
  if (!interval || !INTRADAY_INTERVALS.includes(interval as IntradayInterval)) {
    throw new UsageError(`backfill needs --interval ${INTRADAY_INTERVALS.join('|')}`);
  }
  if (!ctx.flags.from) throw new UsageError('backfill needs --from YYYY-MM');
  const from = cliWords(() => parseMonth(ctx.flags.from, '--from'));
  const current = newYorkMonth(Date.now());
  const to =
    ctx.flags.to === undefined ? current : cliWords(() => parseMonth(ctx.flags.to, '--to'));
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  if (to > current) throw new UsageError(`--to ${to} is in the future (this month is ${current})`);
  const apiKey = requireApiKey(ctx.env);
  const opened = await ctx.open({ create: true });
  await installSchema(opened.db, { ...schemaOption(ctx), signal: ctx.interrupts.signal });
  const extractor = extractorFor(ctx, opened, apiKey, { spends: true });
  const pipeline = new Pipeline({ db: opened.db, extractor, ...schemaOption(ctx) });
  const progress = track(ctx, extractor, monthsBetween(from, to).length, 'months');
  const r = await pipeline.backfillIntraday(symbol, {
    interval: interval as IntradayInterval,
    from,
    to,
    signal: ctx.interrupts.signal,
    onProgress: (p) => {
      const m = p.month;
      progress.done(
        `${m.status === 'failed' ? 'FAIL' : 'ok  '} ${p.symbol} ${p.interval} ${m.month} ${m.status}: inserted ${m.inserted}, updated ${m.updated}, unchanged ${m.unchanged}, rejected ${m.rejected} (${p.done}/${p.total})`,
        m.inserted + m.updated,
        { event: 'backfill:month', ...p },
      );
      void extractor.budget().then(
        (b) => progress.budget(b.remainingToday, b.perDay),
        () => {},
      );
    },
  });
  progress.stop();
  if (ctx.json) printJson({ event: 'backfill:finish', ...r });
  else console.log(formatBackfill(r));
  return ctx.interrupts.exitCode ?? (r.status === 'success' ? EXIT.ok : EXIT.failed);
}

/** A progress display fed by the extractor's request and rate-limit events. */
function track(
  ctx: CliContext,
  extractor: AlphaVantageExtractor,
  total: number,
  unit: string,
): Progress {
  const progress = new Progress(
    progressMode(ctx.json, ctx.flags['no-progress'] === true),
    total,
    unit,
  );
  extractor.on('request:start', () => progress.request());
  extractor.on('rate:wait', (w) => progress.wait(w.waitMs, w.budget));
  return progress;
}
