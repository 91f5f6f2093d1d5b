import { hostname } from 'node:os';
import type { Clock } from '../clock';
import type { Db, DbHandle } from '../db/types';
import type { TypedEmitter } from '../events';
import {
  failStaleJobs,
  heartbeatJobLogs,
  type JobOwnership,
  moveJobsToLease,
} from '../load/job-log';
import type { Logger } from '../logger';
import {
  type LeaseMode,
  type LeaseSession,
  leaseMode,
  type SharedLease,
  sharedLease,
} from './lease-session';
import type { PipelineEvents } from './types';

/**
 * How long a `running` job without a lease may go without a heartbeat before it is taken for dead
 * (`PipelineOptions.staleJobAfterMs`, and the fallback of `getStatus` / `healthCheck`): 30 minutes.
 */
export const DEFAULT_STALE_JOB_AFTER_MS = 1_800_000;

/** Everything {@link JobLease} needs. @internal */
export interface JobLeaseOptions {
  handle: DbHandle;
  db: Db;
  q: string;
  clock: Clock;
  logger: Logger;
  events: TypedEmitter<PipelineEvents>;
  staleJobAfterMs: number;
  leases: boolean;
}

/**
 * A pipeline's hold on its process's lease (see `SharedLease`): a session-level advisory lock
 * whose key goes into each job row while the job runs. Another process that finds no session
 * holding a running job's lease knows the owner is gone (`failStaleJobs`). Reference-counted:
 * held by the first job (or batch), given back when the last one ends. While held, it heartbeats
 * the pipeline's running jobs — the only proof of life in heartbeat mode; elsewhere it keeps the
 * lease connection from idling out and tells people when a job was last seen — and marks dead
 * jobs of other processes failed: once when first held, then at every heartbeat.
 * @internal
 */
export class JobLease {
  readonly mode: LeaseMode;
  /** Host and process id, written into job rows. */
  readonly owner = `${hostname()} pid ${process.pid}`;
  readonly #o: JobLeaseOptions;
  readonly #shared: SharedLease | undefined;
  readonly #running = new Map<number, string | null>();
  #holders = 0;
  /** The current hold's start; resolves to what ends it. */
  #ready: Promise<() => Promise<void>> | undefined;
  #ticking = false;

  constructor(options: JobLeaseOptions) {
    this.#o = options;
    this.mode = leaseMode(options.handle, options.leases);
    this.#shared = this.mode === 'heartbeat' ? undefined : sharedLease(options.handle, this.mode);
  }

  /** How often running jobs heartbeat (and dead jobs are swept) while held. */
  get heartbeatMs(): number {
    return Math.max(10, Math.min(Math.floor(this.#o.staleJobAfterMs / 3), 60_000));
  }

  /**
   * Holds the lease until the returned function is called. The first hold takes it and marks
   * dead jobs of other processes `failed` (`STALE`) before any job of this pipeline starts.
   */
  async hold(): Promise<() => Promise<void>> {
    this.#holders++;
    if (this.#holders === 1) {
      this.#ready = this.#start();
      this.#ready.catch(() => {}); // awaited below
    }
    try {
      await this.#ready;
    } catch (error) {
      await this.#release();
      throw error;
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      await this.#release();
    };
  }

  /** The session holding the lease (null in heartbeat mode). Only while held. */
  async session(): Promise<LeaseSession | null> {
    return this.#shared ? this.#shared.current(this.#o.logger) : null;
  }

  /** What a new job row records about its owner. Only while held. */
  async ownership(): Promise<JobOwnership> {
    const s = await this.session();
    return {
      leaseKey: s?.key ?? null,
      owner: this.owner,
      staleAfterMs: s ? null : this.#o.staleJobAfterMs,
    };
  }

  /** Heartbeats job `id` until {@link untrack}; re-labels it if the lease changed meanwhile. */
  async track(id: number, leaseKey: string | null): Promise<void> {
    this.#running.set(id, leaseKey);
    const s = await this.session();
    if (s && s.key !== leaseKey) await this.#moveTo(s);
  }

  /** Stops heartbeating job `id`. */
  untrack(id: number): void {
    this.#running.delete(id);
  }

  /** Takes the shared lease, sweeps, starts heartbeats; resolves to what undoes all that. */
  async #start(): Promise<() => Promise<void>> {
    const shared = this.#shared;
    const logger = this.#o.logger;
    if (shared) await shared.acquire(logger);
    try {
      await this.#sweep();
    } catch (error) {
      await shared?.release(logger);
      throw error;
    }
    const unwatch = shared?.onRekey((s) => this.#moveTo(s));
    const timer = setInterval(() => void this.#tick(), this.heartbeatMs);
    timer.unref?.();
    return async () => {
      clearInterval(timer);
      unwatch?.();
      await shared?.release(logger);
    };
  }

  async #release(): Promise<void> {
    if (--this.#holders > 0) return;
    const ready = this.#ready;
    this.#ready = undefined;
    const stop = await ready?.catch(() => undefined); // a failed start undid itself
    await stop?.();
  }

  /** Moves this pipeline's running jobs to lease `s` (after the lease was taken again). */
  async #moveTo(s: LeaseSession): Promise<void> {
    const ids = [...this.#running].filter(([, key]) => key !== s.key).map(([id]) => id);
    if (ids.length === 0) return;
    await moveJobsToLease(this.#o.db, this.#o.q, ids, s.key);
    for (const id of ids) if (this.#running.has(id)) this.#running.set(id, s.key);
  }

  async #sweep(): Promise<void> {
    const { db, q, clock, staleJobAfterMs, logger, events } = this.#o;
    const count = await failStaleJobs(db, q, new Date(clock.now()), staleJobAfterMs);
    if (count > 0) {
      logger.warn('marked running jobs of processes that are gone as failed (STALE)', { count });
      events.emit('jobs:stale', { count });
    }
  }

  async #tick(): Promise<void> {
    if (this.#ticking || this.#holders === 0) return;
    this.#ticking = true;
    try {
      // Through the lease's own connection where there is one: it keeps it from idling out.
      const s = await this.session();
      const at = new Date(this.#o.clock.now());
      const db = s && !s.lost && !s.closed ? s.db : this.#o.db;
      await heartbeatJobLogs(db, this.#o.q, [...this.#running.keys()], at);
      await this.#sweep();
    } catch (error) {
      this.#o.logger.warn('job heartbeat failed', { error: String(error) });
    } finally {
      this.#ticking = false;
    }
  }
}
