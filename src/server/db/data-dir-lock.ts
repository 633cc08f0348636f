// One process per data folder. PGlite is a single-process database: two processes writing one
// folder would corrupt it. The lock is a file created atomically by the operating system (a hard
// link, which fails if the name exists, made from a file that already holds the pid), so of two
// processes starting together exactly one gets it, and a lock file is never seen half-written.
//
// A lock whose process is gone (SIGKILL, a power cut) or that cannot be read as a pid (an empty
// file from an older version) is stale and is taken over, with a line in the log. Taking over
// is itself guarded by a second file created exclusively (`wx`), and removes the lock only if it
// still holds what was judged stale, so two processes that both find a stale lock cannot both
// end up holding the folder.
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

/** The lock file's name in the data folder. */
export const LOCK_FILE = 'lrs.lock';

// A takeover guard older than this was left by a process that died while taking over.
const GUARD_STALE_MS = 10_000;
const ATTEMPTS = 200;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (errno(error) === 'ENOENT') return null;
    throw error;
  }
}

function holderPid(content: string): number | null {
  const pid = Number(content.trim());
  return /^\d+$/.test(content.trim()) && Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

function writeSynced(file: string, content: string, flag: 'wx' | 'w'): void {
  const fd = openSync(file, flag);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// Removes the lock if it still holds `stale`, under the takeover guard; false if another
// process is taking over right now.
function removeStale(lockFile: string, stale: string, log: (line: string) => void): boolean {
  const guard = `${lockFile}.takeover`;
  try {
    writeSynced(guard, `${process.pid}\n`, 'wx');
  } catch (error) {
    if (errno(error) !== 'EEXIST') throw error;
    try {
      if (Date.now() - statSync(guard).mtimeMs > GUARD_STALE_MS) unlinkSync(guard);
    } catch (statError) {
      if (errno(statError) !== 'ENOENT') throw statError;
    }
    return false;
  }
  try {
    if (readOrNull(lockFile) === stale) {
      const pid = holderPid(stale);
      log(
        pid === null
          ? `Taking over the data folder's lock ${lockFile}: it held no process id (${JSON.stringify(stale.slice(0, 40))}).`
          : `Taking over the data folder's lock ${lockFile}: process ${pid}, which held it, is gone.`,
      );
      unlinkSync(lockFile);
    }
  } finally {
    unlinkSync(guard);
  }
  return true;
}

/**
 * Locks `dataDir` for this process; resolves with the function that releases it. Throws, naming
 * the process that holds it, if a running process has the folder.
 */
export function lockDataDir(
  dataDir: string,
  log: (line: string) => void = (line) => {
    console.error(line);
  },
): () => void {
  const lockFile = path.join(dataDir, LOCK_FILE);
  const mine = `${process.pid}\n`;
  const draft = `${lockFile}.${process.pid}.new`;
  writeSynced(draft, mine, 'w');
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        linkSync(draft, lockFile);
        return () => {
          if (readOrNull(lockFile) === mine) unlinkSync(lockFile);
        };
      } catch (error) {
        if (errno(error) !== 'EEXIST') throw error;
      }
      const content = readOrNull(lockFile);
      if (content === null) continue; // released just now: try again
      const pid = holderPid(content);
      if (pid === process.pid) {
        throw new Error(`the data folder ${dataDir} is already open in this process`);
      }
      if (pid !== null && isRunning(pid)) {
        throw new Error(
          `the data folder ${dataDir} is in use by process ${pid} (its lock is ${lockFile}); ` +
            'stop that process first: the embedded store allows one process at a time. If ' +
            `process ${pid} is not this service, delete the lock file.`,
        );
      }
      if (!removeStale(lockFile, content, log)) sleepSync(20);
    }
    throw new Error(`could not lock the data folder ${dataDir}: another process keeps taking it`);
  } finally {
    unlinkSync(draft);
  }
}
