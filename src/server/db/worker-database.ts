import { Worker } from 'node:worker_threads';
import { HttpError } from '../http/errors.ts';
import type {
  WorkerError,
  WorkerOptions,
  WorkerReady,
  WorkerReply,
  WorkerRequest,
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

/**
 * What a request waiting on the database thread gets when the thread fails: 503, so the client
 * sends it again (a statement under its id is stored once however often it is sent).
 */
export function databaseUnavailable(reason: string): HttpError {
  return new HttpError(
    503,
    `the embedded database stopped (${reason}) and is being restarted; ` +
      'this request may not have been stored: send it again',
    'service_unavailable',
    { headers: { 'Retry-After': '1' } },
  );
}

type Success = Extract<WorkerReply, { ok: true }>;
interface Pending {
  resolve: (reply: Success) => void;
  reject: (error: Error) => void;
}
// A request before it is given its id (Omit over each member of the union).
type Outgoing<R = WorkerRequest> = R extends WorkerRequest ? Omit<R, 'id'> : never;

// A thread that has answered nothing for this long while requests wait is stuck (a query cannot
// take this long on a store of this size): it is stopped and restarted like a crashed one.
const STALL_MS = 5 * 60_000;

function startWorker(options: WorkerOptions): Promise<Worker> {
  const worker = new Worker(new URL('./pglite-worker.ts', import.meta.url), {
    workerData: options,
  });
  return new Promise<Worker>((resolve, reject) => {
    const onExit = (code: number): void => {
      reject(new Error(`the embedded store's database thread exited (code ${code})`));
    };
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (ready: WorkerReady) => {
      worker.off('error', reject);
      worker.off('exit', onExit);
      if (ready.ready) resolve(worker);
      else {
        void worker.terminate();
        reject(new WorkerDatabaseError(ready.error));
      }
    });
  });
}

/**
 * The embedded PostgreSQL (PGlite) on a thread of its own (pglite-worker.ts), behind the same
 * interface as a PostgreSQL connection pool. Every answer comes after the database has done the
 * work, and a write's after its commit is on disk. If the thread fails (an error, a message
 * that cannot be read, an exit, or no answer for STALL_MS), every request waiting on it gets a
 * 503 and a new thread is started on the same files; requests made meanwhile wait for it.
 */
export class WorkerDatabase implements SqlDatabase {
  readonly kind = 'pglite' as const;
  readonly #options: WorkerOptions;
  #worker: Worker | null = null;
  #starting: Promise<Worker> | null = null;
  // Bumped whenever a thread fails: a transaction begun on an earlier thread is gone.
  #generation = 0;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #nextTx = 1;
  #closing = false;
  #outbox: WorkerRequest[] = [];
  #lastAnswer = Date.now();
  readonly #watchdog: NodeJS.Timeout;
  #restarts = 0;

