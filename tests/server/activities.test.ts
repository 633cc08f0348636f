import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCredential,
  q,
  randomUUID,
  startServer,
  statement,
  storeKinds,
  xapi,
  type TestCredential,
  type TestServer,
} from './helpers.ts';

describe.each(storeKinds())('activities and agents resources on $name', (kind) => {
  let server: TestServer;
  let admin: TestCredential;
  let writer: TestCredential;
  let noRead: TestCredential;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const opened = await kind.open();
    cleanup = () => opened.cleanup();
    server = await startServer(opened.store);
    admin = await createCredential(opened.store, ['all']);
    writer = await createCredential(opened.store, ['statements/write', 'statements/read']);
    noRead = await createCredential(opened.store, ['statements/write']);
  });

  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  const post = async (credential: TestCredential, body: unknown) => {
    const res = await xapi(server, credential, '/xapi/statements', { body });
    expect(res.status).toBe(200);
  };

  it('returns the canonical Activity: newest values win, language maps merge', async () => {
    const id = `https://peacekeeping.example.org/modules/${randomUUID()}`;
    await post(admin, [
      statement({
        object: {
          id,
          definition: {
            name: { 'en-US': 'Old name', fr: 'Module' },
            type: 'http://adlnet.gov/expapi/activities/module',
          },
        },
      }),
    ]);
    await post(admin, [
      statement({
        object: {
          id: `https://peacekeeping.example.org/lessons/${randomUUID()}`,
          definition: { name: { 'en-US': 'Lesson' } },
        },
        // The activity arrives again as a context parent, with a newer English name.
        context: {
          contextActivities: {
            parent: [
              { id, definition: { name: { 'en-US': 'New name' }, description: { es: 'Módulo' } } },
            ],
          },
        },
      }),
    ]);
    const res = await xapi(server, writer, `/xapi/activities?activityId=${q(id)}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      objectType: 'Activity',
      id,
      definition: {
        name: { 'en-US': 'New name', fr: 'Module' },
        description: { es: 'Módulo' },
        type: 'http://adlnet.gov/expapi/activities/module',
      },
    });
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);
    const head = await xapi(server, writer, `/xapi/activities?activityId=${q(id)}`, {
      method: 'HEAD',
    });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers.get('etag')).toBe(res.headers.get('etag'));
  });

  it('does not let a credential without the define scope redefine an Activity', async () => {
    const id = `https://peacekeeping.example.org/modules/${randomUUID()}`;
    await post(admin, [statement({ object: { id, definition: { name: { en: 'Trusted' } } } })]);
    await post(writer, [statement({ object: { id, definition: { name: { en: 'Untrusted' } } } })]);
    const res = await xapi(server, admin, `/xapi/activities?activityId=${q(id)}`);
    expect(res.json).toEqual({
      objectType: 'Activity',
      id,
      definition: { name: { en: 'Trusted' } },
    });
  });

  it('answers an unknown Activity with the Activity itself and refuses bad requests', async () => {
    const id = `https://peacekeeping.example.org/modules/${randomUUID()}`;
    const res = await xapi(server, admin, `/xapi/activities?activityId=${q(id)}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ objectType: 'Activity', id });
    expect((await xapi(server, admin, '/xapi/activities')).status).toBe(400);
    expect((await xapi(server, admin, '/xapi/activities?activityId=nope')).status).toBe(400);
    const extra = await xapi(server, admin, `/xapi/activities?activityId=${q(id)}&agent=x`);
    expect(extra.status).toBe(400);
    const scope = await xapi(server, noRead, `/xapi/activities?activityId=${q(id)}`);
    expect(scope.status).toBe(403);
  });

  it('returns the Person object for an agent, with the names statements gave it', async () => {
    const mbox = `mailto:${randomUUID()}@example.org`;
    await post(admin, [
      statement({ actor: { mbox, name: 'A. Learner' } }),
      statement({ actor: { mbox, name: 'Alex Learner' } }),
    ]);
    const res = await xapi(server, writer, `/xapi/agents?agent=${q({ mbox })}`);
    expect(res.status).toBe(200);
    const person = res.json as { objectType: string; name: string[]; mbox: string[] };
    expect(person.objectType).toBe('Person');
    expect(person.mbox).toEqual([mbox]);
    expect([...person.name].sort()).toEqual(['A. Learner', 'Alex Learner']);
    expect(Object.keys(person).sort()).toEqual(['mbox', 'name', 'objectType']);
    const head = await xapi(server, writer, `/xapi/agents?agent=${q({ mbox })}`, {
      method: 'HEAD',
    });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
  });

  it('answers an unknown agent with a Person of what was asked', async () => {
    const account = { homePage: 'https://peacekeeping.example.org', name: randomUUID() };
    const res = await xapi(server, admin, `/xapi/agents?agent=${q({ account, name: 'Sam' })}`);
    expect(res.json).toEqual({ objectType: 'Person', name: ['Sam'], account: [account] });
  });

  it('refuses Groups, bad agents, missing scopes and other learners', async () => {
    const group = { objectType: 'Group', mbox: 'mailto:team@example.org' };
    expect((await xapi(server, admin, `/xapi/agents?agent=${q(group)}`)).status).toBe(400);
    expect((await xapi(server, admin, `/xapi/agents?agent=${q({ name: 'x' })}`)).status).toBe(400);
    expect((await xapi(server, admin, '/xapi/agents')).status).toBe(400);
    const someone = { mbox: `mailto:${randomUUID()}@example.org` };
    expect((await xapi(server, noRead, `/xapi/agents?agent=${q(someone)}`)).status).toBe(403);
    const me = { mbox: `mailto:${randomUUID()}@example.org` };
    const learner = await createCredential(server.store, ['statements/read/mine'], me);
    expect((await xapi(server, learner, `/xapi/agents?agent=${q(me)}`)).status).toBe(200);
    const other = await xapi(server, learner, `/xapi/agents?agent=${q(someone)}`);
    expect(other.status).toBe(403);
  });
});
