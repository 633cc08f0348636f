// xAPI 1.0.3 requirements the LRS once missed, each shown over HTTP: interaction definitions
// without interactionType, single context Activities, authority Groups, the alternate syntax
// without Content-Type, format=ids, Consistent-Through on errors, and blind profile PUTs.
import { expect, it } from 'vitest';
import { describeEachStore, make, q, type StatementPage } from './helpers.ts';

describeEachStore('xAPI 1.0.3 conformance gaps', (lrs) => {
  const count = async () => (await lrs.statementIds('limit=0')).length;

  it('Data 2.4.4.1: refuses interaction properties without an interactionType', async () => {
    const before = await count();
    const components = [{ id: 'a', description: { en: 'A' } }];
    const definitions = [
      { correctResponsesPattern: ['a'] },
      { choices: components },
      { scale: components },
      { source: components, target: components },
      { steps: components },
    ];
    for (const definition of definitions) {
      const s = make.statement({ object: { id: make.activity(), definition } });
      const res = await lrs.request('/xapi/statements', { body: s });
      expect(res.status, JSON.stringify(definition)).toBe(400);
      expect(res.message).toContain('interactionType');
    }
    expect(await count()).toBe(before);
    const typed = make.statement({
      object: {
        id: make.activity(),
        definition: {
          interactionType: 'choice',
          correctResponsesPattern: ['a'],
          choices: components,
        },
      },
    });
    expect(await lrs.status('/xapi/statements', { body: typed })).toBe(200);
  });

  it('Data 2.4.6.2: returns a single context Activity as an array of one', async () => {
    const parent = { id: make.activity('tracks') };
    const grouping = { objectType: 'Activity', id: make.activity('courses') };
    const s = make.statement({
      context: { contextActivities: { parent, grouping, category: [{ id: make.activity() }] } },
    });
    await lrs.send(s);
    for (const format of ['exact', 'ids', 'canonical']) {
      const one = await lrs.request(`/xapi/statements?statementId=${s.id}&format=${format}`);
      const ca = (one.json as { context: { contextActivities: Record<string, unknown> } }).context
        .contextActivities;
      expect(Array.isArray(ca.parent), format).toBe(true);
      expect((ca.parent as { id: string }[])[0]?.id).toBe(parent.id);
      expect((ca.grouping as { id: string }[])[0]?.id).toBe(grouping.id);
      expect(ca.category as unknown[]).toHaveLength(1);
    }
    // The same statement sent again with the lists is the same statement, not a conflict.
    const listed = {
      ...s,
      context: {
        contextActivities: {
          parent: [parent],
          grouping: [grouping],
          category: (s.context as { contextActivities: { category: unknown } }).contextActivities
            .category,
        },
      },
    };
    expect(await lrs.status('/xapi/statements', { body: listed })).toBe(200);
  });

  it('Data 2.4.9: accepts an authority Group only as a pair of two Agents', async () => {
    const agent = () => ({ objectType: 'Agent', mbox: make.agent().mbox });
    const bad = [
      { objectType: 'Group', member: [agent()] },
      { objectType: 'Group', member: [agent(), agent(), agent()] },
      { objectType: 'Group', mbox: 'mailto:team@example.org' },
      { objectType: 'Group', mbox: 'mailto:team@example.org', member: [] },
    ];
    for (const authority of bad) {
      const res = await lrs.request('/xapi/statements', { body: make.statement({ authority }) });
      expect(res.status, JSON.stringify(authority)).toBe(400);
      expect(res.message).toContain('authority');
    }
    const pair = { objectType: 'Group', member: [agent(), agent()] };
    expect(
      await lrs.status('/xapi/statements', { body: make.statement({ authority: pair }) }),
    ).toBe(200);
  });

  it('Communication 1.3: takes an alternate-syntax PUT without a Content-Type field', async () => {
    const form = (path: string, method: string, fields: Record<string, string>) =>
      fetch(`${lrs.server.url}${path}?method=${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          Authorization: lrs.admin.authorization,
          'X-Experience-API-Version': '1.0.3',
          ...fields,
        }).toString(),
      });
    const s = make.statement();
    const put = await form('/xapi/statements', 'PUT', {
      statementId: s.id,
      content: JSON.stringify(s),
    });
    expect(put.status, await put.text()).toBe(204);
    expect(await lrs.status(`/xapi/statements?statementId=${s.id}`)).toBe(200);

    const state = {
      activityId: make.activity(),
      agent: JSON.stringify(make.agent()),
      stateId: 's',
    };
    expect(
      (await form('/xapi/activities/state', 'PUT', { ...state, content: '{"a":1}' })).status,
    ).toBe(204);
    const doc = await lrs.request(
      `/xapi/activities/state?activityId=${q(state.activityId)}&agent=${q(state.agent)}&stateId=s`,
    );
    expect(doc.json).toEqual({ a: 1 });
    expect(doc.headers.get('content-type')).toMatch(/^application\/json/);
    const profile = { activityId: make.activity(), profileId: 'p', 'If-None-Match': '*' };
    expect(
      (await form('/xapi/activities/profile', 'PUT', { ...profile, content: 'plain' })).status,
    ).toBe(204);
    const text = await lrs.request(
      `/xapi/activities/profile?activityId=${q(profile.activityId)}&profileId=p`,
    );
    expect(text.text).toBe('plain');
    expect(text.headers.get('content-type')).toBe('application/octet-stream');
  });

  it('Communication 2.1.3: format=ids leaves identifiers only', async () => {
    const member = { objectType: 'Agent', name: 'Member', mbox: make.agent().mbox };
    const s = make.statement({
      actor: { objectType: 'Group', name: 'Section', member: [member] },
      verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { en: 'completed' } },
      object: { objectType: 'Agent', name: 'Object', mbox: make.agent().mbox },
      context: {
        instructor: { objectType: 'Agent', name: 'Instructor', mbox: make.agent().mbox },
        contextActivities: {
          parent: [
            { objectType: 'Activity', id: make.activity(), definition: { name: { en: 'P' } } },
          ],
        },
      },
    });
    await lrs.send(s);
    const res = await lrs.request(`/xapi/statements?statementId=${s.id}&format=ids`);
    const got = res.json as Record<string, Record<string, unknown>>;
    expect(got.actor).toEqual({ objectType: 'Group', member: [{ mbox: member.mbox }] });
    expect(got.verb).toEqual({ id: 'http://adlnet.gov/expapi/verbs/completed' });
    expect(got.object).toEqual({ objectType: 'Agent', mbox: (s.object as { mbox: string }).mbox });
    const context = got.context as {
      instructor: unknown;
      contextActivities: { parent: unknown[] };
    };
    expect(context.instructor).toEqual({
      mbox: (s.context as { instructor: { mbox: string } }).instructor.mbox,
    });
    expect(context.contextActivities.parent).toEqual([
      {
        id: (s.context as { contextActivities: { parent: { id: string }[] } }).contextActivities
          .parent[0]?.id,
      },
    ]);
    expect(got.authority).not.toHaveProperty('name');
    expect(got.authority).not.toHaveProperty('objectType');
    const activity = make.statement();
    await lrs.send(activity);
    const page = await lrs.request(`/xapi/statements?format=ids&limit=1`);
    expect((page.json as StatementPage).statements[0]?.object).toEqual({
      id: (activity.object as { id: string }).id,
    });
  });

  it('Communication 2.1.3: sends Consistent-Through on statement GETs that fail', async () => {
    const reader = await lrs.credential(['state']);
    const failures: [number, string, Parameters<typeof lrs.request>[1]][] = [
      [400, '/xapi/statements?verb=nope', {}],
      [400, '/xapi/statements?nope=1', {}],
      [400, '/xapi/statements/more/garbage', {}],
      [404, `/xapi/statements?statementId=${make.uuid()}`, {}],
      [401, '/xapi/statements', { as: null }],
      [403, '/xapi/statements', { as: reader }],
      [400, '/xapi/statements', { headers: { 'X-Experience-API-Version': '0.9' } }],
    ];
    for (const [status, url, req] of failures) {
      for (const method of ['GET', 'HEAD']) {
        const res = await lrs.request(url, { ...req, method });
        expect(res.status, `${method} ${url}`).toBe(status);
        const through = res.headers.get('x-experience-api-consistent-through') ?? '';
        expect(Number.isNaN(Date.parse(through)), `${method} ${url}: "${through}"`).toBe(false);
      }
    }
  });

  it('Communication 2.5, 2.6 and 3.1: a profile PUT without If-Match or If-None-Match is 409', async () => {
    const urls = [
      `/xapi/activities/profile?activityId=${q(make.activity())}&profileId=p`,
      `/xapi/agents/profile?agent=${q(make.agent())}&profileId=p`,
    ];
    for (const url of urls) {
      const absent = await lrs.request(url, { method: 'PUT', body: { v: 1 } });
      expect(absent.status, url).toBe(409);
      expect(absent.message).toContain('If-None-Match');
      expect(await lrs.status(url)).toBe(404);
      expect(
        await lrs.status(url, { method: 'PUT', body: { v: 1 }, headers: { 'If-None-Match': '*' } }),
      ).toBe(204);
      const present = await lrs.request(url, { method: 'PUT', body: { v: 2 } });
      expect(present.status).toBe(409);
      expect(present.message).toContain('If-Match');
      expect((await lrs.request(url)).json).toEqual({ v: 1 });
    }
  });
});
