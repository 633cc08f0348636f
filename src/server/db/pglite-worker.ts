// The embedded store's database thread: PGlite runs here, off the thread that serves HTTP, so
// that the service reads, checks and acknowledges requests while the database applies them.
//
// Requests are served one at a time in the order they arrive. While a transaction is open,
// only its own requests are served.
//
// Statement writes are acknowledged before the database applies them, once journaled (see
// worker-database.ts). Most are journaled and acknowledged by the service itself and arrive
// here as 'acknowledged', to apply. The rest ('write': ids the service's filter may have seen,
// voiding statements) are checked here first: an id stored or acknowledged before with other
// content is a conflict (409); a statement that voids a voiding statement is refused (400).
// Those that pass are appended to this thread's journal and acknowledged.
//
// Acknowledged writes are applied in one transaction: once APPLY_AT statements wait, or
// APPLY_AFTER_MS after the first of them, and always before any other request is served, so a
// query sent after an acknowledgement sees the statement. One call of lrs_store_statements for
// 10 statements cost 0.24 ms a statement here, ten calls of one statement each 0.55 ms, and ten
// commits 0.85 ms.
import { appendFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { Journal } from './journal.ts';
import {
  type WorkerError,
  type WorkerOptions,
  type WorkerReply,
  type WorkerRequest,
  type WriteCheck,
} from './pglite-protocol.ts';
import { openPgliteDatabase } from './pglite-database.ts';
import type { SqlDatabase } from './sql-database.ts';
import { sqlLiteral } from './sql-literal.ts';

type WriteRequest = Extract<WorkerRequest, { op: 'write' }>;

// Statements checked and journaled together, at most: a larger request goes alone.
const MAX_GROUP_STATEMENTS = 2000;
// Acknowledged statements waiting to be applied: apply once this many wait, or this long
// after the first of them. A batch of 100 is applied at once, while the service reads the
// next request: with 500, sequential batches of 100 went 3,388-4,087/s against 4,474-5,304/s
// with 100 (A/B, back to back); single statements still gather up to 20 ms of sends.
const APPLY_AT = 100;
const APPLY_AFTER_MS = 20;

const port = parentPort;
if (port === null) throw new Error('pglite-worker.ts runs as a worker thread');
const options = workerData as WorkerOptions;
const applyAfterMs = options.applyAfterMs ?? APPLY_AFTER_MS;

function errorOf(error: unknown): WorkerError {
  const e = error as { message?: unknown; code?: unknown };
  return {
    message: typeof e.message === 'string' ? e.message : String(error),
    code: typeof e.code === 'string' ? e.code : undefined,
  };
}

let db: SqlDatabase;
let journal: Journal;
let pendingRecords: string[];
try {
  db = await openPgliteDatabase(options.dataDir);
  const opened = Journal.open(options.journalFile);
  journal = opened.journal;
  pendingRecords = opened.contents.records;
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ ready: false, error: errorOf(error) });
  throw error;
}

// Runs SQL text (several statements run as one transaction); returns the last one's rows.
function exec(sql: string, params?: unknown[]): Promise<unknown[]> {
  return db.query(sql, params);
}

function reply(message: WorkerReply): void {
  port?.postMessage(message);
}

// One call for any number of batches: the service numbers rows ("ord") from one counter, so
// joining the arrays keeps them in the order they were acknowledged in.
function applySql(batches: readonly string[]): string {
  const rows = batches.map((b) => b.slice(1, -1).trim()).filter((b) => b !== '');
  return `SELECT lrs_store_statements(${sqlLiteral(`[${rows.join(',')}]`)}::jsonb)`;
}

