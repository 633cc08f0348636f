// The embedded store answers only what it has committed, survives the failure of its database
// thread with 503s and a restart, and admits one process per data folder.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockDataDir, LOCK_FILE } from '../../src/server/db/data-dir-lock.ts';
import { WorkerDatabase } from '../../src/server/db/worker-database.ts';
import { databaseOf, openStore } from '../../src/server/lrs/store/open-store.ts';
import type { Store } from '../../src/server/lrs/store/types.ts';
import {
  make,
  newStoreStatement,
  q,
  startLrs,
  storeKinds,
  useTempDir,
  type Lrs,
  type TestStatement,
} from './helpers.ts';
import { exited, startService } from './process-helpers.ts';

const [embedded] = storeKinds();
if (embedded === undefined) throw new Error('no store kind');

function workerOf(store: Store): WorkerDatabase {
  const db = databaseOf(store);
  if (!(db instanceof WorkerDatabase)) throw new Error('not the embedded store');
  return db;
}

describe('the database thread fails (embedded store, over HTTP)', () => {
  let lrs: Lrs & { close(): Promise<void> };
  beforeAll(async () => {
    lrs = await startLrs(embedded);
  });
  afterAll(async () => {
    await lrs.close();
  });

  it('answers 503 to the requests waiting on it, restarts it, and serves again', async () => {
    const actor = make.agent('thread');
    const answered = new Map<TestStatement[], number>();
    let stop = false;
    // Ten clients writing batches of 1 to 5 and reading, until the thread has been stopped.
    const client = async () => {
      while (!stop) {
        const batch = Array.from({ length: 1 + Math.floor(Math.random() * 5) }, () =>
          make.statement({ actor }),
        );
        const [write, read] = await Promise.all([
          lrs.request('/xapi/statements', { body: batch }),
          lrs.request(`/xapi/statements?agent=${q(actor)}&limit=5`),
        ]);
        answered.set(batch, write.status);
        for (const res of [write, read]) {
          if (res.status === 503) {
            expect(res.message).toMatch(/embedded database stopped .* being restarted/);
            expect(res.headers.get('retry-after')).toBe('1');
          } else {
            expect(res.status, res.text).toBe(200);
          }
        }
      }
    };
    const clients = Array.from({ length: 10 }, client);
    while (answered.size < 20) await new Promise((r) => setTimeout(r, 5));
    await workerOf(lrs.store).kill();
    const killedAt = answered.size;
    while (answered.size < killedAt + 20) await new Promise((r) => setTimeout(r, 5));
    stop = true;
    await Promise.all(clients);
    const statuses = [...answered.values()];
    expect(statuses).toContain(503);

    // A new thread on the same files: what was answered 200 is there, once; writes work again.
    const batches = [...answered.keys()];
    const acked = batches.filter((b) => answered.get(b) === 200).flat();
    const again = batches.filter((b) => answered.get(b) === 503);
    for (const batch of again) await lrs.send(batch);
    const ids = await lrs.statementIds(`agent=${q(actor)}&limit=500`);
    expect(ids.length).toBe(new Set(ids).size);
    expect(new Set(ids)).toEqual(new Set([...acked, ...again.flat()].map((s) => s.id)));
    expect(workerOf(lrs.store).restarts).toBe(1);
  });

  it('restarts after each failure, however many', async () => {
    for (let i = 0; i < 3; i++) {
      await workerOf(lrs.store).kill();
      await lrs.send(make.statement());
    }
    expect(workerOf(lrs.store).restarts).toBe(4);
  });
});

describe('crash points of a write (embedded store)', () => {
  const dataDir = useTempDir('each', 'lrs-crash-point-');
  const count = async (store: Store, id: string) =>
    (
      await databaseOf(store).query<{ n: number }>(
        'SELECT count(*)::int AS n FROM statements WHERE id = $1',
        [id],
      )
    )[0]?.n;

  it('a write stopped before its commit is not answered and leaves nothing', async () => {
    const store = await openStore({ dataDir: dataDir() });
    const s = newStoreStatement(make.agent(), make.activity());
    const db = workerOf(store);
    // The statement is inserted in an open transaction; the thread dies before COMMIT.
    const write = db.transaction(async (tx) => {
      await tx.query('SELECT lrs_store_statements($1::jsonb)', [
        JSON.stringify([
          {
            ord: 0,
            id: s.id,
            statement: s.statement,
            fingerprint: s.fingerprint,
            verb_id: s.index.verbId,
            actor_ifi: s.index.actorIfi,
            registration: null,
            voids: null,
            credential_key: s.credentialKey,
            agents: s.index.agents,
            activities: s.index.activities,
            timestamp_from_stored: false,
          },
        ]),
      ]);
      await db.kill();
      await tx.query('SELECT 1');
    });
    await expect(write).rejects.toMatchObject({ status: 503 });
    await store.close();
    const reopened = await openStore({ dataDir: dataDir() });
    expect(await count(reopened, s.id)).toBe(0);
    await reopened.close();
  });

  it('a write answered is there after the thread dies, and after the store is reopened', async () => {
    const store = await openStore({ dataDir: dataDir() });
    const statements = Array.from({ length: 5 }, () =>
      newStoreStatement(make.agent(), make.activity()),
    );
    await Promise.all(statements.map((s) => store.insertStatements([s])));
    await workerOf(store).kill();
    for (const s of statements) expect(await count(store, s.id)).toBe(1);
    await store.close();
    const reopened = await openStore({ dataDir: dataDir() });
    for (const s of statements) expect(await count(reopened, s.id)).toBe(1);
    await reopened.close();
  });
});

describe('one process per data folder', () => {
  const dataDir = useTempDir('each', 'lrs-lock-');

  it('refuses a folder a running process holds, naming it', async () => {
    // This test's parent process is running and is not this one.
    await writeFile(path.join(dataDir(), LOCK_FILE), `${process.ppid}\n`);
    expect(() => lockDataDir(dataDir())).toThrow(new RegExp(`in use by process ${process.ppid}`));
  });

  it('takes over a lock left by a dead process or an empty one, saying so', async () => {
    const lines: string[] = [];
    for (const left of ['2147483646\n', '']) {
      await writeFile(path.join(dataDir(), LOCK_FILE), left);
      const release = lockDataDir(dataDir(), (line) => lines.push(line));
      expect(() => lockDataDir(dataDir(), () => undefined)).toThrow(/already open in this process/);
      release();
    }
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/process 2147483646, which held it, is gone/);
    expect(lines[1]).toMatch(/it held no process id/);
  });

  it('lets exactly one of two services started together serve, and restarts after SIGKILL', async () => {
    const env = { DATA_DIR: dataDir(), DATABASE_URL: '' };
    const outcomes = await Promise.allSettled([startService(env), startService(env)]);
    const serving = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const refused = outcomes.flatMap((o) =>
      o.status === 'rejected' ? [(o.reason as Error).message] : [],
    );
    expect(serving).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const [first] = serving;
    if (first === undefined) throw new Error('no service started');
    expect(refused[0]).toMatch(new RegExp(`in use by process ${String(first.child.pid)}`));

    first.child.kill('SIGKILL');
    await exited(first.child);
    const second = await startService(env);
    try {
      expect(second.output()).toMatch(
        new RegExp(`Taking over the data folder's lock .*process ${String(first.child.pid)}`),
      );
      const res = await fetch(`${second.url}/xapi/about`);
      expect(res.status).toBe(200);
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }
  }, 180_000);
});
