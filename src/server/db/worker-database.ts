import { Worker } from 'node:worker_threads';
import { IdFilter } from './id-filter.ts';
import { Journal, type JournalContents } from './journal.ts';
import {
  STAMPED_PAIR,
  type WorkerError,
  type WorkerOptions,
  type WorkerReady,
  type WorkerReply,
  type WorkerRequest,
  type WriteCheck,
} from './pglite-protocol.ts';
import type { SqlClient, SqlDatabase } from './sql-database.ts';

/** An error the database thread reported; `code` is the SQLSTATE of a database error. */
export class WorkerDatabaseError extends Error {
  readonly code: string | undefined;
  constructor(error: WorkerError) {
    super(error.message);
    this.code = error.code;
  }
}

type Success = Extract<WorkerReply, { ok: true }>;

// Statements acknowledged here may run this far ahead of the database; a sender waits beyond.
const MAX_AHEAD = 2000;
// This side's journal is emptied whenever all it holds is applied; past this size (the
// database never caught up), writes go through the thread until it has.
const MAX_JOURNAL_BYTES = 16 * 1024 * 1024;
const FILL_CHUNK = 20_000;
interface Pending {
  resolve: (reply: Success) => void;
  reject: (error: Error) => void;
}
// A request before it is given its id (Omit over each member of the union).
type Outgoing<R = WorkerRequest> = R extends WorkerRequest ? Omit<R, 'id'> : never;

/**
 * The embedded PostgreSQL (PGlite) on a thread of its own (pglite-worker.ts), behind the same
 * interface as a PostgreSQL connection pool, plus journaled statement writes: `write` resolves
 * once the statements are checked and journaled, before they are applied.
 */
export class WorkerDatabase implements SqlDatabase {
  readonly kind = 'pglite' as const;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #nextTx = 1;
  #failed: Error | null = null;
  #closing = false;
  #outbox: WorkerRequest[] = [];
  readonly #onFailure: ((error: Error) => void) | undefined;
  // This side's journal (writes acknowledged here), and the records it held at start-up.
  readonly #journal: Journal;
  #leftover: string[];
  // Every statement id stored or sent; until it has read the store's, every write is checked.
  readonly #filter = new IdFilter();
  #filterReady = false;
  // Statements and records acknowledged here and not yet applied; writes waiting for room.
  #ahead = 0;
  #journaled = 0;
  #waiting: (() => void)[] = [];
  #commits = 0;

