// The embedded store's database thread: PGlite runs here, off the thread that serves HTTP, so
// that the service reads and checks requests while the database works.
//
// Requests are served one at a time in the order they arrive. While a transaction is open,
// only its own requests are served.
//
// Group commit: `group` requests (statement writes) that are waiting together, because they
// arrived while the database was busy, share one transaction. Those with the same SQL and no
// statement id in common run as one call over their rows joined (one call of
// lrs_store_statements costs about as much for 20 statements as for one); if that call fails,
// each runs again alone in a savepoint, so that one that fails (a conflicting statement id) is
// rolled back alone. Every request of the group is answered after the COMMIT, which returns
// once the commit is on disk (fsync on, see pglite-database.ts): nothing is answered before it
// is durable.
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerError, WorkerOptions, WorkerReply, WorkerRequest } from './pglite-protocol.ts';
import { openPgliteDatabase } from './pglite-database.ts';
import type { SqlDatabase } from './sql-database.ts';

type GroupRequest = Extract<WorkerRequest, { op: 'group' }>;

// Requests that share one transaction, at most, and the most JSON they join (a request may
// go beyond it alone).
const MAX_GROUP = 100;
const MAX_GROUP_BYTES = 4 * 1024 * 1024;

const port = parentPort;
if (port === null) throw new Error('pglite-worker.ts runs as a worker thread');
const options = workerData as WorkerOptions;

function errorOf(error: unknown): WorkerError {
  const e = error as { message?: unknown; code?: unknown };
  return {
    message: typeof e.message === 'string' ? e.message : String(error),
    code: typeof e.code === 'string' ? e.code : undefined,
  };
}

// A failure that leaves the WebAssembly database unusable: the thread exits, and the service
// answers 503 to what was waiting and starts a new thread on the same files.
function isFatal(error: unknown): boolean {
  return (
    error instanceof WebAssembly.RuntimeError ||
    /PGlite is closed|Aborted\(/.test(errorOf(error).message)
  );
}

let db: SqlDatabase;
try {
  db = await openPgliteDatabase(options.dataDir);
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ ready: false, error: errorOf(error) });
  throw error;
}

// An answer that cannot be sent (rows too deeply nested to copy, say) becomes that request's
// error, rather than an answer that never comes.
function reply(message: WorkerReply): void {
  try {
    port?.postMessage(message);
  } catch (error) {
    port?.postMessage({
      id: message.id,
      ok: false,
      error: { message: `the answer could not be sent: ${errorOf(error).message}` },
    } satisfies WorkerReply);
  }
}

let commits = 0;

