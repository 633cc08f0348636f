// Messages between the embedded store's database thread (pglite-worker.ts) and the service
// (worker-database.ts).

/** What the database thread is started with. */
export interface WorkerOptions {
  /** PGlite's data folder. */
  dataDir: string;
}

export type WorkerRequest =
  | { id: number; op: 'query'; sql: string; params?: unknown[] | undefined; tx?: number }
  /**
   * `sql` with $1 = `rows` (a JSON array), sharing its transaction with other `group` requests
   * waiting with it, and joined with those of the same `sql` and no `keys` in common.
   */
  | { id: number; op: 'group'; sql: string; rows: string; keys: string[] }
  | { id: number; op: 'begin' | 'commit' | 'rollback'; tx: number }
  /** Commits of group transactions so far (for tests). */
  | { id: number; op: 'commits' }
  | { id: number; op: 'close' };

export interface WorkerError {
  message: string;
  /** SQLSTATE, for database errors. */
  code?: string | undefined;
}

export type WorkerReply =
  | { id: number; ok: true; rows?: unknown[]; commits?: number }
  | { id: number; ok: false; error: WorkerError };

/** Sent once the database is open (or failed to open). */
export type WorkerReady = { ready: true } | { ready: false; error: WorkerError };
