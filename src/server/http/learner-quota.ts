// Storage quotas for learner credentials: at most so many statements per hour and so many bytes
// of attachments per day per learner (all of a learner's credentials together, keyed by their
// Agent), counted in the rate_limits table (LRS migration 006) so that every service process on a
// PostgreSQL database shares the count. A learner's browser sends a few hundred statements in a
// whole course and no attachments; the limits stop one stolen or scripted credential from filling
// the disk. Clients that are not learners (the service's own, a reporting tool) are not limited.
import type { SqlClient } from '../db/sql-database.ts';
import { HttpError, tooManyRequests } from './errors.ts';

/** The two allowances. */
export interface LearnerQuotaLimits {
  statementsPerHour: number;
  attachmentBytesPerDay: number;
}

export const DEFAULT_LEARNER_QUOTA: LearnerQuotaLimits = {
  statementsPerHour: 1000,
  attachmentBytesPerDay: 20 * 1024 * 1024,
};

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

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

const USED = `
SELECT count::float8 AS used,
  greatest(1, ceil(extract(epoch FROM window_end - clock_timestamp())))::float8 AS seconds
FROM rate_limits WHERE key = $1`;

// Gives back what a request spent when it stored nothing (refused statements, a conflict).
const REFUND = `UPDATE rate_limits SET count = greatest(0, count - $2) WHERE key = $1`;

/** What a learner's write may spend, and how to give it back when the write fails. */
export interface LearnerQuota {
  /**
   * Takes `statements` and `attachmentBytes` from the learner's allowances, or throws 429 (too
   * many statements this hour) or 413 (too many attachment bytes today) with Retry-After and
   * nothing taken. Returns a function that gives both back.
   */
  spend(
    agentIfi: string,
    statements: number,
    attachmentBytes: number,
  ): Promise<() => Promise<void>>;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MB` : `${n} bytes`;
}

/** Quotas counted in the database's rate_limits table. */
export function learnerQuota(db: SqlClient, limits: LearnerQuotaLimits): LearnerQuota {
  const take = async (key: string, amount: number, windowMs: number, max: number) => {
    if (amount === 0) return null;
    if (amount <= max) {
      const rows = await db.query<{ used: number }>(SPEND, [key, amount, windowMs, max]);
      if (rows.length > 0) return null;
    }
    const [row] = await db.query<{ used: number; seconds: number }>(USED, [key]);
    return { used: row?.used ?? 0, seconds: row?.seconds ?? windowMs / 1000 };
  };
  const give = (key: string, amount: number) =>
    amount === 0 ? Promise.resolve() : db.query(REFUND, [key, amount]).then(() => undefined);
  return {
    async spend(agentIfi, statements, attachmentBytes) {
      const statementKey = `quota-statements:${agentIfi}`;
      const bytesKey = `quota-attachment-bytes:${agentIfi}`;
      const over = await take(statementKey, statements, HOUR_MS, limits.statementsPerHour);
      if (over !== null) {
        throw tooManyRequests(
          `storage quota: a learner may store at most ${limits.statementsPerHour} statements per ` +
            `hour; ${over.used} stored in this hour, ${statements} sent; try again in ${over.seconds} s`,
          over.seconds,
          'quota',
        );
      }
      const full = await take(bytesKey, attachmentBytes, DAY_MS, limits.attachmentBytesPerDay);
      if (full !== null) {
        await give(statementKey, statements);
        throw new HttpError(
          413,
          `storage quota: a learner may store at most ${formatBytes(limits.attachmentBytesPerDay)} ` +
            `of attachments per day; ${formatBytes(full.used)} stored today, ` +
            `${formatBytes(attachmentBytes)} sent; try again in ${full.seconds} s`,
          'quota',
          { headers: { 'Retry-After': String(full.seconds) } },
        );
      }
      return async () => {
        await give(statementKey, statements);
        await give(bytesKey, attachmentBytes);
      };
    },
  };
}
