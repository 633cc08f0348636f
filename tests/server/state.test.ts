import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCredential,
  q,
  randomUUID,
  startServer,
  storeKinds,
  xapi,
  type TestCredential,
  type TestServer,
} from './helpers.ts';

describe.each(storeKinds())('state resource on $name', (kind) => {
  let server: TestServer;
  let admin: TestCredential;
  let cleanup: () => Promise<void>;
  const activity = `https://peacekeeping.example.org/modules/${randomUUID()}`;
  const agent = { mbox: `mailto:${randomUUID()}@example.org` };
  const registration = randomUUID();
  const base = `/xapi/activities/state?activityId=${q(activity)}&agent=${q(agent)}`;

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

  it('PUTs, GETs and DELETEs one document, keeping its content type', async () => {
    const url = `${base}&stateId=bookmark`;
    const put = await xapi(server, admin, url, {
      method: 'PUT',
      raw: 'page-7',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(put.status).toBe(204);
    const get = await xapi(server, admin, url);
    expect(get.status).toBe(200);
    expect(get.text).toBe('page-7');
    expect(get.headers.get('content-type')).toContain('text/plain');
    expect(get.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);
    expect((await xapi(server, admin, url, { method: 'DELETE' })).status).toBe(204);
    expect((await xapi(server, admin, url)).status).toBe(404);
  });

  it('merges JSON objects on POST and refuses to merge non-JSON', async () => {
    const url = `${base}&stateId=progress&registration=${registration}`;
    expect(
      (await xapi(server, admin, url, { method: 'POST', body: { a: 1, b: { x: 1 } } })).status,
    ).toBe(204);
    expect(
      (await xapi(server, admin, url, { method: 'POST', body: { b: { y: 2 }, c: 3 } })).status,
    ).toBe(204);
    expect((await xapi(server, admin, url)).json).toEqual({ a: 1, b: { y: 2 }, c: 3 });
    // The same stateId without the registration is a different document.
    expect((await xapi(server, admin, `${base}&stateId=progress`)).status).toBe(404);

    const arr = await xapi(server, admin, url, { method: 'POST', body: [1, 2] });
    expect(arr.status).toBe(400);
    const text = await xapi(server, admin, url, {
      method: 'POST',
      raw: 'x',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(text.status).toBe(400);
    expect((text.json as { message: string }).message).toContain('application/json');
    const broken = await xapi(server, admin, url, {
      method: 'POST',
      raw: '{"a":',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect((await xapi(server, admin, url)).json).toEqual({ a: 1, b: { y: 2 }, c: 3 });
  });

  it('lists stateIds, filtered by since, and deletes them all', async () => {
    const other = `/xapi/activities/state?activityId=${q(activity)}&agent=${q({ mbox: `mailto:${randomUUID()}@example.org` })}`;
    await xapi(server, admin, `${other}&stateId=keep`, { method: 'PUT', body: { k: 1 } });
    await xapi(server, admin, `${base}&stateId=one`, { method: 'PUT', body: { n: 1 } });
    await new Promise((r) => setTimeout(r, 30));
    const between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 30));
    await xapi(server, admin, `${base}&stateId=two`, { method: 'PUT', body: { n: 2 } });
    expect((await xapi(server, admin, base)).json).toEqual(['one', 'two']);
    expect((await xapi(server, admin, `${base}&since=${q(between)}`)).json).toEqual(['two']);
    expect((await xapi(server, admin, base, { method: 'DELETE' })).status).toBe(204);
    expect((await xapi(server, admin, base)).json).toEqual([]);
    expect((await xapi(server, admin, other)).json).toEqual(['keep']);
  });

  it('honours If-Match and If-None-Match', async () => {
    const url = `${base}&stateId=guarded`;
    await xapi(server, admin, url, { method: 'PUT', body: { v: 1 } });
    const etag = (await xapi(server, admin, url)).headers.get('etag') ?? '';
    const stale = await xapi(server, admin, url, {
      method: 'PUT',
      body: { v: 2 },
      headers: { 'If-Match': '"0000"' },
    });
    expect(stale.status).toBe(412);
    const fresh = await xapi(server, admin, url, {
      method: 'PUT',
      body: { v: 2 },
      headers: { 'If-Match': etag },
    });
    expect(fresh.status).toBe(204);
    const create = await xapi(server, admin, url, {
      method: 'PUT',
      body: { v: 3 },
      headers: { 'If-None-Match': '*' },
    });
    expect(create.status).toBe(412);
    expect((await xapi(server, admin, url)).json).toEqual({ v: 2 });
  });

  it.each<[string, string, string, number, string]>([
    ['a missing activityId', 'GET', `/xapi/activities/state?agent=${q(agent)}`, 400, 'activityId'],
    ['a missing agent', 'GET', `/xapi/activities/state?activityId=${q(activity)}`, 400, 'agent'],
    [
      'a Group as agent',
      'GET',
      `/xapi/activities/state?activityId=${q(activity)}&agent=${q({ objectType: 'Group', mbox: 'mailto:g@x.org' })}`,
      400,
      'objectType must be "Agent"',
    ],
    [
      'a bad activityId',
      'GET',
      `/xapi/activities/state?activityId=nope&agent=${q(agent)}`,
      400,
      'IRI',
    ],
    ['a bad registration', 'GET', `${base}&registration=1`, 400, 'UUID'],
    ['PUT without stateId', 'PUT', base, 400, 'stateId'],
    [
      'since with stateId',
      'GET',
      `${base}&stateId=x&since=${q(new Date().toISOString())}`,
      400,
      'since',
    ],
    ['an unknown parameter', 'GET', `${base}&profileId=x`, 400, 'unknown query parameter'],
  ])('rejects %s', async (_name, method, url, status, text) => {
    const res = await xapi(
      server,
      admin,
      url,
      method === 'PUT' ? { method, body: { a: 1 } } : { method },
    );
    expect(res.status).toBe(status);
    expect((res.json as { message: string }).message).toContain(text);
  });
});
