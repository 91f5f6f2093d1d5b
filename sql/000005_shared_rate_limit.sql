-- The shared rate limit: every process using one API key against one service draws its
-- per-second and per-minute requests from the same slots. Each window of `limit` requests is a
-- ring of `limit` rows; a request takes the slot that has been free longest and holds it while in
-- flight; when the answer arrives the slot becomes free again one window later. So no window of
-- the server's ever sees more than `limit` arrivals, whatever the number of processes. Times are
-- the database server's clock (ms since the epoch), so the machines' clocks need not agree.
-- UNLOGGED: two writes per request must not wait for a WAL flush each (measured: ~4 ms per commit
-- with synchronous_commit on). The slots only matter for the next minute; after a database crash
-- the table is empty and the workers create the slots again (free: one window may be spent twice).
CREATE UNLOGGED TABLE :SCHEMA.api_rate_slots (
  key_hash   text    NOT NULL,
  origin     text    NOT NULL,
  window_ms  integer NOT NULL,
  slot       integer NOT NULL,
  -- When the slot may be taken again (ms since the epoch, database clock).
  free_at    bigint  NOT NULL DEFAULT 0,
  -- False while the request that took the slot is in flight.
  released   boolean NOT NULL DEFAULT true,
  -- Random token of the request that holds it: a late release never frees a slot taken again.
  holder     bigint  NOT NULL DEFAULT 0,
  PRIMARY KEY (key_hash, origin, window_ms, slot)
);

-- A take looks for the longest-free slot of a window: the oldest `free_at` first.
CREATE INDEX api_rate_slots_free ON :SCHEMA.api_rate_slots (key_hash, origin, window_ms, free_at);
