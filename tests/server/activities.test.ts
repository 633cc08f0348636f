import { beforeAll, expect, it } from 'vitest';
import { describeEachStore, make, q, type TestCredential } from './helpers.ts';

describeEachStore('activities and agents resources', (lrs) => {
  let writer: TestCredential;
  let noRead: TestCredential;

  beforeAll(async () => {
    writer = await lrs.credential(['statements/write', 'statements/read']);
    noRead = await lrs.credential(['statements/write']);
  });

  const activity = (id: string) => `/xapi/activities?activityId=${q(id)}`;
  const person = (agent: unknown) => `/xapi/agents?agent=${q(agent)}`;

  it('returns the canonical Activity: newest values win, language maps merge', async () => {
    const id = make.activity();
    await lrs.send([
      make.statement({
        object: {
          id,
          definition: {
            name: { 'en-US': 'Old name', fr: 'Module' },
            type: 'http://adlnet.gov/expapi/activities/module',
          },
        },
      }),
    ]);
    await lrs.send([
      make.statement({
        object: { id: make.activity('lessons'), definition: { name: { 'en-US': 'Lesson' } } },
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
    const res = await lrs.request(activity(id), { as: writer });
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
    const head = await lrs.request(activity(id), { as: writer, method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers.get('etag')).toBe(res.headers.get('etag'));
  });

  it('does not let a credential without the define scope redefine an Activity', async () => {
    const id = make.activity();
    await lrs.send([make.statement({ object: { id, definition: { name: { en: 'Trusted' } } } })]);
    await lrs.send(
      [make.statement({ object: { id, definition: { name: { en: 'Untrusted' } } } })],
      writer,
    );
    expect((await lrs.request(activity(id))).json).toEqual({
      objectType: 'Activity',
      id,
      definition: { name: { en: 'Trusted' } },
    });
  });

  it('answers an unknown Activity with the Activity itself and refuses bad requests', async () => {
    const id = make.activity();
    const res = await lrs.request(activity(id));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ objectType: 'Activity', id });
    expect(await lrs.status('/xapi/activities')).toBe(400);
    expect(await lrs.status('/xapi/activities?activityId=nope')).toBe(400);
    expect(await lrs.status(`${activity(id)}&agent=x`)).toBe(400);
    expect(await lrs.status(activity(id), { as: noRead })).toBe(403);
  });

  it('returns the Person object for an agent, with the names statements gave it', async () => {
    const { mbox } = make.agent();
    await lrs.send([
      make.statement({ actor: { mbox, name: 'A. Learner' } }),
      make.statement({ actor: { mbox, name: 'Alex Learner' } }),
    ]);
    const res = await lrs.request(person({ mbox }), { as: writer });
    expect(res.status).toBe(200);
    const found = res.json as { objectType: string; name: string[]; mbox: string[] };
    expect(found.objectType).toBe('Person');
    expect(found.mbox).toEqual([mbox]);
    expect([...found.name].sort()).toEqual(['A. Learner', 'Alex Learner']);
    expect(Object.keys(found).sort()).toEqual(['mbox', 'name', 'objectType']);
    const head = await lrs.request(person({ mbox }), { as: writer, method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
  });

  it('answers an unknown agent with a Person of what was asked', async () => {
    const account = { homePage: 'https://peacekeeping.example.org', name: make.uuid() };
    const res = await lrs.request(person({ account, name: 'Sam' }));
    expect(res.json).toEqual({ objectType: 'Person', name: ['Sam'], account: [account] });
  });

  it('refuses Groups, bad agents, missing scopes and other learners', async () => {
    const group = { objectType: 'Group', mbox: 'mailto:team@example.org' };
    expect(await lrs.status(person(group))).toBe(400);
    expect(await lrs.status(person({ name: 'x' }))).toBe(400);
    expect(await lrs.status('/xapi/agents')).toBe(400);
    const someone = make.agent();
    expect(await lrs.status(person(someone), { as: noRead })).toBe(403);
    const learner = await lrs.learner(['statements/read/mine']);
    expect(await lrs.status(person(learner.agent), { as: learner })).toBe(200);
    expect(await lrs.status(person(someone), { as: learner })).toBe(403);
  });
});
