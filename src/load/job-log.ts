import type { Db } from '../db/types';
import { HELD_ADVISORY_KEYS } from './advisory-lock';

/** Final figures of a job, written to `etl_job_logs`. */
export interface JobLogFinish {
  /** `success` or `failed`. */
  status: 'success' | 'failed';
  /** Rows received from the source. */
  extracted: number;
  /** Rows inserted. */
  inserted: number;
  /** Rows updated. */
  updated: number;
  /** Rows already up to date. */
  unchanged: number;
  /** Rows rejected by validation. */
  rejected: number;
  /** HTTP requests made. */
  apiCalls: number;
  /** Wall time. */
  durationMs: number;
  /** Error code when failed. */
  errorCode?: string | null;
  /** Error message when failed (already free of secrets). */
  errorMessage?: string | null;
  /** Extra detail (JSON), e.g. months of a backfill. */
  details?: unknown;
  /** Identical jobs with an id up to this one were requested before this job fetched. */
  coversThroughId?: number | null;
}

/** Who owns a new job row and how its liveness is judged. */
export interface JobOwnership {
  /** The owner's lease (advisory lock key), or null for a job judged by heartbeats. */
  leaseKey: string | null;
  /** Host and process, for people. */
  owner: string;
  /** Without a lease: how long the job may go without a heartbeat before it counts as dead. */
  staleAfterMs: number | null;
}

/** Inserts a `running` row and returns its id. */
export async function startJobLog(
  db: Db,
  q: string,
  job: { dataset: string; symbol: string | null; startedAt: Date } & Partial<JobOwnership>,
): Promise<number> {
  const { rows } = await db.query<{ id: string | number }>(
    `INSERT INTO ${q}.etl_job_logs
       (dataset, symbol, status, started_at, heartbeat_at, lease_key, owner, stale_after_ms)
     VALUES ($1, $2, 'running', $3, $3, $4::bigint, $5, $6) RETURNING id`,
    [
      job.dataset,
      job.symbol,
      job.startedAt.toISOString(),
      job.leaseKey ?? null,
      job.owner ?? null,
      job.staleAfterMs ?? null,
    ],
  );
  return Number(rows[0]?.id);
}

/** Records that a running job is still alive (so it is not taken for a crashed one). */
export async function heartbeatJobLog(db: Db, q: string, id: number, at: Date): Promise<void> {
  await heartbeatJobLogs(db, q, [id], at);
}

/** One heartbeat for several running jobs (a pipeline's, in one statement). */
export async function heartbeatJobLogs(
  db: Db,
  q: string,
  ids: readonly number[],
  at: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `UPDATE ${q}.etl_job_logs SET heartbeat_at = $2 WHERE id = ANY($1::bigint[]) AND status = 'running'`,
    [ids, at.toISOString()],
  );
}

/** Moves running jobs `ids` from one lease to another (after the owner re-took a lost lease). */
export async function moveJobsToLease(
  db: Db,
  q: string,
  ids: readonly number[],
  leaseKey: string,
): Promise<number> {
  if (ids.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE ${q}.etl_job_logs SET lease_key = $2::bigint WHERE id = ANY($1::bigint[]) AND status = 'running'`,
    [ids, leaseKey],
  );
  return rowCount;
}

/**
 * Writes the final status and figures of job `id`. A row that is no longer `running` — another
 * process took its owner for dead and marked it `failed` (`STALE`) — keeps its status: the figures
 * are written and the would-be outcome goes to `details.lateFinish`, so a failed row never flips
 * back to success. Returns false in that case.
 */
export async function finishJobLog(
  db: Db,
  q: string,
  id: number,
  finish: JobLogFinish,
  finishedAt: Date,
): Promise<boolean> {
  const figures = [
    id,
    finish.extracted,
    finish.inserted,
    finish.updated,
    finish.unchanged,
    finish.rejected,
    finish.apiCalls,
    Math.round(finish.durationMs),
    finish.details === undefined ? null : JSON.stringify(finish.details),
  ];
  const set = `rows_extracted = $2, rows_inserted = $3, rows_updated = $4, rows_unchanged = $5,
            rows_rejected = $6, api_calls = $7, duration_ms = $8`;
  const outcome = [
    finish.status,
    finishedAt.toISOString(),
    finish.errorCode ?? null,
    finish.errorMessage ?? null,
  ];
  const { rowCount } = await db.query(
    `UPDATE ${q}.etl_job_logs
        SET ${set}, details = $9::jsonb, status = $10, finished_at = $11, heartbeat_at = $11,
            error_code = $12, error_message = $13, covers_through_id = $14
      WHERE id = $1 AND status = 'running'`,
    [...figures, ...outcome, finish.coversThroughId ?? null],
  );
  if (rowCount > 0) return true;
  await db.query(
    `UPDATE ${q}.etl_job_logs
        SET ${set}, details = coalesce(details, '{}'::jsonb) || coalesce($9::jsonb, '{}'::jsonb)
            || jsonb_build_object('lateFinish', jsonb_build_object(
                 'status', $10::text, 'finishedAt', $11::text, 'errorCode', $12::text, 'errorMessage', $13::text))
      WHERE id = $1`,
    [...figures, ...outcome],
  );
  return false;
}

/**
 * The liveness columns of job row `j`, read through `to_jsonb(j)`: NULL on a schema not yet
 * upgraded to them, where `getStatus` and `healthCheck` then keep working and judge every job by
 * its heartbeat, as before. (Evaluated for `running` rows only: the condition tests status first.)
 */
const LEASE_KEY = `(to_jsonb(j) ->> 'lease_key')::bigint`;
const STALE_AFTER_MS = `(to_jsonb(j) ->> 'stale_after_ms')::double precision`;
const OWNER = `(to_jsonb(j) ->> 'owner')`;

/**
 * SQL condition on job row `j`: `running`, but its owner is gone. A job with a lease is dead as
 * soon as no session holds the lease (exact, no waiting); a job without one when its last
 * heartbeat is older than its own `stale_after_ms` (or `fallbackMs`, a parameter reference, for
 * rows that promised nothing). `now` is a parameter reference too.
 */
function deadJob(now: string, fallbackMs: string): string {
  return `j.status = 'running' AND CASE WHEN ${LEASE_KEY} IS NOT NULL
      THEN ${LEASE_KEY} NOT IN (${HELD_ADVISORY_KEYS})
      ELSE j.heartbeat_at < ${now}::timestamptz
             - coalesce(${STALE_AFTER_MS}, ${fallbackMs}::double precision) * interval '1 millisecond'
    END`;
}

/** Why row `j` is dead, in words (its owner, and lease or heartbeat). */
const DEAD_REASON = `'The job''s process' || coalesce(' (' || ${OWNER} || ')', '')
    || CASE WHEN ${LEASE_KEY} IS NOT NULL THEN ' is gone (its lease was released)'
            ELSE ' stopped heartbeating (crashed or killed)' END`;

/**
 * Marks every dead `running` job (see {@link deadJob}) `failed` with code `STALE`: a process
 * that crashed or was killed never comes back to finish its row. A live job is never touched.
 * Returns how many rows it marked.
 */
export async function failStaleJobs(
  db: Db,
  q: string,
  now: Date,
  fallbackStaleAfterMs: number,
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE ${q}.etl_job_logs j
        SET status = 'failed', finished_at = $1, error_code = 'STALE',
            error_message = ${DEAD_REASON} || ' and was marked failed'
      WHERE ${deadJob('$1', '$2')}`,
    [now.toISOString(), fallbackStaleAfterMs],
  );
  return rowCount;
}

