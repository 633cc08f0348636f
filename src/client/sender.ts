import type { OutboxRecord, SenderOptions, SenderState, TransportResponse } from './outbox.ts';

type BatchOutcome = 'ok' | 'retry' | 'blocked';

/**
 * Sends the outbox in batches. A record is deleted only after the record store acknowledged it
 * (200, or 409 for a single statement: its id is already stored, and an id is never reused with
 * other content). Network errors, 5xx, 408 and 429 are retried with exponential backoff and
 * jitter. Any other 4xx splits the batch until the statement at fault is alone; it is then kept,
 * marked refused and shown, never dropped. 401 and 403 concern the credential, not a statement:
 * everything stays pending and the state is "blocked" until the next trigger.
 */
export class Sender {
  readonly #o: Required<Omit<SenderOptions, 'withLock' | 'onChange'>> &
    Pick<SenderOptions, 'withLock' | 'onChange'>;
  #failures = 0;
  #timer: unknown;
  #running: Promise<SenderState> | undefined;
  #again = false;
  /** What the sender is doing. */
  state: SenderState = 'idle';
  /** The record store's message when it blocked sending. */
  blockedBy = '';

  constructor(options: SenderOptions) {
    this.#o = {
      batchSize: 50,
      baseDelayMs: 1000,
      maxDelayMs: 60_000,
      random: Math.random,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (handle) => {
        clearTimeout(handle as ReturnType<typeof setTimeout>);
      },
      ...options,
    };
  }

  /** The delay before retry number `failures` (from 1): half fixed, half random. */
  delayFor(failures: number): number {
    const ceiling = Math.min(this.#o.maxDelayMs, this.#o.baseDelayMs * 2 ** (failures - 1));
    return ceiling / 2 + (this.#o.random() * ceiling) / 2;
  }

  /**
   * Sends everything pending; calls made while a flush runs are folded into one more pass, so
   * a statement queued meanwhile is not left behind.
   */
  flush(): Promise<SenderState> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    const run = async (): Promise<SenderState> => {
      let state: SenderState;
      do {
        this.#again = false;
        state = await (this.#o.withLock ?? ((task) => task()))(() => this.#drain());
      } while (this.#takeAgain() && state === 'idle');
      return state;
    };
    this.#running = run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  #takeAgain(): boolean {
    const again = this.#again;
    this.#again = false;
    return again;
  }

  /** Stops the retry timer (when the page goes away or the learner signs out). */
  stop(): void {
    if (this.#timer !== undefined) this.#o.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  #set(state: SenderState): SenderState {
    this.state = state;
    this.#o.onChange?.();
    return state;
  }

  async #drain(): Promise<SenderState> {
    this.stop();
    for (;;) {
      const batch = await this.#o.storage.pending(this.#o.batchSize);
      if (batch.length === 0) {
        this.#failures = 0;
        this.blockedBy = '';
        return this.#set('idle');
      }
      this.#set('sending');
      const outcome = await this.#send(batch);
      if (outcome === 'retry') {
        this.#failures += 1;
        this.#timer = this.#o.setTimer(() => {
          this.#timer = undefined;
          void this.flush();
        }, this.delayFor(this.#failures));
        return this.#set('retrying');
      }
      if (outcome === 'blocked') return this.#set('blocked');
      this.#failures = 0;
    }
  }

  async #send(batch: OutboxRecord[]): Promise<BatchOutcome> {
    let response: TransportResponse;
    try {
      response = await this.#o.transport(batch.map((record) => record.statement));
    } catch {
      return 'retry';
    }
    const { status, message } = response;
    const single = batch.length === 1;
    if ((status >= 200 && status < 300) || (status === 409 && single)) {
      await this.#o.storage.remove(batch.map((record) => record.id));
      this.#o.onChange?.();
      return 'ok';
    }
    if (status >= 500 || status === 408 || status === 429 || status === 0) return 'retry';
    if (status === 401 || status === 403) {
      this.blockedBy = message || `HTTP ${status}`;
      return 'blocked';
    }
    if (single) {
      const [record] = batch;
      if (record) await this.#o.storage.refuse(record.id, message || `HTTP ${status}`);
      this.#o.onChange?.();
      return 'ok';
    }
    const half = Math.ceil(batch.length / 2);
    for (const part of [batch.slice(0, half), batch.slice(half)]) {
      const outcome = await this.#send(part);
      if (outcome !== 'ok') return outcome;
    }
    return 'ok';
  }
}
