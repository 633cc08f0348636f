import { PGlite, type Results } from '@electric-sql/pglite';
import type { SqlClient, SqlDatabase } from './sql-database.ts';
import { inlineParams } from './sql-literal.ts';

// PGlite's parameterised `query` makes five calls into the WebAssembly database (parse,
// describe, bind, describe, execute); `exec` makes one. At about 0.1 ms a call on this
// machine, that was most of the cost of an authenticated request, so parameters are inlined as
// quoted literals and every query goes through `exec`.
function rowsOf<T>(results: Results[]): T[] {
  return (results[results.length - 1]?.rows ?? []) as T[];
}

function sqlText(text: string, params: unknown[] | undefined): string {
  return params === undefined || params.length === 0 ? text : inlineParams(text, params);
}

/** Opens (creating on first use) an embedded PostgreSQL in `dataDir` through PGlite. */
export async function openPgliteDatabase(dataDir: string): Promise<SqlDatabase> {
  // relaxedDurability stays off: every commit reaches the data folder before the query resolves,
  // which is what lets a 200/204 mean "stored".
  const db = await PGlite.create({ dataDir, relaxedDurability: false });
  // sql-literal.ts writes standard literals, in which a backslash is an ordinary character.
  await db.exec('SET standard_conforming_strings = on');
  const client: SqlClient = {
    async query<T>(text: string, params?: unknown[]): Promise<T[]> {
      return rowsOf<T>(await db.exec(sqlText(text, params)));
    },
  };
  return {
    kind: 'pglite',
    query: (text, params) => client.query(text, params),
    transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      return db.transaction(async (tx) =>
        fn({
          async query<R>(text: string, params?: unknown[]): Promise<R[]> {
            return rowsOf<R>(await tx.exec(sqlText(text, params)));
          },
        }),
      );
    },
    async close(): Promise<void> {
      await db.close();
    },
  };
}