/** A job left `running` by an owner that is gone, as {@link listDeadJobs} reports it. */
export interface DeadJobRow {
  id: number;
  symbol: string | null;
  dataset: string;
  started_at: string | Date;
  reason: string;
}

/** The dead `running` jobs, without changing them (for read-only reports). Newest first. */
export async function listDeadJobs(
  db: Db,
  q: string,
  now: Date,
  fallbackStaleAfterMs: number,
): Promise<DeadJobRow[]> {
  const { rows } = await db.query<DeadJobRow>(
    `SELECT j.id::int AS id, j.symbol, j.dataset, j.started_at, ${DEAD_REASON} AS reason
       FROM ${q}.etl_job_logs j WHERE ${deadJob('$1', '$2')}
      ORDER BY j.started_at DESC, j.id DESC`,
    [now.toISOString(), fallbackStaleAfterMs],
  );
  return rows;
}

/**
 * For job `id` of (symbol, dataset), in one round trip: the successful identical jobs that started
 * fetching after it was requested (their `covers_through_id` reaches it), newest first, with the
 * `details` that say what they fetched; and the newest job id now — every job up to it was
 * requested before this moment, so a fetch that starts now covers them.
 */
export async function jobCoverage(
  db: Db,
  q: string,
  symbol: string,
  dataset: string,
  id: number,
): Promise<{ newestId: number; covering: { id: number; details: unknown }[] }> {
  const { rows } = await db.query<{ newest: string; id: string | null; details: unknown }>(
    `SELECT (SELECT max(id) FROM ${q}.etl_job_logs)::text AS newest, c.id::text AS id, c.details
       FROM (SELECT 1) AS one
       LEFT JOIN LATERAL (
         SELECT id, details, covers_through_id FROM ${q}.etl_job_logs
          WHERE symbol = $1 AND dataset = $2 AND covers_through_id >= $3 AND status = 'success'
            AND id <> $3
          ORDER BY covers_through_id DESC LIMIT 10) AS c ON true
      ORDER BY c.covers_through_id DESC NULLS LAST`,
    [symbol, dataset, id],
  );
  return {
    newestId: Number(rows[0]?.newest ?? id),
    covering: rows
      .filter((r) => r.id !== null)
      .map((r) => ({ id: Number(r.id), details: r.details })),
  };
}

/** Running, success and failed counts of jobs started since `since`; dead ones count as failed. */
export async function countJobsSince(
  db: Db,
  q: string,
  since: Date,
  now: Date,
  fallbackStaleAfterMs: number,
): Promise<{ running: number; success: number; failed: number }> {
  const { rows } = await db.query<{ status: 'running' | 'success' | 'failed'; n: number }>(
    `SELECT CASE WHEN ${deadJob('$1', '$2')} THEN 'failed' ELSE j.status END AS status,
            count(*)::int AS n
       FROM ${q}.etl_job_logs j WHERE j.started_at >= $3 GROUP BY 1`,
    [now.toISOString(), fallbackStaleAfterMs, since.toISOString()],
  );
  const counts = { running: 0, success: 0, failed: 0 };
  for (const r of rows) counts[r.status] += r.n;
  return counts;
}
