import { type AlphaVantagePlan, PLANS } from '../alpha-vantage/options';
import { MarketCalendar } from '../calendar';
import { type Clock, systemClock } from '../clock';
import { AbortedError, throwIfAborted } from '../errors/aborted-error';
import { ValidationError } from '../errors/validation-error';
import { type Listener, TypedEmitter } from '../events';
import { type Logger, noopLogger } from '../logger';
import { NEW_YORK, zoneOffsetMinutes } from '../time/zone';
import { checkScheduleBudget, describeBudget } from './budget';
import { defaultScheduleJobs } from './defaults';
import { JobRunner } from './job-runner';
import { resolveJobs } from './resolve';
import type { TaskHost } from './task';
import { nextRun, runsBetween } from './timing';
import type {
  PlannedRun,
  ScheduleBudgetCheck,
  ScheduleEvents,
  ScheduleOptions,
  ScheduleRunResult,
} from './types';

/** Longest single wait of the loop: it re-reads the clock at least this often (suspend, clock jumps). @internal */
export const SCHEDULE_TICK_MS = 60_000;

/**
 * Creates a market-aware schedule of ETL jobs — by default the original system's daily, intraday,
 * weekly and health jobs — for the host to start, or to run once.
 *
 * @example
 * ```ts
 * const schedule = createSchedule({ pipeline, db: pool, budget: extractor, symbols: ['IBM'] });
 * schedule.on('job:finish', (r) => console.log(r.job, r.status, r.summary));
 * await schedule.start(); // prints nothing; see schedule.nextRuns()
 * process.once('SIGTERM', () => void schedule.stop()); // let the running job finish
 * ```
 * @throws {@link ValidationError} for a bad job (cron, dataset, symbol, missing pipeline or db)
 */
export function createSchedule(options: ScheduleOptions = {}): Schedule {
  return new Schedule(options);
}

/**
 * A set of cron jobs filtered through the market calendar. Cron times come from croner in the
 * schedule's time zone (DST-correct); a loop on the injected {@link Clock} starts each run. A run
 * still going when its job's next time comes makes that time skipped (`job:skipped`), never
 * doubled. Create it with {@link createSchedule}.
 */
export class Schedule {
  /** The zone cron expressions are read in. */
  readonly timeZone: string;
  readonly #states: JobRunner[];
  readonly #events: TypedEmitter<ScheduleEvents>;
  readonly #host: TaskHost;
  readonly #options: ScheduleOptions;
  readonly #logger: Logger;
  #loopController: AbortController | undefined;
  /** Set by `stop()` while `start()` is still checking the budget: start must not go on. */
  #cancelStart = false;
  #starting = false;
  #runController = new AbortController();
  #loop: Promise<void> | undefined;

