// The `rate_limits` table (LRS migration 006): counters on the database's clock, shared by every
// service process on one database. The HTTP side's rate limits and the learner quota use them
// through the Counters interface (src/server/http/counters.ts).
import type { SqlClient } from '../../db/sql-database.ts';
import type { Counters } from '../../http/counters.ts';

// Adds $2 to the key's count if that keeps it at most $4 (or its window has ended, when it starts
// again at $2); no row comes back when the allowance would be exceeded. One statement, so that
// concurrent requests cannot both take the last of an allowance.
const SPEND = `
INSERT INTO rate_limits AS r (key, count, window_end)
VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN r.window_end <= clock_timestamp() THEN EXCLUDED.count
    ELSE r.count + EXCLUDED.count END,
  window_end = CASE WHEN r.window_end <= clock_timestamp() THEN EXCLUDED.window_end
    ELSE r.window_end END
WHERE r.window_end <= clock_timestamp() OR r.count + EXCLUDED.count <= $4
RETURNING count::float8 AS used`;

const USAGE = `
SELECT count::float8 AS used,
  greatest(1, ceil(extract(epoch FROM window_end - clock_timestamp())))::float8 AS seconds
FROM rate_limits WHERE key = $1`;

const REFUND = `UPDATE rate_limits SET count = greatest(0, count - $2) WHERE key = $1`;

// Fixed windows, as @fastify/rate-limit's own stores count.
const INCREMENT = `
INSERT INTO rate_limits AS r (key, count, window_end)
VALUES ($1, 1, clock_timestamp() + $2 * interval '1 millisecond')
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN r.window_end <= clock_timestamp() THEN 1 ELSE r.count + 1 END,
  window_end = CASE WHEN r.window_end <= clock_timestamp() THEN EXCLUDED.window_end
    ELSE r.window_end END
RETURNING count::float8 AS current,
  greatest(0, ceil(extract(epoch FROM r.window_end - clock_timestamp()) * 1000))::float8 AS ttl`;

const READ = `
SELECT count::float8 AS current,
  greatest(0, ceil(extract(epoch FROM window_end - clock_timestamp()) * 1000))::float8 AS ttl
FROM rate_limits WHERE key = $1 AND window_end > clock_timestamp()`;

/** Counters over the `rate_limits` table of a database. */
export function sqlCounters(db: SqlClient): Counters {
  return {
    async spend(key, amount, windowMs, max) {
      return (await db.query(SPEND, [key, amount, windowMs, max])).length > 0;
    },
    async usage(key) {
      const [row] = await db.query<{ used: number; seconds: number }>(USAGE, [key]);
      return row ?? null;
    },
    async refund(key, amount) {
      await db.query(REFUND, [key, amount]);
    },
    async increment(key, windowMs) {
      const [row] = await db.query<{ current: number; ttl: number }>(INCREMENT, [key, windowMs]);
      return row ?? { current: 0, ttl: 0 };
    },
    async read(key) {
      const [row] = await db.query<{ current: number; ttl: number }>(READ, [key]);
      return row ?? { current: 0, ttl: 0 };
    },
    async sweep() {
      await db.query('DELETE FROM rate_limits WHERE window_end < clock_timestamp()');
    },
  };
}
