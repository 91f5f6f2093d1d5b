-- Job liveness and duplicate work (issue 10). Who owns a `running` job, how a later process tells
-- that the owner is gone, and which identical requests a successful job covered.

-- `lease_key`: the session-level advisory lock (a lease) its pipeline holds while the job runs. The
--   owner's database session holding it is the proof of life: when no session holds it, the owner
--   is gone and the job is dead, at once. NULL for a job without a lease (see `stale_after_ms`).
-- `owner`: who ran it (host and process id), for people reading the log.
-- `stale_after_ms`: for a job without a lease, how long it may go without a heartbeat before it is
--   taken for dead; the owner promised to heartbeat well within it. NULL: the reader's default.
-- `covers_through_id`: for a job that succeeded, every identical job with an id up to this one
--   was requested before this job started fetching, so this job's data covers it.
ALTER TABLE :SCHEMA.etl_job_logs
  ADD COLUMN lease_key          bigint,
  ADD COLUMN owner              text,
  ADD COLUMN stale_after_ms     integer CHECK (stale_after_ms > 0),
  ADD COLUMN covers_through_id  bigint;

-- Sweeps and status look only at running jobs: keep that set cheap to find.
CREATE INDEX etl_job_logs_running_idx ON :SCHEMA.etl_job_logs (id) WHERE status = 'running';
-- "Did an identical job fetch after I was requested?": a short range scan at the newest entries.
CREATE INDEX etl_job_logs_covers_idx ON :SCHEMA.etl_job_logs (symbol, dataset, covers_through_id)
  WHERE covers_through_id IS NOT NULL;
