import { describe, expect, it } from 'vitest';
import { launched, type TrackingContext } from '../../../src/xapi/builders.ts';
import {
  MemoryStorage,
  toRecords,
  type SenderOptions,
  type Transport,
  type TransportResponse,
  type WithLock,
} from '../../../src/client/outbox.ts';
import { Sender } from '../../../src/client/sender.ts';
import type { Statement } from '../../../src/xapi/types.ts';

const site = 'https://training.example.org';
const ctx: TrackingContext = {
  site,
  actor: { objectType: 'Agent', account: { homePage: site, name: 'l-1' } },
  registration: '6f1c2b4e-8d3a-4c5b-9e7f-0a1b2c3d4e5f',
  sessionId: 'b7e1c2d3-1111-4222-8333-944455556666',
  lang: 'en',
  moduleId: 'm',
};

const statements = (n: number): Statement[] => Array.from({ length: n }, () => launched(ctx));

/** A record store in memory that answers like the project's LRS unless a test says otherwise. */
class FakeLrs {
  readonly stored = new Map<string, string>();
  readonly posts: string[][] = [];
  answer: (batch: Statement[]) => TransportResponse | 'network' | 'lost-ack' | undefined = () =>
    undefined;

  transport: Transport = (batch) => {
    this.posts.push(batch.map((s) => s.id));
    const forced = this.answer(batch);
    if (forced === 'network') return Promise.reject(new TypeError('Failed to fetch'));
    if (forced !== undefined && forced !== 'lost-ack') return Promise.resolve(forced);
    for (const s of batch) {
      const body = JSON.stringify(s);
      const previous = this.stored.get(s.id);
      if (previous !== undefined && previous !== body) {
        return Promise.resolve({ status: 409, message: `${s.id} conflicts` });
      }
    }
    for (const s of batch) this.stored.set(s.id, JSON.stringify(s));
    // Stored, but the answer never reaches the browser.
    if (forced === 'lost-ack') return Promise.reject(new TypeError('connection reset'));
    return Promise.resolve({ status: 200, message: '' });
  };

  sentCount(id: string): number {
    return this.posts.flat().filter((candidate) => candidate === id).length;
  }
}

/** Timers the test fires by hand, so backoff is checked without waiting. */
class Timers {
  readonly queue: { fn: () => void; ms: number }[] = [];
  setTimer = (fn: () => void, ms: number) => {
    const entry = { fn, ms };
    this.queue.push(entry);
    return entry;
  };
  clearTimer = (handle: unknown) => {
    const i = this.queue.indexOf(handle as { fn: () => void; ms: number });
    if (i >= 0) this.queue.splice(i, 1);
  };
  fire(): number {
    const next = this.queue.shift();
    if (!next) throw new Error('no timer pending');
    next.fn();
    return next.ms;
  }
}

