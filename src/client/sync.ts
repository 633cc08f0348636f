import { IdbStorage } from './idb-storage.ts';
import { sessionHeaders, sessionReady, type Learner } from './learner.ts';
import { toRecords, type OutboxRecord, type SenderState, type WithLock } from './outbox.ts';
import type { Sender } from './sender.ts';
import type { Statement } from '../xapi/types.ts';

/** What the status shows: the outbox's counts and what the sender is doing. */
export interface SyncStatus {
  pending: number;
  refused: number;
  /** The latest refusal's reason. */
  reason?: string;
  state: SenderState;
  /** The record store's message when it refused the credential itself. */
  blockedBy: string;
}

/** The outbox and its sender for one page. */
export interface Sync {
  readonly learner: Learner;
  /** Writes statements to the outbox, then sends; resolves once they are on disk. */
  add(statements: Statement[]): Promise<void>;
  /**
   * Keeps statements when the page is going away: a synchronous localStorage write, since an
   * IndexedDB transaction started in pagehide may not commit. The next page moves them over.
   */
  spill(statements: Statement[]): void;
  flush(): Promise<SenderState>;
  /** Sends refused statements once more (after the learner was told why they were refused). */
  retryRefused(): Promise<void>;
  status(): Promise<SyncStatus>;
  /** Calls back whenever the outbox changes, in this tab or another. */
  subscribe(listener: () => void): () => void;
}

const SPILL_KEY = 'cp-xapi:spill';
const CHANNEL = 'cp-xapi';
const LOCK = 'cp-xapi-sender';

function readSpill(): OutboxRecord[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(SPILL_KEY) ?? '[]');
    return Array.isArray(value) ? (value as OutboxRecord[]) : [];
  } catch {
    return [];
  }
}

// Web Locks exist only in secure contexts; elsewhere tabs may send the same statement twice,
// which the record store absorbs (a re-sent identical statement is accepted, not doubled).
const webLock: WithLock | undefined =
  typeof navigator !== 'undefined' && 'locks' in navigator
    ? (task) => navigator.locks.request(LOCK, task)
    : undefined;

let current: Sync | undefined;

/** The page's outbox and sender for a learner (one per page, started on first use). */
export function startSync(learner: Learner): Sync {
  if (current) return current;
  const storage = new IdbStorage();
  const listeners = new Set<() => void>();
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
  const notifyHere = () => {
    for (const listener of listeners) listener();
  };
  const changed = () => {
    notifyHere();
    channel?.postMessage('changed');
  };
  channel?.addEventListener('message', notifyHere);
  let sender: Sender | undefined;
  let loading: Promise<Sender> | undefined;
  const getSender = () =>
    (loading ??= import('./send.ts').then(({ Sender: SenderClass, xapiTransport }) => {
      sender = new SenderClass({
        storage,
        transport: xapiTransport(learner.endpoint, sessionHeaders()),
        ...(webLock ? { withLock: webLock } : {}),
        onChange: changed,
      });
      return sender;
    })).catch((error: unknown) => {
      // Offline before the sending code was ever cached: load it again on the next trigger.
      loading = undefined;
      throw error;
    });

  const drainSpill = async () => {
    const spilled = readSpill();
    if (spilled.length === 0) return;
    await storage.add(spilled);
    // Only what was moved is removed: another tab may have spilled meanwhile.
    const moved = new Set(spilled.map((record) => record.id));
    const left = readSpill().filter((record) => !moved.has(record.id));
    if (left.length === 0) localStorage.removeItem(SPILL_KEY);
    else localStorage.setItem(SPILL_KEY, JSON.stringify(left));
  };

  const flush = async (): Promise<SenderState> => {
    await drainSpill().catch(() => undefined);
    if ((await storage.counts()).pending === 0 && !sender) return 'idle';
    try {
      await sessionReady();
      return await (await getSender()).flush();
    } catch {
      return 'retrying';
    }
  };

  // Records whose IndexedDB write has not committed yet: spilled if the page goes away first.
  const inflight = new Map<string, OutboxRecord>();
  const sync: Sync = {
    learner,
    async add(statements) {
      const records = toRecords(statements);
      for (const record of records) inflight.set(record.id, record);
      try {
        await storage.add(records);
      } finally {
        for (const record of records) inflight.delete(record.id);
      }
      changed();
      void flush();
    },
    spill(statements) {
      try {
        localStorage.setItem(SPILL_KEY, JSON.stringify([...readSpill(), ...toRecords(statements)]));
      } catch {
        // Storage full or blocked: an IndexedDB write is then the only chance left.
        void storage.add(toRecords(statements)).catch(() => undefined);
      }
    },
    flush,
    async retryRefused() {
      await storage.unrefuse();
      changed();
      await flush();
    },
    async status() {
      const counts = await storage.counts();
      return {
        ...counts,
        pending: counts.pending + readSpill().length,
        state: sender?.state ?? 'idle',
        blockedBy: sender?.blockedBy ?? '',
      };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  window.addEventListener('pagehide', () => {
    if (inflight.size > 0) sync.spill([...inflight.values()].map((record) => record.statement));
  });
  const kick = () => void flush();
  window.addEventListener('online', kick);
  document.addEventListener('visibilitychange', kick);
  kick();
  current = sync;
  return sync;
}
