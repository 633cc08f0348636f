import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { backupDatabase } from '../../src/server/db/dump.ts';
import { openPgDatabase } from '../../src/server/db/pg-database.ts';
import { openStore } from '../../src/server/lrs/store/open-store.ts';
import type { Store } from '../../src/server/lrs/store/types.ts';
import {
  createCredential,
  describeEachStore,
  describeOnPostgres,
  dropSchema,
  make,
  newSchema,
  q,
  sleep,
  startServer,
  xapi,
  type TestCredential,
  type TestServer,
} from './helpers.ts';

const HEADER = 'x-experience-api-consistent-through';
const stored = (res: { json: unknown }) => Date.parse((res.json as { stored: string }).stored);

describeEachStore('consistent-through', (lrs) => {
  it('never reports a time after which a statement could still appear with an earlier stored', async () => {
    let previous = '';
    for (let i = 0; i < 5; i += 1) {
      const before = await lrs.request('/xapi/statements?limit=1');
      const through = before.headers.get(HEADER) ?? '';
      expect(through).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(through >= previous).toBe(true);
      const s = make.statement();
      const post = await lrs.request('/xapi/statements', { body: s });
      expect(post.status).toBe(200);
      // Every answer of the Statement resource carries the header, writes included.
      expect(post.headers.get(HEADER)).toMatch(/^\d{4}-/);
      const got = await lrs.request(`/xapi/statements?statementId=${s.id}`);
      // Stored after the earlier answer promised completeness, and covered by the next one.
      expect(stored(got)).toBeGreaterThanOrEqual(Date.parse(through));
      previous = got.headers.get(HEADER) ?? '';
      expect(Date.parse(previous)).toBeGreaterThanOrEqual(stored(got));
    }
    const put = make.statement();
    const answer = await lrs.request(`/xapi/statements?statementId=${put.id}`, {
      method: 'PUT',
      body: put,
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get(HEADER)).toMatch(/^\d{4}-/);
  });

  it('sends Last-Modified: the stored time of a statement, the latest one of a query', async () => {
    const actor = make.agent('last-modified');
    const [first] = await lrs.send(make.statement({ actor }));
    await lrs.send(make.statement({ actor }));
    const res = await lrs.request(`/xapi/statements?agent=${q(actor)}`);
    const times = (res.json as { statements: { stored: string }[] }).statements.map((s) =>
      Date.parse(s.stored),
    );
    expect(times).toHaveLength(2);
    expect(res.headers.get('last-modified')).toBe(new Date(Math.max(...times)).toUTCString());
    const single = await lrs.request(`/xapi/statements?statementId=${first ?? ''}`);
    expect(single.headers.get('last-modified')).toBe(new Date(stored(single)).toUTCString());
    const empty = await lrs.request(
      `/xapi/statements?verb=${q(`https://example.org/never-${Date.now()}`)}`,
    );
    expect(empty.status).toBe(200);
    expect(empty.headers.get('last-modified')).toBeNull();
  });
});

describeOnPostgres('consistent-through across two instances on one PostgreSQL', (db) => {
  let stores: Store[] = [];
  let writer: TestServer;
  let reader: TestServer;
  let admin: TestCredential;

  beforeAll(async () => {
    const first = await openStore({ databaseUrl: db.url, schema: db.schema });
    const second = await openStore({ databaseUrl: db.url, schema: db.schema });
    stores = [first, second];
    writer = await startServer(first);
    reader = await startServer(second);
    admin = await createCredential(first, ['all']);
  });

  afterAll(async () => {
    await writer.close();
    await reader.close();
    for (const s of stores) await s.close();
  });

  it('holds the header back while another instance is still writing', async () => {
    // Another session blocks inserts, so the writer's statement stays in flight.
    const blocker = new pg.Client({
      connectionString: db.url,
      options: `-c search_path=${db.schema}`,
    });
    await blocker.connect();
    let posting: Promise<{ status: number }> | undefined;
    const s = make.statement();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE statements IN EXCLUSIVE MODE');
      const started = Date.now();
      posting = xapi(writer, admin, '/xapi/statements', { body: s });
      await sleep(400);
      const during = await xapi(reader, admin, '/xapi/statements?limit=1');
      expect(during.status).toBe(200);
      const through = Date.parse(during.headers.get(HEADER) ?? '');
      // Held at the start of the writer's transaction, not the time of the answer.
      expect(through).toBeLessThan(started + 200);
      expect(Date.now() - through).toBeGreaterThan(300);
      await blocker.query('COMMIT');
      expect((await posting).status).toBe(200);
      const got = await xapi(reader, admin, `/xapi/statements?statementId=${s.id}`);
      // The statement committed late but is not stored before the time promised earlier.
      expect(stored(got)).toBeGreaterThanOrEqual(through);
      const after = Date.parse(got.headers.get(HEADER) ?? '');
      expect(after).toBeGreaterThanOrEqual(stored(got));
      expect(Date.now() - after).toBeLessThan(1000);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await posting?.catch(() => undefined);
      await blocker.end();
    }
  });

  // The header of an answer read while `hold` keeps something in flight that must not hold it
  // back: near the time of the answer.
  async function throughWhile(hold: () => Promise<void>): Promise<number> {
    await hold();
    await sleep(400);
    const read = await xapi(reader, admin, '/xapi/statements?limit=1');
    expect(read.status).toBe(200);
    return Date.now() - Date.parse(read.headers.get(HEADER) ?? '');
  }

  it("is not held back by a write in flight on another schema's service", async () => {
    const schema = newSchema();
    const other = await openStore({ databaseUrl: db.url, schema });
    const otherServer = await startServer(other);
    const otherAdmin = await createCredential(other, ['all']);
    const blocker = new pg.Client({
      connectionString: db.url,
      options: `-c search_path=${schema}`,
    });
    await blocker.connect();
    let posting: Promise<{ status: number }> | undefined;
    try {
      const lag = await throughWhile(async () => {
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE statements IN EXCLUSIVE MODE');
        posting = xapi(otherServer, otherAdmin, '/xapi/statements', { body: make.statement() });
      });
      expect(lag).toBeLessThan(300);
      await blocker.query('COMMIT');
      expect((await posting)?.status).toBe(200);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await posting?.catch(() => undefined);
      await blocker.end();
      await otherServer.close();
      await other.close();
      await dropSchema(db.url, schema);
    }
  });

  it('is not held back by a backup reading its snapshot', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'consistent-through-'));
    const backupDb = await openPgDatabase({ connectionString: db.url, schema: db.schema });
    const blocker = new pg.Client({
      connectionString: db.url,
      options: `-c search_path=${db.schema}`,
    });
    await blocker.connect();
    let backup: Promise<unknown> | undefined;
    try {
      // The backup waits for a table the statements resource never reads, its snapshot open.
      const lag = await throughWhile(async () => {
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE profile_documents IN ACCESS EXCLUSIVE MODE');
        backup = backupDatabase(backupDb, path.join(folder, 'centre.jsonl.gz'));
      });
      expect(lag).toBeLessThan(300);
      // The backup was still waiting, its snapshot open, while the header was read.
      const open = await blocker.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE application_name = $1 AND xact_start IS NOT NULL`,
        [`snapshot of xapi-lrs/${db.schema}`],
      );
      expect(open.rows[0]?.n).toBe(1);
      await blocker.query('COMMIT');
      await backup;
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await backup?.catch(() => undefined);
      await blocker.end();
      await backupDb.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
