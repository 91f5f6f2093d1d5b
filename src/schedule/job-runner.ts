import type { TypedEmitter } from '../events';
import type { Logger } from '../logger';
import type { ResolvedJob } from './resolve';
import { runTask, type TaskHost } from './task';
import type { ScheduleEvents, ScheduleRunResult } from './types';

/**
 * One job of a schedule: its next cron time and its run in progress. A cron time that comes while
 * the previous run is still going is skipped and reported, so a job never overlaps itself.
 * @internal
 */
export class JobRunner {
  readonly job: ResolvedJob;
  /** The next cron time, or null when the job will not run again. */
  next: Date | null = null;
  #running: Promise<ScheduleRunResult> | undefined;
  #runningSince: Date | undefined;

  constructor(
    job: ResolvedJob,
    private readonly host: TaskHost,
    private readonly events: TypedEmitter<ScheduleEvents>,
    private readonly logger: Logger,
  ) {
    this.job = job;
  }

  /** The job's name. */
  get name(): string {
    return this.job.spec.name;
  }

  /** The run in progress, if any. */
  get running(): Promise<ScheduleRunResult> | undefined {
    return this.#running;
  }

  /** A cron time came: run, unless the previous run is still going (then skip and report). */
  fire(scheduledAt: Date, signal: AbortSignal): void {
    if (this.#running && this.#runningSince) {
      this.logger.warn('schedule: previous run still going; skipped', {
        job: this.name,
        scheduledAt: scheduledAt.toISOString(),
        runningSince: this.#runningSince.toISOString(),
      });
      this.events.emit('job:skipped', {
        job: this.name,
        scheduledAt,
        reason: 'overlap',
        runningSince: this.#runningSince,
      });
      return;
    }
    void this.execute(scheduledAt, signal);
  }

  /** Runs the job now; resolves with the result (never rejects). */
  execute(scheduledAt: Date, signal: AbortSignal): Promise<ScheduleRunResult> {
    this.#runningSince = new Date(this.host.clock.now());
    this.events.emit('job:start', { job: this.name, scheduledAt });
    const run = runTask(this.host, this.job, scheduledAt, signal).then((r) => {
      this.#running = undefined;
      this.#runningSince = undefined;
      const log = r.status === 'success' ? this.logger.info : this.logger.warn;
      log.call(this.logger, `schedule: ${this.name} ${r.status}`, { summary: r.summary });
      this.events.emit('job:finish', r);
      return r;
    });
    this.#running = run;
    return run;
  }
}
