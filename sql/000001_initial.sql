-- stock-etl initial schema. `:SCHEMA` is replaced by the quoted schema name at install time.

-- Master data. Rows are never deleted: a delisted symbol is deactivated (soft delete).
CREATE TABLE :SCHEMA.stocks (
  symbol          text PRIMARY KEY CHECK (length(symbol) BETWEEN 1 AND 20),
  name            text,
  exchange        text,
  asset_type      text,
  currency        text,
  sector          text,
  industry        text,
  country         text,
  ipo_date        date,
  delisting_date  date,
  is_active       boolean NOT NULL DEFAULT true,
  overview        jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  deactivated_at  timestamptz
);
CREATE INDEX stocks_active_idx ON :SCHEMA.stocks (is_active, symbol);

-- Daily bars. Raw (as-traded) OHLCV; the adjusted columns are null unless an adjusted series
-- was loaded. An unadjusted load never clears adjusted values written by an adjusted load.
CREATE TABLE :SCHEMA.stock_prices (
  symbol             text NOT NULL,
  trade_date         date NOT NULL,
  open               numeric NOT NULL,
  high               numeric NOT NULL,
  low                numeric NOT NULL,
  close              numeric NOT NULL,
  volume             bigint NOT NULL,
  adjusted_close     numeric,
  dividend_amount    numeric,
  split_coefficient  numeric,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (symbol, trade_date)
);
-- "latest bar per symbol": the primary key serves it backwards (ORDER BY trade_date DESC LIMIT 1).

-- Weekly and monthly bars keyed by the period's first day, so the still-open period (which
-- Alpha Vantage keys by its latest trading day, moving every day) stays one row.
CREATE TABLE :SCHEMA.stock_prices_weekly (
  symbol           text NOT NULL,
  period_start     date NOT NULL CHECK (extract(isodow FROM period_start) = 1),
  last_trade_date  date NOT NULL,
  open             numeric NOT NULL,
  high             numeric NOT NULL,
  low              numeric NOT NULL,
  close            numeric NOT NULL,
  volume           bigint NOT NULL,
  adjusted_close   numeric,
  dividend_amount  numeric,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (symbol, period_start),
  CHECK (last_trade_date >= period_start AND last_trade_date < period_start + 7)
);

CREATE TABLE :SCHEMA.stock_prices_monthly (
  symbol           text NOT NULL,
  period_start     date NOT NULL CHECK (extract(day FROM period_start) = 1),
  last_trade_date  date NOT NULL,
  open             numeric NOT NULL,
  high             numeric NOT NULL,
  low              numeric NOT NULL,
  close            numeric NOT NULL,
  volume           bigint NOT NULL,
  adjusted_close   numeric,
  dividend_amount  numeric,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (symbol, period_start),
  CHECK (last_trade_date >= period_start AND last_trade_date < (period_start + interval '1 month'))
);

-- Intraday bars: the hot table. Kept lean (no updated_at) because backfills write millions of rows.
CREATE TABLE :SCHEMA.stock_prices_intraday (
  symbol    text NOT NULL,
  interval  text NOT NULL CHECK (interval IN ('1min', '5min', '15min', '30min', '60min')),
  ts        timestamptz NOT NULL,
  open      numeric NOT NULL,
  high      numeric NOT NULL,
  low       numeric NOT NULL,
  close     numeric NOT NULL,
  volume    bigint NOT NULL,
  PRIMARY KEY (symbol, interval, ts)
);

-- Quote snapshots (GLOBAL_QUOTE / REALTIME_BULK_QUOTES), appended by polling.
CREATE TABLE :SCHEMA.stock_quotes (
  symbol              text NOT NULL,
  observed_at         timestamptz NOT NULL,
  latest_trading_day  date NOT NULL,
  price               numeric NOT NULL,
  open                numeric,
  high                numeric,
  low                 numeric,
  volume              bigint,
  previous_close      numeric,
  change              numeric,
  change_percent      numeric,
  PRIMARY KEY (symbol, observed_at)
);

-- One row per job run.
CREATE TABLE :SCHEMA.etl_job_logs (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dataset         text NOT NULL,
  symbol          text,
  status          text NOT NULL CHECK (status IN ('running', 'success', 'failed')),
  started_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  heartbeat_at    timestamptz NOT NULL DEFAULT now(),
  rows_extracted  integer NOT NULL DEFAULT 0,
  rows_inserted   integer NOT NULL DEFAULT 0,
  rows_updated    integer NOT NULL DEFAULT 0,
  rows_unchanged  integer NOT NULL DEFAULT 0,
  rows_rejected   integer NOT NULL DEFAULT 0,
  api_calls       integer NOT NULL DEFAULT 0,
  duration_ms     integer,
  error_code      text,
  error_message   text,
  details         jsonb
);
CREATE INDEX etl_job_logs_started_idx ON :SCHEMA.etl_job_logs (started_at DESC);
CREATE INDEX etl_job_logs_status_idx ON :SCHEMA.etl_job_logs (status, started_at DESC);
CREATE INDEX etl_job_logs_symbol_idx ON :SCHEMA.etl_job_logs (symbol, dataset, started_at DESC);

-- Market indices (INDEX_CATALOG / INDEX_DATA).
CREATE TABLE :SCHEMA.market_indices (
  symbol      text PRIMARY KEY CHECK (length(symbol) BETWEEN 1 AND 20),
  name        text,
  is_active   boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE :SCHEMA.market_index_prices (
  symbol      text NOT NULL,
  trade_date  date NOT NULL,
  open        numeric NOT NULL,
  high        numeric NOT NULL,
  low         numeric NOT NULL,
  close       numeric NOT NULL,
  volume      bigint,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (symbol, trade_date)
);

-- Extraction watermarks: the newest data point stored per (symbol, dataset), advanced in the same
-- transaction as the rows it covers. Drives compact-vs-full decisions.
CREATE TABLE :SCHEMA.etl_watermarks (
  symbol           text NOT NULL,
  dataset          text NOT NULL,
  last_point       text NOT NULL,
  last_success_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (symbol, dataset)
);

-- Backfill ledger: one row per completed (symbol, dataset, month), so an interrupted backfill
-- resumes where it stopped and a finished month is never fetched again.
CREATE TABLE :SCHEMA.etl_backfill_ledger (
  symbol        text NOT NULL,
  dataset       text NOT NULL,
  month         date NOT NULL CHECK (extract(day FROM month) = 1),
  rows_loaded   integer NOT NULL,
  completed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (symbol, dataset, month)
);

-- Quarantine: source rows that failed validation, with the reason and the raw values.
CREATE TABLE :SCHEMA.etl_rejected_rows (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id       bigint REFERENCES :SCHEMA.etl_job_logs (id) ON DELETE SET NULL,
  dataset      text NOT NULL,
  symbol       text NOT NULL,
  source_key   text,
  reason       text NOT NULL,
  raw          jsonb,
  rejected_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX etl_rejected_rows_symbol_idx ON :SCHEMA.etl_rejected_rows (symbol, dataset, rejected_at DESC);

-- Shared API budget: requests spent per API key (stored as a SHA-256 hash, never the key) per
-- quota day, so several processes sharing one key share one daily budget.
CREATE TABLE :SCHEMA.api_usage (
  key_hash    text NOT NULL,
  day         date NOT NULL,
  used        integer NOT NULL DEFAULT 0,
  exhausted   boolean NOT NULL DEFAULT false,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (key_hash, day)
);
