import type { Statement } from '../xapi/types.ts';

/** A statement waiting in the outbox; `refused` holds the record store's reason once it said no. */
export interface OutboxRecord {
  id: string;
  statement: Statement;
  /** When it was queued, in milliseconds (fractional), for sending in order. */
  queuedAt: number;
  refused?: string;
}

/** How many statements wait, how many were refused, and the latest refusal. */
export interface OutboxCounts {
  pending: number;
  refused: number;
  reason?: string;
}

/**
 * Where the outbox keeps statements: IndexedDB in the browser (idb-storage.ts), memory in tests.
 * Every method must be durable when its promise resolves.
 */
export interface OutboxStorage {
  /** Stores records; a record whose id is already there is replaced, never doubled. */
  add(records: OutboxRecord[]): Promise<void>;
  /** The oldest records not refused, at most `limit`. */
  pending(limit: number): Promise<OutboxRecord[]>;
  /** Deletes records by id (ids not there are ignored). */
  remove(ids: string[]): Promise<void>;
  /** Marks one record as refused, with the reason. */
  refuse(id: string, reason: string): Promise<void>;
  /** Makes every refused record pending again. */
  unrefuse(): Promise<void>;
  counts(): Promise<OutboxCounts>;
  /** Deletes everything (only once nothing is pending: see the learner switch). */
  clear(): Promise<void>;
}

/** What the record store answered to a batch; a network failure throws instead. */
export interface TransportResponse {
  status: number;
  message: string;
}

/** Sends a batch of statements (POST /statements with an array). */
export type Transport = (statements: Statement[]) => Promise<TransportResponse>;

/** Runs `task` while holding the cross-tab sender lock. */
export type WithLock = <T>(task: () => Promise<T>) => Promise<T>;

/** The sender's state as the status shows it. */
export type SenderState = 'idle' | 'sending' | 'retrying' | 'blocked';

/** Tunables of the sender. */
export interface SenderOptions {
  storage: OutboxStorage;
  transport: Transport;
  /** One sender across tabs; without it the tab only keeps its own sends apart. */
  withLock?: WithLock;
  /** Statements per POST. */
  batchSize?: number;
  /** First retry delay; it doubles per failure up to maxDelayMs, with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Called whenever the outbox or the sender's state changed. */
  onChange?: () => void;
}

/** Records built from statements, stamped in queue order. */
export function toRecords(statements: Statement[], now: () => number = Date.now): OutboxRecord[] {
  const base = now();
  // Statements queued in the same millisecond keep their order.
  return statements.map((statement, i) => ({
    id: statement.id,
    statement,
    queuedAt: base + i / 1000,
  }));
}

/** An outbox in memory: the storage of the unit tests, and a model of what IndexedDB must do. */
export class MemoryStorage implements OutboxStorage {
  readonly records = new Map<string, OutboxRecord>();

  add(records: OutboxRecord[]): Promise<void> {
    for (const record of records) this.records.set(record.id, structuredClone(record));
    return Promise.resolve();
  }

  pending(limit: number): Promise<OutboxRecord[]> {
    return Promise.resolve(
      [...this.records.values()]
        .filter((record) => record.refused === undefined)
        .sort((a, b) => a.queuedAt - b.queuedAt)
        .slice(0, limit),
    );
  }

  remove(ids: string[]): Promise<void> {
    for (const id of ids) this.records.delete(id);
    return Promise.resolve();
  }

  refuse(id: string, reason: string): Promise<void> {
    const record = this.records.get(id);
    if (record) record.refused = reason;
    return Promise.resolve();
  }

  unrefuse(): Promise<void> {
    for (const record of this.records.values()) delete record.refused;
    return Promise.resolve();
  }

  counts(): Promise<OutboxCounts> {
    return Promise.resolve(countRecords([...this.records.values()]));
  }

  clear(): Promise<void> {
    this.records.clear();
    return Promise.resolve();
  }
}

/** Counts pending and refused records; the reason shown is the latest refusal's. */
export function countRecords(records: OutboxRecord[]): OutboxCounts {
  const refused = records.filter((record) => record.refused !== undefined);
  const latest = refused.sort((a, b) => b.queuedAt - a.queuedAt)[0];
  return {
    pending: records.length - refused.length,
    refused: refused.length,
    ...(latest?.refused === undefined ? {} : { reason: latest.refused }),
  };
}
