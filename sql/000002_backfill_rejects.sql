-- Rejected rows in the backfill ledger, and repair of watermarks moved into the future.

-- A month whose fetch rejected rows has a hole: the ledger records how many rows were rejected and
-- how many times the month was fetched, so a later backfill fetches it again (a bounded number of
-- times) instead of skipping it for good. Months recorded before this migration had no count.
ALTER TABLE :SCHEMA.etl_backfill_ledger
  ADD COLUMN rows_rejected integer NOT NULL DEFAULT 0 CHECK (rows_rejected >= 0),
  ADD COLUMN fetches integer NOT NULL DEFAULT 1 CHECK (fetches >= 1);

-- Months with a hole, for status reports (few rows: a partial index).
CREATE INDEX etl_backfill_ledger_rejects_idx ON :SCHEMA.etl_backfill_ledger (completed_at DESC)
  WHERE rows_rejected > 0;

-- Before dates were bounded, one future-dated bar (e.g. 2099-12-31) moved a watermark into the
-- future, where it stayed (watermarks only move forward): every later run fetched `compact` and a
-- pause left a silent hole. Such watermarks go back to the newest stored point that could exist
-- (at most a day ahead, as the validation allows), or are dropped when there is none — the next
-- run then fetches `full`. The future-dated rows themselves are left where they are.
WITH repaired AS (
  SELECT w.symbol, w.dataset,
    CASE
      WHEN w.dataset IN ('daily', 'daily_adjusted') THEN (
        SELECT to_char(max(p.trade_date), 'YYYY-MM-DD') FROM :SCHEMA.stock_prices p
         WHERE p.symbol = w.symbol AND p.trade_date <= current_date + 1)
      WHEN w.dataset IN ('weekly', 'weekly_adjusted') THEN (
        SELECT to_char(max(p.last_trade_date), 'YYYY-MM-DD') FROM :SCHEMA.stock_prices_weekly p
         WHERE p.symbol = w.symbol AND p.last_trade_date <= current_date + 1)
      WHEN w.dataset IN ('monthly', 'monthly_adjusted') THEN (
        SELECT to_char(max(p.last_trade_date), 'YYYY-MM-DD') FROM :SCHEMA.stock_prices_monthly p
         WHERE p.symbol = w.symbol AND p.last_trade_date <= current_date + 1)
      WHEN w.dataset = 'index' THEN (
        SELECT to_char(max(p.trade_date), 'YYYY-MM-DD') FROM :SCHEMA.market_index_prices p
         WHERE p.symbol = w.symbol AND p.trade_date <= current_date + 1)
      WHEN w.dataset = 'quote' THEN (
        SELECT to_char(max(p.latest_trading_day), 'YYYY-MM-DD') FROM :SCHEMA.stock_quotes p
         WHERE p.symbol = w.symbol AND p.latest_trading_day <= current_date + 1)
      WHEN w.dataset LIKE 'intraday:%' THEN (
        SELECT to_char(max(p.ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
          FROM :SCHEMA.stock_prices_intraday p
         WHERE p.symbol = w.symbol AND p.interval = substr(w.dataset, 10)
           AND p.ts <= now() + interval '1 day')
    END AS point
  FROM :SCHEMA.etl_watermarks w
  WHERE left(w.last_point, 10) > to_char(current_date + 2, 'YYYY-MM-DD')
), moved AS (
  UPDATE :SCHEMA.etl_watermarks w SET last_point = r.point
    FROM repaired r
   WHERE w.symbol = r.symbol AND w.dataset = r.dataset AND r.point IS NOT NULL
)
DELETE FROM :SCHEMA.etl_watermarks w
 USING repaired r
 WHERE w.symbol = r.symbol AND w.dataset = r.dataset AND r.point IS NULL;