// The calls of a group that can run as one: consecutive, with the same SQL, no key twice.
function joinable(group: readonly GroupRequest[]): GroupRequest[][] {
  const runs: GroupRequest[][] = [];
  let run: GroupRequest[] = [];
  let keys = new Set<string>();
  for (const w of group) {
    const first = run[0];
    if (first !== undefined && (first.sql !== w.sql || w.keys.some((k) => keys.has(k)))) {
      runs.push(run);
      run = [];
      keys = new Set();
    }
    run.push(w);
    for (const k of w.keys) keys.add(k);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

// One call over the arrays of a run, joined in order.
function joined(run: readonly GroupRequest[]): string {
  const parts = run.map((w) => w.rows.trim().slice(1, -1).trim()).filter((p) => p !== '');
  return `[${parts.join(',')}]`;
}

// Runs a run of calls in a savepoint, as one call; if that fails, each alone in a savepoint.
async function runJoined(run: readonly GroupRequest[], outcomes: WorkerReply[]): Promise<void> {
  const first = run[0];
  if (first === undefined) return;
  if (run.length > 1) {
    await db.query('SAVEPOINT lrs_group');
    try {
      const rows = await db.query(first.sql, [joined(run)]);
      await db.query('RELEASE SAVEPOINT lrs_group');
      for (const w of run) outcomes.push({ id: w.id, ok: true, rows });
      return;
    } catch (error) {
      if (isFatal(error)) throw error;
      await db.query('ROLLBACK TO SAVEPOINT lrs_group');
      await db.query('RELEASE SAVEPOINT lrs_group');
    }
  }
  for (const w of run) {
    await db.query('SAVEPOINT lrs_group');
    try {
      outcomes.push({ id: w.id, ok: true, rows: await db.query(w.sql, [w.rows]) });
    } catch (error) {
      if (isFatal(error)) throw error;
      outcomes.push({ id: w.id, ok: false, error: errorOf(error) });
      await db.query('ROLLBACK TO SAVEPOINT lrs_group');
    }
    await db.query('RELEASE SAVEPOINT lrs_group');
  }
}

// Runs a group of writes in one transaction (one alone in a transaction of its own) and
// answers each once it has committed.
async function runGroup(group: GroupRequest[]): Promise<void> {
  const only = group.length === 1 ? group[0] : undefined;
  if (only !== undefined) {
    let rows: unknown[];
    try {
      rows = await db.query(only.sql, [only.rows]);
    } catch (error) {
      if (isFatal(error)) throw error;
      reply({ id: only.id, ok: false, error: errorOf(error) });
      return;
    }
    commits += 1;
    reply({ id: only.id, ok: true, rows });
    return;
  }
  const outcomes: WorkerReply[] = [];
  try {
    await db.query('BEGIN');
    for (const run of joinable(group)) await runJoined(run, outcomes);
    await db.query('COMMIT');
  } catch (error) {
    if (isFatal(error)) throw error;
    // The transaction failed as a whole (its COMMIT, say): none of the group is stored.
    await db.query('ROLLBACK').catch(() => undefined);
    for (const w of group) reply({ id: w.id, ok: false, error: errorOf(error) });
    return;
  }
  commits += 1;
  for (const outcome of outcomes) reply(outcome);
}

async function serve(m: Exclude<WorkerRequest, GroupRequest>): Promise<void> {
  try {
    switch (m.op) {
      case 'query':
        reply({ id: m.id, ok: true, rows: await db.query(m.sql, m.params) });
        return;
      case 'begin':
        await db.query('BEGIN');
        activeTx = m.tx;
        break;
      case 'commit':
      case 'rollback':
        try {
          await db.query(m.op === 'commit' ? 'COMMIT' : 'ROLLBACK');
        } finally {
          activeTx = null;
        }
        break;
      case 'commits':
        reply({ id: m.id, ok: true, commits });
        return;
      case 'close':
        await db.close();
        break;
    }
    reply({ id: m.id, ok: true });
  } catch (error) {
    if (isFatal(error)) throw error;
    reply({ id: m.id, ok: false, error: errorOf(error) });
  }
}

const queue: WorkerRequest[] = [];
let activeTx: number | null = null;
let serving = false;

function next(): number {
  if (activeTx === null) return queue.length > 0 ? 0 : -1;
  return queue.findIndex((m) => 'tx' in m && m.tx === activeTx);
}

// The writes at the head of the queue, in order, up to MAX_GROUP and MAX_GROUP_BYTES.
function takeGroup(): GroupRequest[] {
  const group: GroupRequest[] = [];
  let bytes = 0;
  for (let head = queue[0]; head?.op === 'group'; head = queue[0]) {
    if (group.length >= MAX_GROUP) break;
    if (group.length > 0 && bytes + head.rows.length > MAX_GROUP_BYTES) break;
    queue.shift();
    group.push(head);
    bytes += head.rows.length;
  }
  return group;
}

async function drain(): Promise<void> {
  try {
    for (let i = next(); i !== -1; i = next()) {
      if (activeTx === null && queue[0]?.op === 'group') {
        await runGroup(takeGroup());
        continue;
      }
      const [m] = queue.splice(i, 1);
      if (m === undefined || m.op === 'group') continue;
      await serve(m);
    }
  } catch (error) {
    // Fatal: the thread ends, and the service restarts it (see worker-database.ts).
    console.error('The embedded store failed:', error);
    process.exit(1);
  } finally {
    serving = false;
  }
}

function enqueue(batch: WorkerRequest[]): void {
  queue.push(...batch);
  if (serving) return;
  serving = true;
  // After the current poll phase, so that requests sent together are served together.
  setImmediate(() => void drain());
}

port.on('message', enqueue);
