import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser } from '../../src/server/platform/staff/accounts.ts';
import { migratePlatform } from '../../src/server/platform/store/schema.ts';
import { launched } from '../../src/xapi/builders.ts';
import type { AccountAgent } from '../../src/xapi/types.ts';
import { startServer, storeKinds, xapi, type TestCredential, type TestServer } from './helpers.ts';

const siteUrl = 'https://training.example.org';
const valid = {
  name: 'Amina Diallo',
  serviceNumber: 'SN-448812',
  role: 'police',
  country: 'Senegal',
  unit: 'FPU 2',
  mission: 'MINUSCA',
  language: 'fr',
  cohort: 'dakar-2026-03',
};

interface Enrolled {
  key: string;
  secret: string;
  actor: AccountAgent;
  registration: string;
}

describe.each(storeKinds())('POST /api/enrol on $name', (kind) => {
  let server: TestServer;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const opened = await kind.open();
    await migratePlatform(opened.store.database);
    // Learners may only join a cohort a trainer created.
    const trainer = await createStaffUser(
      opened.store.database,
      'trainer-enrol',
      'trainer',
      'a long enough password',
    );
    await opened.store.database.query(
      `INSERT INTO cohorts (code, name, track_id, created_by, created_at)
       VALUES ('DAKAR-2026-03', 'Dakar, March 2026', 'police-pre-deployment', $1, now())`,
      [trainer.id],
    );
    server = await startServer(opened.store, {
      siteUrl,
      rateLimits: { enrol: { max: 20, windowMs: 60_000 } },
    });
    cleanup = async () => {
      await server.close();
      await opened.cleanup();
    };
  });

  afterAll(async () => {
    await cleanup();
  });

  const enrol = async (body: unknown) => {
    const response = await fetch(`${server.url}/api/enrol`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const credentialOf = (e: Enrolled): TestCredential => ({
    key: e.key,
    secret: e.secret,
    authorization: `Basic ${Buffer.from(`${e.key}:${e.secret}`).toString('base64')}`,
  });

  let first: Enrolled;

  it('enrols a learner with an opaque account and their own credential', async () => {
    const { status, json } = await enrol(valid);
    expect(status).toBe(201);
    first = json as unknown as Enrolled;
    expect(Object.keys(json).sort()).toEqual(['actor', 'key', 'registration', 'secret']);
    expect(first.actor).toMatchObject({
      objectType: 'Agent',
      name: 'Amina Diallo',
      account: { homePage: siteUrl },
    });
    expect(first.actor.account.name).toMatch(/^l-[\w-]{16}$/);
    expect(JSON.stringify(first.actor)).not.toContain('SN-448812');
    expect(first.registration).toMatch(/^[0-9a-f-]{36}$/);
    const second = (await enrol(valid)).json as unknown as Enrolled;
    expect(second.actor.account.name).not.toBe(first.actor.account.name);
    expect(second.key).not.toBe(first.key);
  });

  it('lets the credential send statements as its actor only, and re-send them safely', async () => {
    const credential = credentialOf(first);
    const ctx = {
      site: siteUrl,
      actor: first.actor,
      registration: first.registration,
      sessionId: crypto.randomUUID(),
      lang: 'fr',
      moduleId: 'cp-in-peace-operations',
    };
    const own = launched(ctx);
    const sent = await xapi(server, credential, '/xapi/statements', { body: [own] });
    expect(sent.status).toBe(200);
    // The outbox re-sends a batch whose answer was lost: the LRS must accept it, not double it.
    const again = await xapi(server, credential, '/xapi/statements', { body: [own] });
    expect(again.status).toBe(200);
    const mine = await xapi(server, credential, '/xapi/statements');
    expect(
      (mine.json as { statements: { id: string }[] }).statements.filter((s) => s.id === own.id),
    ).toHaveLength(1);
    const other = launched({
      ...ctx,
      actor: { objectType: 'Agent', account: { homePage: siteUrl, name: 'l-someone-else' } },
    });
    const refused = await xapi(server, credential, '/xapi/statements', { body: [other] });
    expect(refused.status).toBe(403);
  });

  it('keeps the enrolment as a State document the learner can read', async () => {
    const agent = encodeURIComponent(JSON.stringify(first.actor));
    const activity = encodeURIComponent(`${siteUrl}/xapi/activities/course`);
    const doc = await xapi(
      server,
      credentialOf(first),
      `/xapi/activities/state?activityId=${activity}&agent=${agent}&registration=${first.registration}&stateId=enrolment`,
    );
    expect(doc.status).toBe(200);
    expect(doc.json).toMatchObject({
      ...valid,
      cohort: 'DAKAR-2026-03',
      learnerId: first.actor.account.name,
      registration: first.registration,
    });
  });

  it.each([
    ['name', { name: '' }],
    ['serviceNumber', { serviceNumber: undefined }],
    ['role', { role: 'pilot' }],
    ['country', { country: 42 }],
    ['unit', { unit: '   ' }],
    ['mission', { mission: 'x'.repeat(81) }],
    ['language', { language: 'de' }],
    ['cohort', { cohort: 'no spaces please' }],
    ['cohort', { cohort: 'DAKAR-2026-04' }],
    ['nickname', { nickname: 'Ami' }],
  ])('answers 400 naming %s when it is wrong', async (field, change) => {
    const { status, json } = await enrol({ ...valid, ...change });
    expect(status).toBe(400);
    expect(json.message).toMatch(new RegExp(`^${field}: `));
  });

  it('answers 400 to a body that is not an object', async () => {
    expect((await enrol(['x'])).status).toBe(400);
  });

  it('limits enrolments per address', async () => {
    const limited = await startServer(server.store, {
      siteUrl,
      rateLimits: { enrol: { max: 3, windowMs: 60_000 } },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const response = await fetch(`${limited.url}/api/enrol`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(valid),
        });
        statuses.push(response.status);
        if (response.status === 429) expect(response.headers.get('retry-after')).toBe('60');
      }
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});
