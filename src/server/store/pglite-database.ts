import { PGlite } from '@electric-sql/pglite';
import type { SqlClient, SqlDatabase } from './sql-database.ts';

/** Opens (creating on first use) an embedded PostgreSQL in `dataDir` through PGlite. */
export async function openPgliteDatabase(dataDir: string): Promise<SqlDatabase> {
  // relaxedDurability stays off: every commit reaches the data folder before the query resolves,
  // which is what lets a 200/204 mean "stored".
  const db = await PGlite.create({ dataDir, relaxedDurability: false });
  const client: SqlClient = {
    async query<T>(text: string, params?: unknown[]): Promise<T[]> {
      const result = await db.query<T>(text, params);
      return result.rows;
    },
  };
  return {
    kind: 'pglite',
    query: (text, params) => client.query(text, params),
    transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      return db.transaction(async (tx) =>
        fn({
          async query<R>(text: string, params?: unknown[]): Promise<R[]> {
            return (await tx.query<R>(text, params)).rows;
          },
        }),
      );
    },
    async close(): Promise<void> {
      await db.close();
    },
  };
}
