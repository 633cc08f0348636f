import { Worker } from 'node:worker_threads';
import type {
  WorkerError,
  WorkerOptions,
  WorkerReady,
  WorkerReply,
  WorkerRequest,
  WriteCheck,
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
  #groups = 0;
  #outbox: WorkerRequest[] = [];
  readonly #onFailure: ((error: Error) => void) | undefined;

  private constructor(worker: Worker, onFailure?: (error: Error) => void) {
    this.#worker = worker;
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
    return new WorkerDatabase(worker, onFailure);
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
   * Stores a batch for lrs_store_statements: resolves once it is checked and journaled (so it
   * survives a crash), with the time through which the store is consistent; a refusal rejects
   * with a WorkerDatabaseError whose code is LRS09 (conflict) or LRS00 (bad voiding).
   */
  async write(batch: string, checks: WriteCheck[]): Promise<string> {
    const reply = await this.#call({ op: 'write', batch, checks });
    this.#groups = Math.max(this.#groups, reply.group ?? 0);
    return reply.through ?? new Date().toISOString();
  }

  /** Tells the thread of statement ids about to be stored without `write` (with attachments). */
  async noteIds(ids: string[]): Promise<void> {
    await this.#call({ op: 'note', ids });
  }

  /** Groups of writes journaled so far (each one check, one journal write, one commit). */
  get groups(): number {
    return this.#groups;
  }

  /** Applies what the journal held from before a crash; returns how many writes that was. */
  async replayJournal(): Promise<number> {
    return (await this.#call({ op: 'replay' })).replayed ?? 0;
  }

  async close(): Promise<void> {
    if (this.#failed === null) await this.#call({ op: 'close' });
    this.#closing = true;
    await this.#worker.terminate();
  }

  /** Stops the thread at once, applying nothing more: what a crash does (for tests). */
  async kill(): Promise<void> {
    await this.#worker.terminate();
  }
}
