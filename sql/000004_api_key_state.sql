-- breaking: api_usage is keyed by (key_hash, origin, day); stock-etl 0.1 cannot write it any more.
-- What stock-etl knows about an API key at a service: its daily budget (now per service origin, so
-- a key used against a test server or a proxy does not spend, or mark exhausted, the real quota)
-- and what Alpha Vantage refused it as premium. The key itself is never stored, only its SHA-256.

-- Rows written before this migration were counted against the default service.
ALTER TABLE :SCHEMA.api_usage ADD COLUMN origin text NOT NULL DEFAULT 'https://www.alphavantage.co';
ALTER TABLE :SCHEMA.api_usage ALTER COLUMN origin DROP DEFAULT;
ALTER TABLE :SCHEMA.api_usage DROP CONSTRAINT api_usage_pkey;
ALTER TABLE :SCHEMA.api_usage ADD PRIMARY KEY (key_hash, origin, day);

-- Premium refusals, remembered so no process asks again (until they expire, read side).
-- `parameter` and `value` are '' when the whole endpoint is premium; `plan` is the plan the
-- extractor was configured with, so an upgrade (another plan) starts clean.
CREATE TABLE :SCHEMA.api_refusals (
  key_hash    text NOT NULL,
  origin      text NOT NULL,
  plan        text NOT NULL,
  endpoint    text NOT NULL,
  parameter   text NOT NULL DEFAULT '',
  value       text NOT NULL DEFAULT '',
  refused_at  timestamptz NOT NULL,
  notice      text,
  PRIMARY KEY (key_hash, origin, plan, endpoint, parameter, value)
);
