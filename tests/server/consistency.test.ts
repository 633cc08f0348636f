import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/server/lrs/store/open-store.ts';
import type { Store } from '../../src/server/lrs/store/types.ts';
import {
  createCredential,
  startServer,
  statement,
  storeKinds,
  xapi,
  type TestCredential,
  type TestServer,
} from './helpers.ts';

const HEADER = 'x-experience-api-consistent-through';

describe.each(storeKinds())('consistent-through on $name', (kind) => {
  let server: TestServer;
  let admin: TestCredential;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const opened = await kind.open();
    cleanup = () => opened.cleanup();
    server = await startServer(opened.store);
    admin = await createCredential(opened.store, ['all']);
  });

  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  it('never reports a time after which a statement could still appear with an earlier stored', async () => {
    let previous = '';
    for (let i = 0; i < 5; i += 1) {
      const before = await xapi(server, admin, '/xapi/statements?limit=1');
      const through = before.headers.get(HEADER) ?? '';
      expect(through).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(through >= previous).toBe(true);
      const s = statement();
      const post = await xapi(server, admin, '/xapi/statements', { body: s });
      expect(post.status).toBe(200);
      // Every answer of the Statement resource carries the header, writes included.
      expect(post.headers.get(HEADER)).toMatch(/^\d{4}-/);
      const got = await xapi(server, admin, `/xapi/statements?statementId=${s.id}`);
      const stored = (got.json as { stored: string }).stored;
      // Stored after the earlier answer promised completeness, and covered by the next one.
      expect(Date.parse(stored)).toBeGreaterThanOrEqual(Date.parse(through));
      previous = got.headers.get(HEADER) ?? '';
      expect(Date.parse(previous)).toBeGreaterThanOrEqual(Date.parse(stored));
    }
    const put = statement();
    const answer = await xapi(server, admin, `/xapi/statements?statementId=${put.id}`, {
      method: 'PUT',
      body: put,
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get(HEADER)).toMatch(/^\d{4}-/);
  });

  it('sends Last-Modified: the stored time of a statement, the latest one of a query', async () => {
    const actor = { mbox: `mailto:last-modified-${Date.now()}@example.org` };
    const ids: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const s = statement({ actor });
      ids.push(s.id);
      expect((await xapi(server, admin, '/xapi/statements', { body: s })).status).toBe(200);
    }
    const res = await xapi(
      server,
      admin,
      `/xapi/statements?agent=${encodeURIComponent(JSON.stringify(actor))}`,
    );
    const stored = (res.json as { statements: { stored: string }[] }).statements.map((s) =>
      Date.parse(s.stored),
    );
    const expected = new Date(Math.max(...stored)).toUTCString();
    expect(res.headers.get('last-modified')).toBe(expected);
    const single = await xapi(server, admin, `/xapi/statements?statementId=${ids[0] ?? ''}`);
    const singleStored = (single.json as { stored: string }).stored;
    expect(single.headers.get('last-modified')).toBe(new Date(singleStored).toUTCString());
    const empty = await xapi(
      server,
      admin,
      `/xapi/statements?verb=${encodeURIComponent(`https://example.org/never-${Date.now()}`)}`,
    );
    expect(empty.headers.get('last-modified')).toBeNull();
  });
});

const url = process.env.DATABASE_URL;

describe.skipIf(url === undefined || url === '')(
  'consistent-through across two instances on one PostgreSQL',
  () => {
    const schema = `lrs_test_${randomBytes(6).toString('hex')}`;
    const connectionString = url ?? '';
    let stores: Store[] = [];
    let writer: TestServer;
    let reader: TestServer;
    let admin: TestCredential;

    beforeAll(async () => {
      const first = await openStore({ databaseUrl: connectionString, schema });
      const second = await openStore({ databaseUrl: connectionString, schema });
      stores = [first, second];
      writer = await startServer(first);
      reader = await startServer(second);
      admin = await createCredential(first, ['all']);
    });

    afterAll(async () => {
      await writer.close();
      await reader.close();
      for (const s of stores) await s.close();
      const client = new pg.Client({ connectionString });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    });

    it('holds the header back while another instance is still writing', async () => {
      // Another session blocks inserts, so the writer's statement stays in flight.
      const blocker = new pg.Client({ connectionString, options: `-c search_path=${schema}` });
      await blocker.connect();
      let posting: Promise<{ status: number }> | undefined;
      const s = statement();
      try {
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE statements IN EXCLUSIVE MODE');
        const started = Date.now();
        posting = xapi(writer, admin, '/xapi/statements', { body: s });
        await new Promise((resolve) => setTimeout(resolve, 400));
        const during = await xapi(reader, admin, '/xapi/statements?limit=1');
        expect(during.status).toBe(200);
        const through = Date.parse(during.headers.get(HEADER) ?? '');
        // Held at the start of the writer's transaction, not the time of the answer.
        expect(through).toBeLessThan(started + 200);
        expect(Date.now() - through).toBeGreaterThan(300);
        await blocker.query('COMMIT');
        expect((await posting).status).toBe(200);
        const got = await xapi(reader, admin, `/xapi/statements?statementId=${s.id}`);
        const stored = Date.parse((got.json as { stored: string }).stored);
        // The statement committed late but is not stored before the time promised earlier.
        expect(stored).toBeGreaterThanOrEqual(through);
        const after = Date.parse(got.headers.get(HEADER) ?? '');
        expect(after).toBeGreaterThanOrEqual(stored);
        expect(Date.now() - after).toBeLessThan(1000);
      } finally {
        await blocker.query('ROLLBACK').catch(() => undefined);
        await posting?.catch(() => undefined);
        await blocker.end();
      }
    });
  },
);
