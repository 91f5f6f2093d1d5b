-- The shared rate limit: every process using one API key against one service draws its
-- per-second and per-minute requests from the same slots. Each window of `limit` requests is a
-- ring of `limit` rows; a request takes the slot that has been free longest and holds it while in
-- flight; when the answer arrives the slot becomes free again one window later. So no window of
-- the server's ever sees more than `limit` arrivals, whatever the number of processes. Times are
-- the database server's clock (ms since the epoch), so the machines' clocks need not agree.
CREATE TABLE :SCHEMA.api_rate_slots (
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
