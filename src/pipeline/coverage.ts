import { jobCoverage } from '../load/job-log';
import type { RunContext } from './context';

/** What a `run` job needs from an identical job's fetch for that fetch to count as its own. @internal */
export interface FetchNeeds {
  /** The caller forced this output size. */
  forced?: 'compact' | 'full' | undefined;
  /** Intraday: extended-hours bars wanted. */
  extendedHours?: boolean | undefined;
}

/** What a job log's `details` say about its fetch (written by `runJob`). @internal */
export interface FetchDetails {
  outputsize?: 'compact' | 'full';
  forced?: boolean;
  extendedHours?: boolean;
}

/**
 * Whether a successful identical job's fetch serves `needs`: a forced `full` needs a `full` fetch;
 * an unforced job is served by any fetch except a forced `compact` (which may leave a gap the
 * watermark would have asked `full` for); extended hours need extended hours. @internal
 */
export function fetchCovers(details: unknown, needs: FetchNeeds): boolean {
  const d = (details && typeof details === 'object' ? details : {}) as FetchDetails;
  if (needs.forced === 'full' && d.outputsize !== undefined && d.outputsize !== 'full') {
    return false;
  }
  if (needs.forced === undefined && d.forced === true && d.outputsize === 'compact') return false;
  if (needs.extendedHours === true && d.extendedHours === false) return false;
  return true;
}

/**
 * Whether job `jobId` is already served: the id of a successful identical job that started
 * fetching after this one was requested and whose fetch serves `needs` (its data is at least as
 * new as this job's would be), or null — and then `newestId`, the jobs this job's own fetch, if
 * it starts now, will serve. Call it while holding the job's work lock, so such a job has
 * finished. @internal
 */
export async function coverageOf(
  ctx: RunContext,
  symbol: string,
  dataset: string,
  jobId: number,
  needs: FetchNeeds,
): Promise<{ coveredBy: number | null; newestId: number }> {
  const { newestId, covering } = await jobCoverage(ctx.db, ctx.q, symbol, dataset, jobId);
  return { coveredBy: covering.find((c) => fetchCovers(c.details, needs))?.id ?? null, newestId };
}
