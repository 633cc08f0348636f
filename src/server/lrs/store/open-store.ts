import { AutoAnalyze } from '../../db/auto-analyze.ts';
import { migrate } from '../../db/migrate.ts';
import { openDatabase, type DatabaseConfig } from '../../db/open-database.ts';
import type { SqlDatabase } from '../../db/sql-database.ts';
import { WorkerDatabase } from '../../db/worker-database.ts';
import { SqlStore } from './sql-store.ts';
import type { Store } from './types.ts';

/** Where the store lives (see DatabaseConfig): a PostgreSQL URL or a local data folder. */
export type StoreConfig = DatabaseConfig;

/** The LRS schema's migrations and functions (SQL files, applied in version order). */
export const LRS_MIGRATIONS = new URL('./migrations/', import.meta.url);

/**
 * Opens the LRS store on an open database: brings the LRS schema up to date and starts the
 * statistics upkeep the embedded store needs. `onClose` runs after the store has closed the
 * database.
 */
export async function openLrsStore(
  db: SqlDatabase,
  onClose: () => Promise<void> = () => Promise.resolve(),
): Promise<SqlStore> {
  await migrate(db, 'lrs', LRS_MIGRATIONS);
  if (!(db instanceof WorkerDatabase)) {
    const store = new SqlStore(db, onClose);
    await store.settleAllVoiding();
    return store;
  }
  const autoAnalyze = new AutoAnalyze(db);
  await autoAnalyze.start();
  return new SqlStore(db, onClose, autoAnalyze);
}

/** Opens the configured database and the LRS store on it; closing the store closes both. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const { db, release } = await openDatabase(config);
  try {
    return await openLrsStore(db, release);
  } catch (error) {
    await db.close();
    await release();
    throw error;
  }
}

/**
 * The database a store was opened on, for the composition root (app.ts, the command-line tools)
 * to open the platform's repository on the same database: the embedded store allows one handle
 * per data folder. Nothing else should use it; the LRS's own data goes through the Store.
 */
export function databaseOf(store: Store): SqlDatabase {
  if (store instanceof SqlStore) return store.database;
  throw new Error('this store has no SQL database to share');
}
