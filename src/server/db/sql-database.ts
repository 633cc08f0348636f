/** The small slice of a SQL driver that the store needs; PGlite and node-postgres both fit it. */
export interface SqlClient {
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
}

/** A SQL database with transactions. */
export interface SqlDatabase extends SqlClient {
  readonly kind: 'pglite' | 'postgres';
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
