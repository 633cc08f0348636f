import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AutoAnalyze } from './auto-analyze.ts';
import { migrate } from './migrations.ts';
import { openPgDatabase } from './pg-database.ts';
import { SqlStore } from './sql-store.ts';
import type { Store } from './types.ts';
import { WorkerDatabase } from './worker-database.ts';

/** Where the store lives: a PostgreSQL URL, or else a local data folder for the embedded store. */
export interface StoreConfig {
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
   * Embedded store: told if its database thread stops while the store is open. The service
   * exits then, so that whatever restarts it applies the journal and serves again.
   */
  onFailure?: ((error: Error) => void) | undefined;
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

/** Opens the configured store and brings its schema up to date. */
export async function openStore(config: StoreConfig): Promise<Store> {
  if (config.databaseUrl !== undefined && config.databaseUrl !== '') {
    const db = await openPgDatabase({
      connectionString: config.databaseUrl,
      ...(config.schema === undefined ? {} : { schema: config.schema }),
    });
    await migrate(db);
    const store = new SqlStore(db);
    await store.settleAllVoiding();
    return store;
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
    try {
      await migrate(db);
      // Statements acknowledged but not yet applied when the last process stopped.
      const replayed = await db.replayJournal();
      if (replayed > 0) {
        console.log(`Applied ${replayed} journaled write(s) left from the last run.`);
      }
      const autoAnalyze = new AutoAnalyze(db);
      await autoAnalyze.start();
      return new SqlStore(db, unlock, autoAnalyze);
    } catch (error) {
      await db.close();
      throw error;
    }
  } catch (error) {
    await unlock();
    throw error;
  }
}
