// Messages between the embedded store's database thread (pglite-worker.ts) and the service
// (worker-database.ts).

/** What the database thread is started with. */
export interface WorkerOptions {
  /** PGlite's data folder. */
  dataDir: string;
  /** The statement journal of the database thread. */
  journalFile: string;
  /** The statement journal of the service's side (worker-database.ts). */
  ownJournalFile: string;
  /** Longest wait before acknowledged statements are applied (default 20 ms). */
  applyAfterMs?: number | undefined;
}

/** What the database thread checks before it acknowledges a statement (see pglite-worker.ts). */
export interface WriteCheck {
  /** The statement id, lower case. */
  id: string;
  fingerprint: string;
  /** The statement it voids (lower case), for a voiding statement. */
  voids: string | null;
}

/**
 * What a journaled row holds for "stored_at" until the database thread stamps it with the
 * time it acknowledges the row. U+0000 cannot occur in a statement (validation refuses it, as
 * PostgreSQL cannot store it), so the serialised pair is never statement content.
 */
export const STAMP_MARK = '\u0000';
/** STAMP_MARK as JSON.stringify writes it, with its key. */
export const STAMPED_PAIR = '"stored_at":"\\u0000"';

export type WorkerRequest =
  | { id: number; op: 'query'; sql: string; params?: unknown[] | undefined; tx?: number }
  | { id: number; op: 'begin' | 'commit' | 'rollback'; tx: number }
  /**
   * `batch`: a JSON array of the rows lrs_store_statements takes, their "ord" numbered from
   * one counter across requests and their "stored_at" stamped, both in the order sent.
   */
  | { id: number; op: 'write'; batch: string; checks: WriteCheck[] }
  /** Apply acknowledged writes now (the thread sends itself this). */
  | { id: number; op: 'apply' }
  /**
   * A write the service has journaled and acknowledged itself (its ids new to the id filter,
   * none voiding): apply it; the answer comes once it is applied.
   */
  | { id: number; op: 'acknowledged'; batch: string; checks: WriteCheck[] }
  /** Commits of statement writes so far (for tests). */
  | { id: number; op: 'commits' }
  | { id: number; op: 'replay' }
  | { id: number; op: 'close' };

export interface WorkerError {
  message: string;
  /** SQLSTATE, for database errors. */
  code?: string | undefined;
}

export type WorkerReply =
  | { id: number; ok: true; rows?: unknown[]; commits?: number; replayed?: number }
  | { id: number; ok: false; error: WorkerError };

/** Sent once the database is open (or failed to open). */
export type WorkerReady = { ready: true } | { ready: false; error: WorkerError };
