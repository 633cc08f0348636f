/** The small slice of a SQL driver that the store needs; PGlite and node-postgres both fit it. */
export interface SqlClient {
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
}

/** A SQL database with transactions. */
export interface SqlDatabase extends SqlClient {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `text` with `$1` = `rows`, a JSON array, and resolves with its result once the
   * transaction has committed and the commit is on disk. On the embedded store, calls that wait
   * together share one transaction (group commit), and those with the same `text` and no `keys`
   * in common run as one call over their arrays joined in the order called, each getting that
   * call's result; if a joined call fails, each runs again alone in a savepoint, so that a call
   * that fails (a conflicting statement id) fails alone.
   */
  groupCommit<T>(text: string, rows: string, keys: readonly string[]): Promise<T[]>;
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
