import { expect, it } from 'vitest';
import { describeEachStore, make, q, sleep, type LrsRequest } from './helpers.ts';

describeEachStore('state resource', (lrs) => {
  const activity = make.activity();
  const agent = make.agent();
  const registration = make.uuid();
  const base = `/xapi/activities/state?activityId=${q(activity)}&agent=${q(agent)}`;

  const write = (method: 'PUT' | 'POST', url: string, body: unknown, req: LrsRequest = {}) =>
    lrs.status(url, { method, body, ...req });
  const json = async (url: string) => (await lrs.request(url)).json;

  it('PUTs, GETs and DELETEs one document, keeping its content type', async () => {
    const url = `${base}&stateId=bookmark`;
    const text = { 'Content-Type': 'text/plain' };
    expect(await lrs.status(url, { method: 'PUT', raw: 'page-7', headers: text })).toBe(204);
    const get = await lrs.request(url);
    expect(get.status).toBe(200);
    expect(get.text).toBe('page-7');
    expect(get.headers.get('content-type')).toContain('text/plain');
    expect(get.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);
    expect(await lrs.status(url, { method: 'DELETE' })).toBe(204);
    expect(await lrs.status(url)).toBe(404);
  });

  it('merges JSON objects on POST and refuses to merge non-JSON', async () => {
    const url = `${base}&stateId=progress&registration=${registration}`;
    expect(await write('POST', url, { a: 1, b: { x: 1 } })).toBe(204);
    expect(await write('POST', url, { b: { y: 2 }, c: 3 })).toBe(204);
    const merged = { a: 1, b: { y: 2 }, c: 3 };
    expect(await json(url)).toEqual(merged);
    // The same stateId without the registration is a different document.
    expect(await lrs.status(`${base}&stateId=progress`)).toBe(404);

    expect(await write('POST', url, [1, 2])).toBe(400);
    const text = await lrs.request(url, {
      method: 'POST',
      raw: 'x',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(text.status).toBe(400);
    expect(text.message).toContain('application/json');
    const broken = { raw: '{"a":', headers: { 'Content-Type': 'application/json' } };
    expect(await lrs.status(url, { method: 'POST', ...broken })).toBe(400);
    expect(await json(url)).toEqual(merged);
  });

  it('lists stateIds, filtered by since, and deletes them all', async () => {
    const other = `/xapi/activities/state?activityId=${q(activity)}&agent=${q(make.agent())}`;
    expect(await write('PUT', `${other}&stateId=keep`, { k: 1 })).toBe(204);
    expect(await write('PUT', `${base}&stateId=one`, { n: 1 })).toBe(204);
    await sleep(30);
    const between = new Date().toISOString();
    await sleep(30);
    expect(await write('PUT', `${base}&stateId=two`, { n: 2 })).toBe(204);
    expect(await json(base)).toEqual(['one', 'two']);
    expect(await json(`${base}&since=${q(between)}`)).toEqual(['two']);
    expect(await lrs.status(base, { method: 'DELETE' })).toBe(204);
    expect(await json(base)).toEqual([]);
    expect(await json(other)).toEqual(['keep']);
  });

  it('honours If-Match and If-None-Match', async () => {
    const url = `${base}&stateId=guarded`;
    expect(await write('PUT', url, { v: 1 })).toBe(204);
    const etag = (await lrs.request(url)).headers.get('etag') ?? '';
    expect(await write('PUT', url, { v: 2 }, { headers: { 'If-Match': '"0000"' } })).toBe(412);
    expect(await write('PUT', url, { v: 2 }, { headers: { 'If-Match': etag } })).toBe(204);
    expect(await write('PUT', url, { v: 3 }, { headers: { 'If-None-Match': '*' } })).toBe(412);
    expect(await json(url)).toEqual({ v: 2 });
  });

  it.each<[string, string, string, string]>([
    ['a missing activityId', 'GET', `/xapi/activities/state?agent=${q(agent)}`, 'activityId'],
    ['a missing agent', 'GET', `/xapi/activities/state?activityId=${q(activity)}`, 'agent'],
    [
      'a Group as agent',
      'GET',
      `/xapi/activities/state?activityId=${q(activity)}&agent=${q({ objectType: 'Group', mbox: 'mailto:g@x.org' })}`,
      'objectType must be "Agent"',
    ],
    ['a bad activityId', 'GET', `/xapi/activities/state?activityId=nope&agent=${q(agent)}`, 'IRI'],
    ['a bad registration', 'GET', `${base}&registration=1`, 'UUID'],
    ['PUT without stateId', 'PUT', base, 'stateId'],
    [
      'since with stateId',
      'GET',
      `${base}&stateId=x&since=${q(new Date().toISOString())}`,
      'since',
    ],
    ['an unknown parameter', 'GET', `${base}&profileId=x`, 'unknown query parameter'],
  ])('rejects %s with 400', async (_name, method, url, text) => {
    const res = await lrs.request(url, method === 'PUT' ? { method, body: { a: 1 } } : { method });
    expect(res.status).toBe(400);
    expect(res.message).toContain(text);
  });
});
