-- The rate limits' counters when several service processes share one PostgreSQL database
-- (http/rate-limits.ts, sqlRateLimitStore), and the learners' storage quotas on both stores
-- (http/learner-quota.ts); in the LRS's schema because its authentication and statements are
-- limited. One row per limited key, counted (attempts, statements or bytes) until the end of its
-- window. Counters are not
-- records: the table is unlogged (not written to the WAL, emptied after a crash), left out of
-- backups, and rows whose window has ended are deleted as the service goes.
CREATE UNLOGGED TABLE rate_limits (
  key text PRIMARY KEY,
  count bigint NOT NULL,
  window_end timestamptz NOT NULL
);
CREATE INDEX rate_limits_window_end ON rate_limits (window_end);