// Applies acknowledged writes. They passed their checks, so a failure here is not the
// client's: each is retried alone, and one that still fails is kept beside the journal and
// reported, for an operator to look at.
async function apply(batches: readonly string[]): Promise<void> {
  try {
    await exec(applySql(batches));
    return;
  } catch (error) {
    if (batches.length === 1) {
      keepFailed(batches[0] ?? '', error);
      return;
    }
  }
  for (const batch of batches) {
    try {
      await exec(applySql([batch]));
    } catch (error) {
      keepFailed(batch, error);
    }
  }
}

function keepFailed(batch: string, error: unknown): void {
  const file = `${options.journalFile}.failed`;
  console.error(
    `The embedded store could not apply acknowledged statements (${errorOf(error).message}); ` +
      `they are kept in ${file}`,
  );
  appendFileSync(file, `${batch}\n`);
}

interface Known {
  fingerprint: string;
  voiding: boolean;
}

function knownOf(c: WriteCheck): Known {
  return { fingerprint: c.fingerprint, voiding: c.voids !== null };
}

let commits = 0;
let prepared = false;
// Acknowledged and journaled, not yet applied: the batches, and what the checks need of them.
let unapplied: string[] = [];
let unappliedCount = 0;
const unappliedKnown = new Map<string, Known>();
let applyTimer: NodeJS.Timeout | null = null;
// 'acknowledged' requests waiting for their write to be applied.
let awaitingApply: number[] = [];

// Takes an acknowledged write to apply, and applies now or soon.
async function take(batch: string, checks: readonly WriteCheck[]): Promise<void> {
  unapplied.push(batch);
  unappliedCount += checks.length;
  for (const c of checks) if (!unappliedKnown.has(c.id)) unappliedKnown.set(c.id, knownOf(c));
  if (unappliedCount >= APPLY_AT) {
    await applyAll();
  } else {
    applyTimer ??= setTimeout(() => {
      applyTimer = null;
      enqueue([{ id: 0, op: 'apply' }]);
    }, applyAfterMs);
  }
}

// Applies every acknowledged write, then empties the journal and answers the service's.
async function applyAll(): Promise<void> {
  if (applyTimer !== null) {
    clearTimeout(applyTimer);
    applyTimer = null;
  }
  if (unapplied.length === 0) return;
  const batches = unapplied;
  const answers = awaitingApply;
  unapplied = [];
  unappliedCount = 0;
  awaitingApply = [];
  await apply(batches);
  commits += 1;
  unappliedKnown.clear();
  journal.clear();
  for (const id of answers) reply({ id, ok: true, commits });
}

// What the store holds of these ids.
async function storedIds(ids: ReadonlySet<string>): Promise<Map<string, Known>> {
  const known = new Map<string, Known>();
  if (ids.size === 0) return known;
  if (!prepared) {
    // Planning took longer than running this lookup by index.
    await exec(`PREPARE lrs_known(uuid[]) AS
      SELECT id::text AS id, fingerprint, voids IS NOT NULL AS voiding
      FROM statements WHERE id = ANY($1)`);
    prepared = true;
  }
  const rows = (await exec('EXECUTE lrs_known($1)', [[...ids]])) as ({ id: string } & Known)[];
  for (const r of rows) known.set(r.id, r);
  return known;
}

// Checks a group of writes against the store, the writes acknowledged before and each other;
// journals and acknowledges those that pass.
async function write(group: WriteRequest[]): Promise<void> {
  const lookup = new Set<string>();
  for (const w of group) {
    for (const c of w.checks) {
      lookup.add(c.id);
      if (c.voids !== null) lookup.add(c.voids);
    }
  }
  let known: Map<string, Known>;
  try {
    known = await storedIds(lookup);
  } catch (error) {
    for (const w of group) reply({ id: w.id, ok: false, error: errorOf(error) });
    return;
  }
  for (const id of lookup) {
    const waiting = unappliedKnown.get(id);
    if (waiting !== undefined && !known.has(id)) known.set(id, waiting);
  }
  const accepted: WriteRequest[] = [];
  for (const w of group) {
    const refusal = check(w.checks, known);
    if (refusal !== null) {
      reply({ id: w.id, ok: false, error: refusal });
      continue;
    }
    for (const c of w.checks) if (!known.has(c.id)) known.set(c.id, knownOf(c));
    accepted.push(w);
  }
  if (accepted.length === 0) return;
  try {
    journal.append(accepted.map((w) => w.batch));
  } catch (error) {
    for (const w of accepted) reply({ id: w.id, ok: false, error: errorOf(error) });
    return;
  }
  for (const w of accepted) reply({ id: w.id, ok: true });
  for (const w of accepted) await take(w.batch, w.checks);
}

