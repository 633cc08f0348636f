import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import {
  countRecords,
  type OutboxCounts,
  type OutboxRecord,
  type OutboxStorage,
} from './outbox.ts';

interface OutboxDb extends DBSchema {
  outbox: { key: string; value: OutboxRecord; indexes: { queuedAt: number } };
}

/** Name of the browser database that holds the outbox. */
export const DB_NAME = 'cp-xapi';

/**
 * The outbox in IndexedDB (through idb). Each write resolves once its transaction committed,
 * so a statement is on disk before anything tries to send it.
 */
export class IdbStorage implements OutboxStorage {
  #db: Promise<IDBPDatabase<OutboxDb>> | undefined;

  #open(): Promise<IDBPDatabase<OutboxDb>> {
    this.#db ??= openDB<OutboxDb>(DB_NAME, 1, {
      upgrade(db) {
        db.createObjectStore('outbox', { keyPath: 'id' }).createIndex('queuedAt', 'queuedAt');
      },
    });
    return this.#db;
  }

  async add(records: OutboxRecord[]): Promise<void> {
    const tx = (await this.#open()).transaction('outbox', 'readwrite');
    await Promise.all([...records.map((record) => tx.store.put(record)), tx.done]);
  }

  async pending(limit: number): Promise<OutboxRecord[]> {
    const db = await this.#open();
    const found: OutboxRecord[] = [];
    let cursor = await db.transaction('outbox').store.index('queuedAt').openCursor();
    while (cursor && found.length < limit) {
      if (cursor.value.refused === undefined) found.push(cursor.value);
      cursor = await cursor.continue();
    }
    return found;
  }

  async remove(ids: string[]): Promise<void> {
    const tx = (await this.#open()).transaction('outbox', 'readwrite');
    await Promise.all([...ids.map((id) => tx.store.delete(id)), tx.done]);
  }

  async refuse(id: string, reason: string): Promise<void> {
    const tx = (await this.#open()).transaction('outbox', 'readwrite');
    const record = await tx.store.get(id);
    if (record) await tx.store.put({ ...record, refused: reason });
    await tx.done;
  }

  async unrefuse(): Promise<void> {
    const tx = (await this.#open()).transaction('outbox', 'readwrite');
    for (const record of await tx.store.getAll()) {
      if (record.refused === undefined) continue;
      const again = { ...record };
      delete again.refused;
      await tx.store.put(again);
    }
    await tx.done;
  }

  async counts(): Promise<OutboxCounts> {
    return countRecords(await (await this.#open()).getAll('outbox'));
  }

  async clear(): Promise<void> {
    await (await this.#open()).clear('outbox');
  }
}
