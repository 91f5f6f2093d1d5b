import type { MarketCalendar } from '../calendar';
import type { Clock } from '../clock';
import type { DbHandle } from '../db/types';
import { errorCodeOf } from '../errors/stock-etl-error';
import { type BudgetSource, healthCheck } from '../pipeline/health';
import type { ResolvedJob } from './resolve';
import type { SchedulePipeline, ScheduleRunResult } from './types';

/** What a run needs from the schedule. @internal */
export interface TaskHost {
  pipeline: SchedulePipeline | undefined;
  db: DbHandle | undefined;
  schema: string | undefined;
  budget: BudgetSource | undefined;
  calendar: MarketCalendar;
  clock: Clock;
}

/** Runs one job once; never throws (a failure is a `failed` result). @internal */
export async function runTask(
  host: TaskHost,
  job: ResolvedJob,
  scheduledAt: Date,
  signal: AbortSignal,
): Promise<ScheduleRunResult> {
  const { clock } = host;
  const started = clock.now();
  const base = { job: job.spec.name, scheduledAt, startedAt: new Date(started) };
  const done = (
    status: ScheduleRunResult['status'],
    summary: string,
    extra: Partial<ScheduleRunResult> = {},
  ): ScheduleRunResult => ({
    ...base,
    status: signal.aborted && status !== 'success' ? 'aborted' : status,
    durationMs: Math.max(0, clock.now() - started),
    summary,
    ...extra,
  });
  try {
    const { spec } = job;
    if (spec.datasets) {
      const batch = await (host.pipeline as SchedulePipeline).runBatch(job.symbols, spec.datasets, {
        signal,
        ...(spec.outputsize ? { outputsize: spec.outputsize } : {}),
      });
      const t = batch.totals;
      const summary = `${batch.succeeded} ok, ${batch.failed} failed: ${t.inserted} inserted, ${t.updated} updated, ${t.unchanged} unchanged, ${t.apiCalls} API calls`;
      return done(batch.failed === 0 ? 'success' : 'failed', summary, { batch });
    }
    if (spec.health) {
      const health = await healthCheck(host.db as DbHandle, {
        ...(host.schema ? { schema: host.schema } : {}),
        ...(host.budget ? { extractor: host.budget } : {}),
        calendar: host.calendar,
        clock: host.clock,
      });
      const failing = health.checks.filter((c) => !c.ok);
      const summary = health.ok
        ? 'healthy'
        : `UNHEALTHY: ${failing.map((c) => `${c.name} ${c.detail}`).join('; ')}`;
      return done(health.ok ? 'success' : 'failed', summary, { health });
    }
    const value = await spec.run?.({ signal, symbols: job.symbols, scheduledAt });
    return done('success', typeof value === 'string' ? value : 'done');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return done('failed', `failed: ${message}`, { error: { code: errorCodeOf(error), message } });
  }
}