// The refusals of lrs_insert_statements (migration 9), made before acknowledging.
function check(
  checks: readonly WriteCheck[],
  known: ReadonlyMap<string, Known>,
): WorkerError | null {
  for (const c of checks) {
    const before = known.get(c.id);
    if (before !== undefined && before.fingerprint !== c.fingerprint) {
      return {
        message: `statement ${c.id} already exists with different content`,
        code: 'LRS09',
      };
    }
    if (c.voids !== null && known.get(c.voids)?.voiding === true) {
      return {
        message: `statement ${c.id} voids ${c.voids}, which is itself a voiding statement; a voiding statement cannot be voided`,
        code: 'LRS00',
      };
    }
  }
  return null;
}

// Applies what the journal held at start-up (acknowledged before a crash), then empties it.
async function replay(): Promise<number> {
  const records = pendingRecords;
  pendingRecords = [];
  if (records.length > 0) await apply(records);
  journal.clear();
  return records.length;
}

const queue: WorkerRequest[] = [];
let activeTx: number | null = null;
let serving = false;

function next(): number {
  if (activeTx === null) return queue.length > 0 ? 0 : -1;
  return queue.findIndex((m) => 'tx' in m && m.tx === activeTx);
}

// The writes at the head of the queue, in order, up to MAX_GROUP_STATEMENTS.
function takeWrites(): WriteRequest[] {
  const group: WriteRequest[] = [];
  let count = 0;
  while (queue[0]?.op === 'write') {
    const w = queue[0];
    if (group.length > 0 && count + w.checks.length > MAX_GROUP_STATEMENTS) break;
    queue.shift();
    group.push(w);
    count += w.checks.length;
  }
  return group;
}

async function serve(m: Exclude<WorkerRequest, { op: 'write' | 'acknowledged' }>): Promise<void> {
  try {
    switch (m.op) {
      case 'query': {
        reply({ id: m.id, ok: true, rows: await exec(m.sql, m.params) });
        return;
      }
      case 'begin':
        await exec('BEGIN');
        activeTx = m.tx;
        break;
      case 'commit':
      case 'rollback':
        try {
          await exec(m.op === 'commit' ? 'COMMIT' : 'ROLLBACK');
        } finally {
          activeTx = null;
        }
        break;
      case 'replay':
        reply({ id: m.id, ok: true, replayed: await replay() });
        return;
      case 'commits':
        reply({ id: m.id, ok: true, commits });
        return;
      case 'apply':
        return; // done above, in drain()
      case 'close':
        await db.close();
        journal.close();
        break;
    }
    reply({ id: m.id, ok: true });
  } catch (error) {
    reply({ id: m.id, ok: false, error: errorOf(error) });
  }
}

async function drain(): Promise<void> {
  try {
    for (let i = next(); i !== -1; i = next()) {
      const head = queue[0];
      if (activeTx === null && head?.op === 'write') {
        await write(takeWrites());
        continue;
      }
      if (activeTx === null && head?.op === 'acknowledged') {
        queue.shift();
        awaitingApply.push(head.id);
        await take(head.batch, head.checks);
        continue;
      }
      const [m] = queue.splice(i, 1);
      if (m === undefined || m.op === 'write' || m.op === 'acknowledged') continue;
      // Whatever is served next sees every acknowledged statement.
      await applyAll();
      await serve(m);
    }
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
