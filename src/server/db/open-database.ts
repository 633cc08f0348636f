import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openPgDatabase } from './pg-database.ts';
import type { SqlDatabase } from './sql-database.ts';
import { WorkerDatabase } from './worker-database.ts';

/** Where the records live: a PostgreSQL URL, or else a local data folder for the embedded store. */
export interface DatabaseConfig {
  databaseUrl?: string | undefined;
  /** PostgreSQL schema to use (default: the connection's search_path). */
  schema?: string | undefined;
  dataDir?: string | undefined;
  /**
   * Embedded store: how long acknowledged statements may wait to be applied when no other
   * request comes (see pglite-worker.ts); tests set it high to hold them in the journal.
   */
  applyAfterMs?: number | undefined;
  /**
   * Embedded store: told if its database thread stops while the database is open. The service
   * exits then, so that whatever restarts it applies the journal and serves again.
   */
  onFailure?: ((error: Error) => void) | undefined;
}

/** An open database and what must happen when its owner closes it. */
export interface OpenDatabase {
  db: SqlDatabase;
  /** Releases what opening took besides the connection (the data folder's lock). */
  release: () => Promise<void>;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// PGlite is a single-process database: two processes writing one folder would corrupt it, so a
// pid file guards the folder. A stale one (its process gone, e.g. after SIGKILL) is taken over.
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockFile = path.join(dataDir, 'lrs.lock');
  try {
    const pid = Number((await readFile(lockFile, 'utf8')).trim());
    if (Number.isInteger(pid) && pid !== process.pid && isRunning(pid)) {
      throw new Error(
        `the data folder ${dataDir} is in use by process ${pid}; stop it first ` +
          '(the embedded store allows one process at a time)',
      );
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await writeFile(lockFile, `${process.pid}\n`);
  return async () => {
    await rm(lockFile, { force: true });
  };
}

/**
 * Opens the configured database: PostgreSQL when `databaseUrl` is set, else the embedded
 * PostgreSQL (PGlite) on its own thread in `dataDir`, locked to this process. The schema is
 * each store's business (lrs/store, platform/store), not this module's.
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
  await mkdir(dataDir, { recursive: true });
  const unlock = await lockDataDir(dataDir);
  try {
    const db = await WorkerDatabase.open(
      {
        dataDir: path.join(dataDir, 'pglite'),
        journalFile: path.join(dataDir, 'journal.log'),
        ownJournalFile: path.join(dataDir, 'journal-service.log'),
        applyAfterMs: config.applyAfterMs,
      },
      config.onFailure,
    );
    return { db, release: unlock };
  } catch (error) {
    await unlock();
    throw error;
  }
}
