-- The rate limits' counters when several service processes share one PostgreSQL database
-- (http/rate-limits.ts, sqlRateLimitStore); in the LRS's schema because its authentication is
-- limited too. One row per limited key, counted until the end of its window. Counters are not
-- records: the table is unlogged (not written to the WAL, emptied after a crash), left out of
-- backups, and rows whose window has ended are deleted as the service goes.
CREATE UNLOGGED TABLE rate_limits (
  key text PRIMARY KEY,
  count integer NOT NULL,
  window_end timestamptz NOT NULL
);
CREATE INDEX rate_limits_window_end ON rate_limits (window_end);
