import type { DeadJobRow } from '../load/job-log';
import type { HealthCheckItem } from './health';
import type { StatusReport } from './status';

type Failure = StatusReport['recentFailures'][number];

/**
 * The recent failures with the dead jobs of the same period added as what the next sweep will
 * record (code `STALE`, `recorded: false`): newest first, at most 10. @internal
 */
export function withDeadJobs(
  failures: readonly Failure[],
  dead: readonly DeadJobRow[],
  since: string,
): Failure[] {
  const pending = dead
    .filter((r) => new Date(r.started_at).toISOString() >= since)
    .map((r) => ({
      id: r.id,
      symbol: r.symbol,
      dataset: r.dataset,
      startedAt: new Date(r.started_at),
      errorCode: 'STALE',
      errorMessage: `${r.reason}; not yet marked failed (the next pipeline run does)`,
      recorded: false,
    }));
  return [...failures, ...pending]
    .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || b.id - a.id)
    .slice(0, 10);
}

/** The `jobs` check of `healthCheck`: fails while jobs of a process that is gone say `running`. @internal */
export function deadJobsCheck(dead: readonly DeadJobRow[]): HealthCheckItem {
  if (dead.length === 0) return { name: 'jobs', ok: true, detail: 'no stuck or dead jobs' };
  const named = dead
    .slice(0, 5)
    .map((j) => `#${j.id} ${j.symbol ?? '-'} ${j.dataset}`)
    .join(', ');
  return {
    name: 'jobs',
    ok: false,
    detail: `${dead.length} job(s) left running by a process that is gone (${named}${dead.length > 5 ? ', …' : ''}): ${dead[0]?.reason}; the next pipeline run marks them failed (STALE)`,
  };
}
