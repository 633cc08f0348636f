import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser } from '../../src/server/platform/staff/accounts.ts';
import type { PlatformStore } from '../../src/server/platform/store/platform-store.ts';
import { launched } from '../../src/xapi/builders.ts';
import type { AccountAgent } from '../../src/xapi/types.ts';
import { startServer, storeKinds, xapi, type TestCredential, type TestServer } from './helpers.ts';
import { startPlatform } from './certification-helpers.ts';

const siteUrl = 'https://training.example.org';
const valid = {
  name: 'Amina Diallo',
  serviceNumber: 'SN-448812',
  role: 'police',
  country: 'sn',
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
  let platform: PlatformStore;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const opened = await kind.open();
    ({ server, platform } = await startPlatform(opened.store, {
      siteUrl,
      rateLimits: { enrol: { max: 20, windowMs: 60_000 } },
    }));
    // Learners may only join a cohort a trainer created.
    const trainer = await createStaffUser(
      platform.staff,
      'trainer-enrol',
      'trainer',
      'a long enough password',
    );
    await createStaffUser(platform.staff, 'dpo-enrol', 'dpo', 'a long enough password');
    await platform.cohorts.create({
      code: 'DAKAR-2026-03',
      name: 'Dakar, March 2026',
      trackId: 'police-pre-deployment',
      createdBy: trainer.id,
      seats: 40,
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
    // Another person with the same name: another learner, another credential.
    const second = (await enrol({ ...valid, serviceNumber: 'SN-448813' }))
      .json as unknown as Enrolled;
    expect(second.actor.account.name).not.toBe(first.actor.account.name);
    expect(second.key).not.toBe(first.key);
    // The same person again (one learner per person): 409, no credential.
    const again = await enrol({ ...valid, serviceNumber: 'sn 448812' });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ code: 'already_enrolled' });
    expect(again.json).not.toHaveProperty('secret');
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

  it("keeps the enrolment in the platform's learners table, not in the LRS", async () => {
    const learner = await platform.learners.byId(first.actor.account.name);
    expect(learner).toMatchObject({
      learnerId: first.actor.account.name,
      registration: first.registration,
      name: valid.name,
      serviceNumber: valid.serviceNumber,
      role: 'police',
      country: 'SN',
      unit: 'FPU 2',
      mission: 'MINUSCA',
      language: 'fr',
      cohort: 'DAKAR-2026-03',
      trackId: 'police-pre-deployment',
    });
    expect(learner?.actor).toEqual(first.actor);
    expect(Date.now() - Date.parse(learner?.enrolledAt ?? '')).toBeLessThan(60_000);
    const agent = encodeURIComponent(JSON.stringify(first.actor));
    const activity = encodeURIComponent(`${siteUrl}/xapi/activities/course`);
    const doc = await xapi(
      server,
      credentialOf(first),
      `/xapi/activities/state?activityId=${activity}&agent=${agent}&registration=${first.registration}&stateId=enrolment`,
    );
    expect(doc.status).toBe(404);
  });

  it("changes nothing in the DPO report when a learner writes or deletes an xAPI State document named 'enrolment'", async () => {
    const login = await fetch(`${server.url}/api/staff/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'dpo-enrol', password: 'a long enough password' }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const report = async () => {
      const res = await fetch(
        `${server.url}/api/reports/learners?q=${encodeURIComponent(valid.serviceNumber)}`,
        { headers: { Cookie: cookie } },
      );
      expect(res.status).toBe(200);
      return (await res.json()) as { total: number; learners: Record<string, unknown>[] };
    };
    const byCountry = async () => {
      const res = await fetch(`${server.url}/api/reports/completion?groupBy=country`, {
        headers: { Cookie: cookie },
      });
      return ((await res.json()) as { groups: unknown[] }).groups;
    };
    const before = await report();
    const groupsBefore = await byCountry();
    expect(before.learners.find((l) => l.learnerId === first.actor.account.name)).toMatchObject({
      name: valid.name,
      country: 'SN',
      cohort: 'DAKAR-2026-03',
      track: 'police-pre-deployment',
    });

    const state = (method: string, body?: unknown) =>
      xapi(
        server,
        credentialOf(first),
        `/xapi/activities/state?${new URLSearchParams({
          activityId: `${siteUrl}/xapi/activities/course`,
          agent: JSON.stringify(first.actor),
          registration: first.registration,
          stateId: 'enrolment',
        }).toString()}`,
        { method, ...(body === undefined ? {} : { body }) },
      );
    const forged = {
      ...valid,
      name: 'Someone Else',
      serviceNumber: 'SN-000',
      country: 'Atlantis',
      cohort: 'OTHER',
      learnerId: first.actor.account.name,
      registration: first.registration,
      enrolledAt: '2020-01-01T00:00:00.000Z',
    };
    expect((await state('PUT', forged)).status).toBe(204);
    expect((await state('GET')).json).toMatchObject({ country: 'Atlantis' });
    expect(await report()).toEqual(before);
    expect(await byCountry()).toEqual(groupsBefore);
    expect((await state('DELETE')).status).toBe(204);
    expect(await report()).toEqual(before);
    expect(await byCountry()).toEqual(groupsBefore);
  });

  it.each([
    ['name', { name: '' }],
    ['name', { name: 'a\u0000b' }],
    ['name', { name: 'a\ud800b' }],
    ['unit', { unit: 'FPU \udc00' }],
    ['serviceNumber', { serviceNumber: undefined }],
    ['role', { role: 'pilot' }],
    ['country', { country: 42 }],
    ['country', { country: 'Senegal' }],
    ['country', { country: 'XX' }],
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
      rateLimits: {
        enrol: { max: 3, windowMs: 60_000 },
        enrolWithCohort: { max: 1000, windowMs: 60_000 },
      },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const response = await fetch(`${limited.url}/api/enrol`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            ...valid,
            cohort: undefined,
            serviceNumber: `SN-limit-${String(i)}`,
          }),
        });
        statuses.push(response.status);
        if (response.status === 429) {
          expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(55);
        }
      }
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});
