interface Request<T, R> {
  items: T[];
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for a database that runs one transaction at a time (the embedded store). The
 * writes that arrive together, or while a write is in progress, are stored together in one
 * transaction, so a classroom of learners sending at once pays for one commit instead of one
 * each. A lone sender waits for nothing but one turn of the event loop.
 *
 * Each request gets the outcome it would have had alone. Requests that share a key (a statement
 * id sent from two tabs) never go in one group. If a group fails, it is split in halves and each
 * half retried, down to single requests, so one refused request (a conflict, a refused voiding)
 * fails alone and the others are still stored.
 */
export class GroupCommit<T, R = void> {
  readonly #write: (items: T[]) => Promise<R>;
  readonly #keyOf: (item: T) => string;
  readonly #maxItems: number;
  #queue: Request<T, R>[] = [];
  #running = false;
  #writes = 0;

  constructor(write: (items: T[]) => Promise<R>, keyOf: (item: T) => string, maxItems = 1000) {
    this.#write = write;
    this.#keyOf = keyOf;
    this.#maxItems = maxItems;
  }

  /** Transactions run so far (for tests and logs). */
  get writes(): number {
    return this.#writes;
  }

  /**
   * Stores `items`; resolves once they are committed, together with whatever was waiting, with
   * what the write of their group returned.
   */
  submit(items: T[]): Promise<R> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ items, resolve, reject });
      if (this.#running) return;
      this.#running = true;
      // PGlite works synchronously on this thread, so requests cannot pile up while it runs;
      // they are read from their sockets in the next poll phase. Starting after that phase
      // (setImmediate) lets every request already received join the group, and costs a lone
      // sender nothing but one turn of the event loop.
      setImmediate(() => void this.#drain());
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) await this.#commit(this.#nextGroup());
    } finally {
      this.#running = false;
    }
  }

  // Waiting requests in arrival order, up to maxItems (a larger request goes alone); a request
  // sharing a key with one already taken waits for the next group, as does everything after it
  // from then on (so arrival order is kept).
  #nextGroup(): Request<T, R>[] {
    const keys = new Set<string>();
    let count = 0;
    let take = 0;
    for (const r of this.#queue) {
      if (take > 0 && count + r.items.length > this.#maxItems) break;
      const own = r.items.map(this.#keyOf);
      if (own.some((k) => keys.has(k))) break;
      for (const k of own) keys.add(k);
      count += r.items.length;
      take += 1;
    }
    return this.#queue.splice(0, take);
  }

  async #commit(group: Request<T, R>[]): Promise<void> {
    try {
      this.#writes += 1;
      const result = await this.#write(group.flatMap((r) => r.items));
      for (const r of group) r.resolve(result);
    } catch (error) {
      if (group.length === 1) {
        group[0]?.reject(error);
        return;
      }
      const half = Math.ceil(group.length / 2);
      await this.#commit(group.slice(0, half));
      await this.#commit(group.slice(half));
    }
  }
}