  private constructor(
    worker: Worker,
    journal: { journal: Journal; contents: JournalContents },
    onFailure?: (error: Error) => void,
  ) {
    this.#worker = worker;
    this.#journal = journal.journal;
    this.#leftover = journal.contents.records;
    this.#onFailure = onFailure;
    worker.on('message', (reply: WorkerReply) => {
      const pending = this.#pending.get(reply.id);
      if (pending === undefined) return;
      this.#pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply);
      else pending.reject(new WorkerDatabaseError(reply.error));
    });
    const fail = (error: Error): void => {
      const first = this.#failed === null;
      this.#failed ??= error;
      for (const p of this.#pending.values()) p.reject(error);
      this.#pending.clear();
      if (first && !this.#closing) this.#onFailure?.(error);
    };
    worker.on('error', (error) => {
      console.error('The embedded store stopped:', error);
      fail(error);
    });
    worker.on('exit', (code) => {
      fail(new Error(`the embedded store's database thread exited (code ${code})`));
    });
  }

  /**
   * Starts the database thread (see WorkerOptions). `onFailure` is told if the thread stops
   * other than by `close`: every request from then on fails, and what the journal holds is
   * applied when the store is opened again.
   */
  static async open(
    options: WorkerOptions,
    onFailure?: (error: Error) => void,
  ): Promise<WorkerDatabase> {
    const worker = new Worker(new URL('./pglite-worker.ts', import.meta.url), {
      workerData: options,
    });
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number): void => {
        reject(new Error(`the embedded store's database thread exited (code ${code})`));
      };
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (ready: WorkerReady) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        if (ready.ready) resolve();
        else reject(new WorkerDatabaseError(ready.error));
      });
    });
    return new WorkerDatabase(worker, Journal.open(options.ownJournalFile), onFailure);
  }

  // Requests made in one turn of the event loop go to the thread as one message, so that the
  // writes among them are checked, journaled and committed as one group.
  #call(request: Outgoing): Promise<Success> {
    if (this.#failed !== null) return Promise.reject(this.#failed);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#outbox.push({ ...request, id });
      if (this.#outbox.length === 1) {
        queueMicrotask(() => {
          const batch = this.#outbox;
          this.#outbox = [];
          this.#worker.postMessage(batch);
        });
      }
    });
  }

  async query<T>(text: string, params?: unknown[]): Promise<T[]> {
    return ((await this.#call({ op: 'query', sql: text, params })).rows ?? []) as T[];
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const tx = this.#nextTx++;
    await this.#call({ op: 'begin', tx });
    let result: T;
    try {
      result = await fn({
        query: async <R>(text: string, params?: unknown[]): Promise<R[]> =>
          ((await this.#call({ op: 'query', sql: text, params, tx })).rows ?? []) as R[],
      });
    } catch (error) {
      await this.#call({ op: 'rollback', tx });
      throw error;
    }
    await this.#call({ op: 'commit', tx });
    return result;
  }

  /**
   * Stores a batch for lrs_store_statements (rows with STAMP_MARK for "stored_at"): resolves,
   * with the statements' stored time, once they are journaled and so survive a crash, before
   * they are applied. A refusal rejects with a WorkerDatabaseError whose code is LRS09
   * (conflict) or LRS00 (bad voiding).
   *
   * Ids the filter has never seen cannot conflict: such a batch without voiding statements is
   * journaled here and acknowledged at once, and the thread applies it. Any other goes to the
   * thread, which checks it against the store and what it holds acknowledged, and journals it.
   * Either way every id goes into the filter before the write is sent, so a second write with
   * the same id, sent before the first is applied, is checked after it.
   */
  async write(batch: string, checks: WriteCheck[]): Promise<string> {
    // Acknowledged ahead of the database by at most MAX_AHEAD statements.
    while (this.#ahead >= MAX_AHEAD) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    const fast =
      this.#filterReady &&
      this.#journal.size < MAX_JOURNAL_BYTES &&
      checks.every((c) => c.voids === null && !this.#filter.mightHave(c.id));
    for (const c of checks) this.#filter.add(c.id);
    // "stored": when the write was sent, in the order writes are sent and applied. Everything
    // sent before is applied before any later query runs, so it is also the time through which
    // the store is consistent.
    const stamp = new Date().toISOString();
    const stamped = batch.replaceAll(STAMPED_PAIR, `"stored_at":"${stamp}"`);
    if (!fast) {
      await this.#call({ op: 'write', batch: stamped, checks });
      return stamp;
    }
    this.#journal.append([stamped]);
    this.#ahead += checks.length;
    this.#journaled += 1;
    this.#call({ op: 'acknowledged', batch: stamped, checks }).then(
      (reply) => {
        this.#commits = Math.max(this.#commits, reply.commits ?? 0);
        this.#ahead -= checks.length;
        this.#journaled -= 1;
        // Everything this journal holds is applied.
        if (this.#journaled === 0) this.#journal.clear();
        while (this.#ahead < MAX_AHEAD && this.#waiting.length > 0) this.#waiting.shift()?.();
      },
      (error: unknown) => {
        // Kept in the journal: the next start applies it.
        console.error('The embedded store could not apply acknowledged statements:', error);
      },
    );
    return stamp;
  }

  /** Statement ids about to be stored without `write` (with attachments), for the filter. */
  noteIds(ids: readonly string[]): void {
    for (const id of ids) this.#filter.add(id);
  }

  /** Commits of statement writes so far (for tests). */
  async commits(): Promise<number> {
    return (await this.#call({ op: 'commits' })).commits ?? 0;
  }

  /**
   * Applies what the journals held from before a crash (the thread's, then this side's);
   * returns how many writes that was. Then reads the stored ids into the filter, in the
   * background, a chunk at a time between requests; until it has, every write is checked by
   * the thread.
   */
  async replayJournal(): Promise<number> {
    let replayed = (await this.#call({ op: 'replay' })).replayed ?? 0;
    const left = this.#leftover;
    this.#leftover = [];
    await Promise.all(left.map((batch) => this.#call({ op: 'acknowledged', batch, checks: [] })));
    replayed += left.length;
    this.#journal.clear();
    void this.#fill().catch((error: unknown) => {
      console.error('The embedded store could not read its statement ids:', error);
    });
    return replayed;
  }

  async #fill(): Promise<void> {
    let after = 0;
    for (;;) {
      const rows = await this.query<{ seq: number | bigint; id: string }>(
        'SELECT seq, id::text AS id FROM statements WHERE seq > $1 ORDER BY seq LIMIT $2',
        [after, FILL_CHUNK],
      );
      for (const r of rows) this.#filter.add(r.id);
      const last = rows[rows.length - 1];
      if (last !== undefined) after = Number(last.seq);
      if (rows.length < FILL_CHUNK) break;
    }
    this.#filterReady = true;
  }

  async close(): Promise<void> {
    if (this.#failed === null) await this.#call({ op: 'close' });
    this.#closing = true;
    await this.#worker.terminate();
    this.#journal.close();
  }

  /** Stops the thread at once, applying nothing more: what a crash does (for tests). */
  async kill(): Promise<void> {
    await this.#worker.terminate();
  }
}
