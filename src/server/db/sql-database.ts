/** The small slice of a SQL driver that the store needs; PGlite and node-postgres both fit it. */
export interface SqlClient {
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
}

/** A SQL database with transactions. */
export interface SqlDatabase extends SqlClient {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs one statement in a transaction of its own, or in one it shares with writes sent at the
   * same time (group commit), each in a savepoint so that a statement that fails fails alone.
   * Resolves once that transaction has committed and its commit is on disk.
   */
  groupCommit<T>(text: string, params?: unknown[]): Promise<T[]>;
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
