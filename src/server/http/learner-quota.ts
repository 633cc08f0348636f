// Storage quotas for learner credentials: at most so many statements per hour, so many bytes of
// attachments and so many bytes of documents (state, agent and activity profiles) written per day
// per learner (all of a learner's credentials together, keyed by their
// Agent), counted in the rate_limits table (LRS migration 006) so that every service process on a
// PostgreSQL database shares the count. A learner's browser sends a few hundred statements in a
// whole course, no attachments, and a few kilobytes of state per page it tracks; the limits stop one stolen or scripted credential from filling
// the disk. Clients that are not learners (the service's own, a reporting tool) are not limited.
import type { Counters } from './counters.ts';
import { HttpError, tooManyRequests } from './errors.ts';

/** The two allowances. */
export interface LearnerQuotaLimits {
  statementsPerHour: number;
  attachmentBytesPerDay: number;
  /** Bytes of documents written per day (every write counts in full, replacing or not). */
  documentBytesPerDay: number;
}

export const DEFAULT_LEARNER_QUOTA: LearnerQuotaLimits = {
  statementsPerHour: 1000,
  attachmentBytesPerDay: 20 * 1024 * 1024,
  documentBytesPerDay: 20 * 1024 * 1024,
};

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

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
  /**
   * Takes a document write of `bytes` from the learner's daily document allowance, or throws 413
   * with Retry-After and nothing taken. Returns a function that gives it back.
   */
  spendDocument(agentIfi: string, bytes: number): Promise<() => Promise<void>>;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MB` : `${n} bytes`;
}

/** Quotas counted in shared counters (the database's rate_limits table). */
export function learnerQuota(counters: Counters, limits: LearnerQuotaLimits): LearnerQuota {
  const take = async (key: string, amount: number, windowMs: number, max: number) => {
    if (amount === 0) return null;
    if (amount <= max && (await counters.spend(key, amount, windowMs, max))) return null;
    const usage = await counters.usage(key);
    return { used: usage?.used ?? 0, seconds: usage?.seconds ?? windowMs / 1000 };
  };
  const give = (key: string, amount: number) =>
    amount === 0 ? Promise.resolve() : counters.refund(key, amount);
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
    async spendDocument(agentIfi, bytes) {
      const key = `quota-document-bytes:${agentIfi}`;
      // An empty document still takes a row: count it as one byte.
      const amount = Math.max(1, bytes);
      const full = await take(key, amount, DAY_MS, limits.documentBytesPerDay);
      if (full !== null) {
        throw new HttpError(
          413,
          `storage quota: a learner may write at most ${formatBytes(limits.documentBytesPerDay)} ` +
            `of documents (state and profiles) per day; ${formatBytes(full.used)} written today, ` +
            `${formatBytes(amount)} sent; try again in ${full.seconds} s`,
          'quota',
          { headers: { 'Retry-After': String(full.seconds) } },
        );
      }
      return () => give(key, amount);
    },
  };
}
