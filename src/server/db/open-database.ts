import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { lockDataDir } from './data-dir-lock.ts';
import { openPgDatabase } from './pg-database.ts';
import type { SqlDatabase } from './sql-database.ts';
import { WorkerDatabase } from './worker-database.ts';

/** Where the records live: a PostgreSQL URL, or else a local data folder for the embedded store. */
export interface DatabaseConfig {
  databaseUrl?: string | undefined;
  /** PostgreSQL schema to use (default: the connection's search_path). */
  schema?: string | undefined;
  dataDir?: string | undefined;
}

/** An open database and what must happen when its owner closes it. */
export interface OpenDatabase {
  db: SqlDatabase;
  /** Releases what opening took besides the connection (the data folder's lock). */
  release: () => Promise<void>;
}

/**
 * Opens the configured database: PostgreSQL when `databaseUrl` is set, else the embedded
 * PostgreSQL (PGlite) on its own thread in `dataDir`, locked to this process (data-dir-lock.ts).
 * The schema is each store's business (lrs/store, platform/store), not this module's.
 */
export async function openDatabase(config: DatabaseConfig): Promise<OpenDatabase> {
  if (config.databaseUrl !== undefined && config.databaseUrl !== '') {
    const db = await openPgDatabase({
      connectionString: config.databaseUrl,
      ...(config.schema === undefined ? {} : { schema: config.schema }),
    });
    return { db, release: () => Promise.resolve() };
  }
  const dataDir = path.resolve(config.dataDir ?? 'data');
  // The folder holds every record (and the operator socket): a new one is its owner's alone, not
  // readable by every account on the machine as the usual umask (022) would leave it.
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const unlock = lockDataDir(dataDir);
  try {
    const db = await WorkerDatabase.open({ dataDir: path.join(dataDir, 'pglite') });
    return {
      db,
      release: () => {
        unlock();
        return Promise.resolve();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