  private constructor(options: WorkerOptions, worker: Worker) {
    this.#options = options;
    this.#attach(worker);
    this.#watchdog = setInterval(() => {
      if (this.#pending.size > 0 && Date.now() - this.#lastAnswer > STALL_MS) {
        const worker = this.#worker;
        if (worker !== null) this.#fail(worker, new Error(`no answer for ${STALL_MS / 1000} s`));
      }
    }, 10_000);
    this.#watchdog.unref();
  }

  /** Starts the database thread on `options.dataDir`; rejects if the database cannot open. */
  static async open(options: WorkerOptions): Promise<WorkerDatabase> {
    return new WorkerDatabase(options, await startWorker(options));
  }

  /** How many times the thread was restarted after a failure (for tests and logs). */
  get restarts(): number {
    return this.#restarts;
  }

  #attach(worker: Worker): void {
    this.#worker = worker;
    this.#lastAnswer = Date.now();
    worker.on('message', (reply: WorkerReply) => {
      this.#lastAnswer = Date.now();
      const pending = this.#pending.get(reply.id);
      if (pending === undefined) return;
      this.#pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply);
      else pending.reject(new WorkerDatabaseError(reply.error));
    });
    worker.on('error', (error) => {
      this.#fail(worker, error);
    });
    worker.on('messageerror', (error) => {
      this.#fail(
        worker,
        new Error(`an answer of the database could not be read: ${error.message}`),
      );
    });
    worker.on('exit', (code) => {
      this.#fail(worker, new Error(`its thread exited with code ${code}`));
    });
  }

  // The thread failed: everything waiting on it gets a 503, and a new thread starts.
  #fail(worker: Worker, error: Error): void {
    if (worker !== this.#worker) return; // an earlier thread, already replaced
    this.#worker = null;
    this.#generation += 1;
    void worker.terminate();
    if (this.#closing) return;
    console.error('The embedded store failed; restarting its database thread:', error);
    const unavailable = databaseUnavailable(error.message);
    // Requests not yet sent are dropped too: their callers get the 503.
    this.#outbox = [];
    for (const p of this.#pending.values()) p.reject(unavailable);
    this.#pending.clear();
    void this.#restart().catch(() => undefined);
  }

  // Starts a new thread, once at a time; resolves with the thread to send to.
  #restart(): Promise<Worker> {
    this.#starting ??= startWorker(this.#options).then(
      (worker) => {
        this.#starting = null;
        if (this.#closing) {
          void worker.terminate();
          throw new Error('the store is closed');
        }
        this.#restarts += 1;
        this.#attach(worker);
        console.error('The embedded store is serving again.');
        return worker;
      },
      (error: unknown) => {
        this.#starting = null;
        console.error('The embedded store could not restart its database thread:', error);
        throw error;
      },
    );
    return this.#starting;
  }

  async #ready(): Promise<void> {
    if (this.#closing) throw new Error('the store is closed');
    if (this.#worker !== null) return;
    try {
      await this.#restart();
    } catch (error) {
      throw databaseUnavailable((error as Error).message);
    }
  }

  // Requests made in one turn of the event loop go to the thread as one message, so that the
  // writes among them reach it together and share a commit.
  async #call(request: Outgoing, generation?: number): Promise<Success> {
    await this.#ready();
    if (generation !== undefined && generation !== this.#generation) {
      throw databaseUnavailable('the transaction was lost with its thread');
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#outbox.push({ ...request, id });
      if (this.#outbox.length === 1)
        queueMicrotask(() => {
          this.#flush();
        });
    });
  }

  #flush(): void {
    const batch = this.#outbox;
    this.#outbox = [];
    if (batch.length === 0) return;
    const worker = this.#worker;
    try {
      if (worker === null) throw databaseUnavailable('its thread is restarting');
      worker.postMessage(batch);
    } catch (error) {
      // A parameter that cannot be sent to the thread (or no thread): these requests fail.
      for (const m of batch) {
        const pending = this.#pending.get(m.id);
        this.#pending.delete(m.id);
        pending?.reject(error as Error);
      }
    }
  }

  async query<T>(text: string, params?: unknown[]): Promise<T[]> {
    return ((await this.#call({ op: 'query', sql: text, params })).rows ?? []) as T[];
  }

  async groupCommit<T>(text: string, rows: string, keys: readonly string[]): Promise<T[]> {
    return ((await this.#call({ op: 'group', sql: text, rows, keys: [...keys] })).rows ??
      []) as T[];
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const tx = this.#nextTx++;
    await this.#ready();
    const generation = this.#generation;
    await this.#call({ op: 'begin', tx }, generation);
    let result: T;
    try {
      result = await fn({
        query: async <R>(text: string, params?: unknown[]): Promise<R[]> =>
          ((await this.#call({ op: 'query', sql: text, params, tx }, generation)).rows ??
            []) as R[],
      });
    } catch (error) {
      if (generation === this.#generation) {
        await this.#call({ op: 'rollback', tx }, generation).catch(() => undefined);
      }
      throw error;
    }
    await this.#call({ op: 'commit', tx }, generation);
    return result;
  }

  /** Group transactions committed by the current thread (for tests). */
  async commits(): Promise<number> {
    return (await this.#call({ op: 'commits' })).commits ?? 0;
  }

  async close(): Promise<void> {
    clearInterval(this.#watchdog);
    const worker = this.#worker;
    if (worker !== null) await this.#call({ op: 'close' }).catch(() => undefined);
    this.#closing = true;
    await worker?.terminate();
    const starting = this.#starting;
    if (starting !== null) await starting.catch(() => undefined);
  }

  /** Stops the database thread at once, as a crash of it would (for tests). */
  async kill(): Promise<void> {
    await this.#worker?.terminate();
  }
}