  /** @param options - see {@link ScheduleOptions} */
  constructor(options: ScheduleOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new ValidationError('schedule options must be an object', { field: 'options' });
    }
    this.#options = options;
    this.timeZone = options.timeZone ?? NEW_YORK;
    zoneOffsetMinutes(this.timeZone, 0); // throws ValidationError for an unknown zone
    const clock = options.clock ?? systemClock;
    const calendar = options.calendar ?? new MarketCalendar();
    this.#logger = options.logger ?? noopLogger;
    const jobs = resolveJobs(
      options.jobs ?? defaultScheduleJobs({}, { plan: planOf(options.budget) }),
      options,
      calendar,
      this.timeZone,
      new Date(clock.now()),
    );
    this.#host = {
      pipeline: options.pipeline,
      db: options.db,
      schema: options.schema ?? options.pipeline?.schema,
      budget: options.budget,
      calendar,
      clock,
    };
    this.#events = new TypedEmitter<ScheduleEvents>((error, event) =>
      this.#logger.error('schedule event listener threw', {
        event: String(event),
        error: String(error),
      }),
    );
    this.#states = jobs.map((job) => new JobRunner(job, this.#host, this.#events, this.#logger));
    options.signal?.addEventListener('abort', () => void this.stop({ abort: true }), {
      once: true,
    });
  }

  /** The job names, in order. */
  get jobs(): string[] {
    return this.#states.map((s) => s.job.spec.name);
  }

  /** True between `start()` and the end of `stop()`. */
  get running(): boolean {
    return this.#loop !== undefined;
  }

  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends keyof ScheduleEvents>(event: K, listener: Listener<ScheduleEvents, K>): () => void {
    return this.#events.on(event, listener);
  }

  /** Removes a listener added with {@link Schedule.on}. */
  off<K extends keyof ScheduleEvents>(event: K, listener: Listener<ScheduleEvents, K>): void {
    this.#events.off(event, listener);
  }

  /** API requests one run of `job` makes (symbols × datasets; `requestsPerRun` for custom tasks). */
  requestsPerRun(job: string): number {
    return this.#state(job).job.requestsPerRun;
  }

  /** The next run of every job after `from` (default: now), soonest first. */
  nextRuns(from: Date = new Date(this.#host.clock.now())): PlannedRun[] {
    const out: PlannedRun[] = [];
    for (const s of this.#states) {
      const next = nextRun(s.job.timing, from, this.#host.calendar);
      if (next) out.push({ job: s.job.spec.name, at: next.at });
    }
    return out.sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  /** Every run in `[from, until)`, in time order: which jobs fire when. */
  runsBetween(from: Date, until: Date): PlannedRun[] {
    return runsBetween(
      this.#states.map((s) => s.job.timing),
      from,
      until,
      this.#host.calendar,
    );
  }

  /**
   * What the schedule needs from the API key: the busiest day of the next two weeks against the
   * daily limit, and the rest of today against what is left (from `options.budget`).
   */
  async checkBudget(): Promise<ScheduleBudgetCheck> {
    const snapshot = await this.#options.budget?.budget();
    return checkScheduleBudget(
      this.#states.map((s) => s.job.timing),
      new Map(this.#states.map((s) => [s.job.spec.name, s.job.requestsPerRun])),
      new Date(this.#host.clock.now()),
      this.#host.calendar,
      this.timeZone,
      {
        perDay: snapshot?.perDay ?? null,
        usedToday: snapshot?.usedToday ?? null,
        remainingToday: snapshot?.remainingToday ?? null,
      },
    );
  }

  /**
   * Checks the budget (see `overBudget`), plans every job's first run, emits `schedule:start` and
   * starts the loop. Resolves with the first runs once the loop runs; a no-op while running.
   * @throws {@link ValidationError} when `overBudget` is `refuse` and the schedule does not fit
   * @throws {@link AbortedError} when `options.signal` is aborted, or `stop()` is called, before
   * the loop starts
   */
  async start(): Promise<PlannedRun[]> {
    if (this.#loop) return this.nextRuns();
    this.#starting = true;
    this.#cancelStart = false;
    let check: ScheduleBudgetCheck;
    try {
      check = await this.checkBudget();
    } finally {
      this.#starting = false;
    }
    this.#overBudget(check, check.fits && check.todayFits);
    throwIfAborted(this.#options.signal, 'schedule');
    if (this.#cancelStart) throw new AbortedError('The schedule was stopped while starting');
    if (this.#runController.signal.aborted) this.#runController = new AbortController();
    const now = new Date(this.#host.clock.now());
    for (const s of this.#states)
      s.next = nextRun(s.job.timing, now, this.#host.calendar)?.at ?? null;
    const next = this.nextRuns(now);
    this.#events.emit('schedule:start', { next, budget: check });
    this.#logger.info('schedule started', {
      next: next.map((r) => `${r.job} ${r.at.toISOString()}`),
    });
    const controller = new AbortController();
    this.#loopController = controller;
    this.#loop = this.#run(controller.signal);
    return next;
  }

  /**
   * Stops starting runs. By default waits for running jobs to finish; with `abort: true` aborts
   * them (pipeline jobs end as `ABORTED`, nothing half-done is committed). Safe to call any time.
   */
  async stop(options: { abort?: boolean } = {}): Promise<void> {
    if (this.#starting) this.#cancelStart = true;
    this.#loopController?.abort();
    if (options.abort) this.#runController.abort(new AbortedError('The schedule was stopped'));
    await this.#loop;
    await Promise.all(this.#states.map((s) => s.running));
    if (this.#loop) {
      this.#loop = undefined;
      this.#events.emit('stop', { aborted: options.abort === true });
    }
  }

  /**
   * Runs the chosen jobs (default: all) once each, in order, now, whatever the cron times and the
   * market say — for CI, for a system cron, or to fill a new database.
   * @throws {@link ValidationError} for an unknown job name, or when `overBudget` is `refuse` and
   * the runs need more requests than are left today
   * @throws {@link AbortedError} when `options.signal` is already aborted
   */
  async runOnce(options: { jobs?: readonly string[] } = {}): Promise<ScheduleRunResult[]> {
    const chosen = (options.jobs ?? this.jobs).map((name) => this.#state(name));
    const needed = chosen.reduce((sum, s) => sum + s.job.requestsPerRun, 0);
    const check = await this.checkBudget();
    const fits = check.remainingToday === null || needed <= check.remainingToday;
    this.#overBudget({ ...check, restOfToday: needed, todayFits: fits, fits: true }, fits);
    throwIfAborted(this.#options.signal, 'schedule');
    if (this.#runController.signal.aborted) this.#runController = new AbortController();
    const results: ScheduleRunResult[] = [];
    for (const s of chosen) {
      if (this.#runController.signal.aborted) break;
      const now = new Date(this.#host.clock.now());
      results.push(await s.execute(now, this.#runController.signal));
    }
    return results;
  }

  #state(name: string): JobRunner {
    const s = this.#states.find((x) => x.job.spec.name === name);
    if (!s) {
      throw new ValidationError(
        `Unknown job "${name}"; this schedule has ${this.jobs.join(', ')}`,
        {
          field: 'jobs',
        },
      );
    }
    return s;
  }

  #overBudget(check: ScheduleBudgetCheck, fits: boolean): void {
    if (fits) return;
    const message = describeBudget(check);
    if (this.#options.overBudget === 'refuse') {
      throw new ValidationError(`Over the API budget: ${message}`, { field: 'budget' });
    }
    this.#logger.warn('schedule over the API budget', { message });
    this.#events.emit('budget:exceeded', { ...check, message });
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { clock, calendar } = this.#host;
    while (!signal.aborted) {
      const now = clock.now();
      const due = this.#states.reduce<number>(
        (min, s) => (s.next ? Math.min(min, s.next.getTime()) : min),
        Number.POSITIVE_INFINITY,
      );
      if (due === Number.POSITIVE_INFINITY) break;
      if (due > now) {
        try {
          await clock.sleep(Math.min(due - now, SCHEDULE_TICK_MS), signal);
        } catch {
          break; // stopped
        }
        continue;
      }
      for (const s of this.#states) {
        if (!s.next || s.next.getTime() > now) continue;
        const scheduledAt = s.next;
        s.fire(scheduledAt, this.#runController.signal);
        // After a long suspend, run once and go on from now: no burst of missed runs.
        const planned = nextRun(s.job.timing, new Date(now), calendar);
        s.next = planned?.at ?? null;
        if (planned) {
          this.#events.emit('job:scheduled', {
            job: s.job.spec.name,
            at: planned.at,
            passedOver: planned.passedOver,
          });
        }
      }
    }
  }
}

/**
 * The plan of the budget source when it says (an `AlphaVantageExtractor` does): a free key gets the
 * free defaults.
 */
function planOf(budget: ScheduleOptions['budget']): AlphaVantagePlan | undefined {
  const plan = (budget as { plan?: unknown } | undefined)?.plan;
  return typeof plan === 'string' && (PLANS as readonly string[]).includes(plan)
    ? (plan as AlphaVantagePlan)
    : undefined;
}