function setup(options: Partial<SenderOptions> = {}) {
  const storage = new MemoryStorage();
  const lrs = new FakeLrs();
  const timers = new Timers();
  const sender = new Sender({
    storage,
    transport: lrs.transport,
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
    random: () => 0.5,
    batchSize: 10,
    ...options,
  });
  const queue = async (list: Statement[]) => storage.add(toRecords(list));
  return { storage, lrs, timers, sender, queue };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('outbox sender', () => {
  it('sends in batches and deletes only what the record store acknowledged', async () => {
    const { storage, lrs, sender, queue } = setup();
    const list = statements(25);
    await queue(list);
    expect(await sender.flush()).toBe('idle');
    expect(lrs.posts.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(lrs.posts.flat()).toEqual(list.map((s) => s.id));
    expect(storage.records.size).toBe(0);
    expect(lrs.stored.size).toBe(25);
  });

  it('keeps statements through network errors and retries with growing, jittered delays', async () => {
    const { storage, lrs, timers, sender, queue } = setup();
    await queue(statements(3));
    lrs.answer = () => 'network';
    expect(await sender.flush()).toBe('retrying');
    expect(storage.records.size).toBe(3);
    const delays = [timers.queue[0]?.ms];
    for (let i = 0; i < 7; i += 1) {
      timers.fire();
      await settle();
      delays.push(timers.queue[0]?.ms);
    }
    // random() = 0.5: three quarters of 1 s, 2 s, 4 s ... capped at 60 s.
    expect(delays).toEqual([750, 1500, 3000, 6000, 12_000, 24_000, 45_000, 45_000]);
    expect(storage.records.size).toBe(3);
    lrs.answer = () => undefined;
    timers.fire();
    await settle();
    expect(storage.records.size).toBe(0);
    expect(sender.state).toBe('idle');
  });

  it('draws each delay between half and all of its ceiling', () => {
    const low = setup({ random: () => 0 }).sender;
    const high = setup({ random: () => 0.999_999 }).sender;
    expect(low.delayFor(3)).toBe(2000);
    expect(high.delayFor(3)).toBeCloseTo(4000, 0);
    expect(high.delayFor(30)).toBeLessThanOrEqual(60_000);
  });

  it('retries 5xx, 408 and 429 answers', async () => {
    for (const status of [500, 502, 503, 408, 429]) {
      const { storage, lrs, sender, queue } = setup();
      await queue(statements(2));
      lrs.answer = () => ({ status, message: 'busy' });
      expect(await sender.flush()).toBe('retrying');
      expect(storage.records.size).toBe(2);
    }
  });

  it('isolates a statement the record store refuses, keeps it and sends the rest', async () => {
    const { storage, lrs, sender, queue } = setup();
    const list = statements(8);
    const bad = list[5]?.id;
    await queue(list);
    lrs.answer = (batch) =>
      batch.some((s) => s.id === bad)
        ? { status: 400, message: 'statement.verb: a Verb needs an "id"' }
        : undefined;
    expect(await sender.flush()).toBe('idle');
    expect([...storage.records.keys()]).toEqual([bad]);
    expect(storage.records.get(bad ?? '')?.refused).toBe('statement.verb: a Verb needs an "id"');
    expect(lrs.stored.size).toBe(7);
    expect(await storage.counts()).toEqual({
      pending: 0,
      refused: 1,
      reason: 'statement.verb: a Verb needs an "id"',
    });
    // Refused statements are not sent again on their own ...
    const posts = lrs.posts.length;
    await sender.flush();
    expect(lrs.posts.length).toBe(posts);
    // ... only when the learner asks, after the cause was fixed.
    lrs.answer = () => undefined;
    await storage.unrefuse();
    await sender.flush();
    expect(storage.records.size).toBe(0);
    expect(lrs.stored.size).toBe(8);
  });

  it('counts a 409 for a single statement as delivered, and splits a batch that got one', async () => {
    const { storage, lrs, sender, queue } = setup();
    const list = statements(4);
    const already = list[2];
    if (!already) throw new Error('fixture');
    lrs.stored.set(already.id, 'stored earlier by another route');
    await queue(list);
    expect(await sender.flush()).toBe('idle');
    expect(storage.records.size).toBe(0);
    expect(lrs.stored.size).toBe(4);
  });

  it('stops on 401 and 403 without deleting or refusing anything', async () => {
    for (const status of [401, 403]) {
      const { storage, lrs, timers, sender, queue } = setup();
      await queue(statements(12));
      lrs.answer = () => ({ status, message: 'unknown or revoked credential' });
      expect(await sender.flush()).toBe('blocked');
      expect(sender.blockedBy).toBe('unknown or revoked credential');
      expect(await storage.counts()).toEqual({ pending: 12, refused: 0 });
      expect(lrs.posts).toHaveLength(1);
      expect(timers.queue).toHaveLength(0);
    }
  });

  it('sends a statement queued during a flush in the same flush', async () => {
    const { storage, lrs, sender, queue } = setup();
    await queue(statements(1));
    const late = statements(1);
    let first = true;
    lrs.answer = () => {
      if (first) {
        first = false;
        void queue(late).then(() => sender.flush());
      }
      return undefined;
    };
    await sender.flush();
    await settle();
    await sender.flush();
    expect(storage.records.size).toBe(0);
    expect(lrs.stored.has(late[0]?.id ?? '')).toBe(true);
  });

  it('never sends a statement twice when two tabs flush at once under the lock', async () => {
    const storage = new MemoryStorage();
    const lrs = new FakeLrs();
    let held = Promise.resolve();
    // Web Locks in miniature: one holder at a time, the others wait their turn.
    const withLock: WithLock = (task) => {
      const run = held.then(task);
      held = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    };
    const slow: Transport = async (batch) => {
      await settle();
      return lrs.transport(batch);
    };
    const tabs = [1, 2, 3].map(
      () => new Sender({ storage, transport: slow, withLock, batchSize: 7 }),
    );
    await storage.add(toRecords(statements(40)));
    await Promise.all(tabs.map((tab) => tab.flush()));
    expect(storage.records.size).toBe(0);
    expect(lrs.posts.flat()).toHaveLength(40);
    expect(new Set(lrs.posts.flat()).size).toBe(40);
  });

  it('loses nothing and stores nothing twice over 300 statements with random faults', async () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const { storage, lrs, timers, sender, queue } = setup({ random });
    lrs.answer = () => {
      const roll = random();
      if (roll < 0.15) return 'network';
      if (roll < 0.25) return 'lost-ack';
      if (roll < 0.35) return { status: 500, message: 'internal error' };
      if (roll < 0.4) return { status: 503, message: 'unavailable' };
      return undefined;
    };
    const all: Statement[] = [];
    for (let round = 0; round < 30; round += 1) {
      const list = statements(10);
      all.push(...list);
      await queue(list);
      void sender.flush();
      await settle();
    }
    for (let i = 0; i < 1000 && storage.records.size > 0; i += 1) {
      if (timers.queue.length > 0) timers.fire();
      else void sender.flush();
      await settle();
      await settle();
    }
    expect(storage.records.size).toBe(0);
    expect(lrs.stored.size).toBe(300);
    for (const s of all) expect(lrs.stored.get(s.id)).toBe(JSON.stringify(s));
    // Re-sends happen only after a lost acknowledgement or failure, never for a delivered batch.
    const resent = all.filter((s) => lrs.sentCount(s.id) > 1).length;
    expect(resent).toBeGreaterThan(0);
  });
});
