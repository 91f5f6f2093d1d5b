import type { Db } from '../db/types';

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
}

/** Inserts a `running` row and returns its id. */
export async function startJobLog(
  db: Db,
  q: string,
  job: { dataset: string; symbol: string | null; startedAt: Date },
): Promise<number> {
  const { rows } = await db.query<{ id: string | number }>(
    `INSERT INTO ${q}.etl_job_logs (dataset, symbol, status, started_at, heartbeat_at)
     VALUES ($1, $2, 'running', $3, $3) RETURNING id`,
    [job.dataset, job.symbol, job.startedAt.toISOString()],
  );
  return Number(rows[0]?.id);
}

/** Records that a running job is still alive (so it is not taken for a crashed one). */
export async function heartbeatJobLog(db: Db, q: string, id: number, at: Date): Promise<void> {
  await db.query(
    `UPDATE ${q}.etl_job_logs SET heartbeat_at = $2 WHERE id = $1 AND status = 'running'`,
    [id, at.toISOString()],
  );
}

/** Writes the final status and figures of job `id`. */
export async function finishJobLog(
  db: Db,
  q: string,
  id: number,
  finish: JobLogFinish,
  finishedAt: Date,
): Promise<void> {
  await db.query(
    `UPDATE ${q}.etl_job_logs
        SET status = $2, finished_at = $3, heartbeat_at = $3, rows_extracted = $4, rows_inserted = $5,
            rows_updated = $6, rows_unchanged = $7, rows_rejected = $8, api_calls = $9,
            duration_ms = $10, error_code = $11, error_message = $12, details = $13::jsonb
      WHERE id = $1`,
    [
      id,
      finish.status,
      finishedAt.toISOString(),
      finish.extracted,
      finish.inserted,
      finish.updated,
      finish.unchanged,
      finish.rejected,
      finish.apiCalls,
      Math.round(finish.durationMs),
      finish.errorCode ?? null,
      finish.errorMessage ?? null,
      finish.details === undefined ? null : JSON.stringify(finish.details),
    ],
  );
}

/**
 * Marks `running` jobs whose last heartbeat is older than `staleAfterMs` as failed with code
 * `STALE` — a process that crashed mid-job never comes back to finish its row. Returns how many.
 */
export async function failStaleJobs(
  db: Db,
  q: string,
  now: Date,
  staleAfterMs: number,
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE ${q}.etl_job_logs
        SET status = 'failed', finished_at = $1, error_code = 'STALE',
            error_message = 'The job stopped reporting (process crashed or was killed) and was marked failed'
      WHERE status = 'running' AND heartbeat_at < $1::timestamptz - ($2::double precision * interval '1 millisecond')`,
    [now.toISOString(), staleAfterMs],
  );
  return rowCount;
}
