import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  describeEachStore,
  make,
  q,
  sleep,
  type LrsRequest,
  type TestCredential,
} from './helpers.ts';

const sha1 = (data: string | Buffer) => createHash('sha1').update(data).digest('hex');
const etagOf = (data: string | Buffer) => `"${sha1(data)}"`;

interface Resource {
  name: string;
  /** A fresh subject's base URL (activityId or agent parameter set). */
  base(): string;
}

const resources: Resource[] = [
  {
    name: 'activity profile',
    base: () => `/xapi/activities/profile?activityId=${q(make.activity())}`,
  },
  {
    name: 'agent profile',
    base: () => `/xapi/agents/profile?agent=${q(make.agent())}`,
  },
];

describeEachStore('document resources', (lrs) => {
  let reader: TestCredential;
  let profileOnly: TestCredential;
  let stateOnly: TestCredential;

  beforeAll(async () => {
    reader = await lrs.credential(['all/read']);
    profileOnly = await lrs.credential(['profile']);
    stateOnly = await lrs.credential(['state']);
  });

  const put = (url: string, body: unknown, req: LrsRequest = {}) =>
    lrs.status(url, { method: 'PUT', body, ...req });
  // A profile document PUT says it creates (Communication 3.1: without a header it is a 409).
  const create = (url: string, body: unknown, req: LrsRequest = {}) =>
    put(url, body, { headers: { 'If-None-Match': '*' }, ...req });
  const post = (url: string, body: unknown, req: LrsRequest = {}) =>
    lrs.status(url, { method: 'POST', body, ...req });
  const json = async (url: string, req: LrsRequest = {}) => (await lrs.request(url, req)).json;

  describe.each(resources)('$name', (resource) => {
    it('PUTs, GETs (with ETag and Last-Modified), HEADs and DELETEs one JSON document', async () => {
      const url = `${resource.base()}&profileId=settings`;
      const created = await lrs.request(url, {
        method: 'PUT',
        body: { lang: 'fr' },
        headers: { 'If-None-Match': '*' },
        as: profileOnly,
      });
      expect(created.status).toBe(204);
      expect(created.headers.get('x-experience-api-version')).toBe('1.0.3');
      const get = await lrs.request(url, { as: profileOnly });
      expect(get.status).toBe(200);
      expect(get.json).toEqual({ lang: 'fr' });
      expect(get.headers.get('content-type')).toContain('application/json');
      expect(get.headers.get('etag')).toBe(etagOf(get.text));
      const modified = Date.parse(get.headers.get('last-modified') ?? '');
      expect(Math.abs(Date.now() - modified)).toBeLessThan(60_000);

      const head = await lrs.request(url, { method: 'HEAD', as: reader });
      expect(head.status).toBe(200);
      expect(head.text).toBe('');
      expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
      expect(head.headers.get('last-modified')).toBe(get.headers.get('last-modified'));

      const ifMatch = { 'If-Match': get.headers.get('etag') ?? '' };
      expect(await lrs.status(url, { method: 'DELETE', headers: ifMatch })).toBe(204);
      expect(await lrs.status(url)).toBe(404);
      expect(await lrs.status(url, { method: 'HEAD' })).toBe(404);
    });

    it('stores binary and non-JSON documents as they came, with their content type', async () => {
      const url = `${resource.base()}&profileId=avatar`;
      const bytes = Buffer.from([0, 255, 1, 254, 0x89, 0x50, 0x4e, 0x47]);
      const png = { 'Content-Type': 'image/png', 'If-None-Match': '*' };
      expect(await lrs.status(url, { method: 'PUT', raw: bytes, headers: png })).toBe(204);
      // Read as bytes: the answer is not text.
      const res = await fetch(`${lrs.server.url}${url}`, {
        headers: { 'X-Experience-API-Version': '1.0.3', Authorization: lrs.admin.authorization },
      });
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
      expect(res.headers.get('etag')).toBe(etagOf(bytes));

      const textUrl = `${resource.base()}&profileId=note`;
      const plain = { 'Content-Type': 'text/plain; charset=utf-8', 'If-None-Match': '*' };
      expect(await lrs.status(textUrl, { method: 'PUT', raw: 'plain words', headers: plain })).toBe(
        204,
      );
      const text = await lrs.request(textUrl);
      expect(text.text).toBe('plain words');
      expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    });

    it('merges JSON objects on POST, creates on POST, and refuses bad merges with 400', async () => {
      const url = `${resource.base()}&profileId=prefs`;
      expect(await post(url, { x: 'foo', y: 'bar' })).toBe(204);
      expect(await post(url, { x: 'bash', z: 'faz' })).toBe(204);
      const merged = { x: 'bash', y: 'bar', z: 'faz' };
      expect(await json(url)).toEqual(merged);

      const array = await lrs.request(url, { method: 'POST', body: [1] });
      expect(array.status).toBe(400);
      expect(array.message).toContain('JSON objects only');
      for (const [raw, type] of [
        ['x', 'text/plain'],
        ['{"a":', 'application/json'],
      ] as const) {
        const res = await lrs.request(url, {
          method: 'POST',
          raw,
          headers: { 'Content-Type': type },
        });
        expect(res.status, raw).toBe(400);
      }
      expect(await json(url)).toEqual(merged);

      const binaryUrl = `${resource.base()}&profileId=blob`;
      const octets = { 'Content-Type': 'application/octet-stream', 'If-None-Match': '*' };
      expect(await lrs.status(binaryUrl, { method: 'PUT', raw: 'abc', headers: octets })).toBe(204);
      expect(await post(binaryUrl, { a: 1 })).toBe(400);
      expect((await lrs.request(binaryUrl)).text).toBe('abc');
    });

    it('enforces concurrency: 409 without a header, 412 on a stale or missing ETag', async () => {
      const url = `${resource.base()}&profileId=guarded`;
      expect(await create(url, { v: 1 })).toBe(204);
      const etag = (await lrs.request(url)).headers.get('etag') ?? '';
      const ifMatch = (tag: string) => ({ headers: { 'If-Match': tag } });
      const zeros = ifMatch('"0000000000000000000000000000000000000000"');

      const blind = await lrs.request(url, { method: 'PUT', body: { v: 2 } });
      expect(blind.status).toBe(409);
      expect(blind.message).toContain('If-Match');
      expect(await put(url, { v: 2 }, zeros)).toBe(412);
      expect(await put(url, { v: 2 }, { headers: { 'If-None-Match': '*' } })).toBe(412);
      expect(await post(url, { w: 1 }, zeros)).toBe(412);
      expect(await lrs.status(url, { method: 'DELETE', ...zeros })).toBe(412);
      expect(await json(url)).toEqual({ v: 1 });

      expect(await put(url, { v: 3 }, ifMatch(etag))).toBe(204);
      // The ETag changed with the content, so the old one is now stale.
      expect(await put(url, { v: 4 }, ifMatch(etag))).toBe(412);
      expect(await json(url)).toEqual({ v: 3 });
      expect(await put(`${resource.base()}&profileId=none`, { v: 1 }, ifMatch(etag))).toBe(412);
    });

    it('lists profileIds with since, with an ETag and Last-Modified', async () => {
      const base = resource.base();
      expect(await create(`${base}&profileId=one`, { n: 1 })).toBe(204);
      await sleep(30);
      const between = new Date().toISOString();
      await sleep(30);
      expect(await create(`${base}&profileId=two`, { n: 2 })).toBe(204);
      const all = await lrs.request(base, { as: reader });
      expect(all.status).toBe(200);
      expect(all.json).toEqual(['one', 'two']);
      expect(all.headers.get('etag')).toBe(etagOf(all.text));
      const two = await lrs.request(`${base}&profileId=two`);
      expect(all.headers.get('last-modified')).toBe(two.headers.get('last-modified'));
      expect(await json(`${base}&since=${q(between)}`)).toEqual(['two']);
      expect(await json(resource.base())).toEqual([]);
    });

    it.each<[string, string, string, Record<string, string>, string]>([
      [
        'a missing profileId on PUT',
        'PUT',
        '',
        { 'Content-Type': 'application/json' },
        'profileId',
      ],
      ['a missing Content-Type', 'PUT', '&profileId=a', {}, 'Content-Type'],
      [
        'an unusable Content-Type',
        'PUT',
        '&profileId=a',
        { 'Content-Type': 'json' },
        'Content-Type',
      ],
      [
        'since with profileId',
        'GET',
        `&profileId=a&since=${q(new Date().toISOString())}`,
        {},
        'since',
      ],
      ['an unknown parameter', 'GET', '&stateId=a', {}, 'unknown query parameter'],
    ])('rejects %s with 400', async (_name, method, suffix, headers, text) => {
      const res = await lrs.request(`${resource.base()}${suffix}`, {
        method,
        // A Buffer body, unlike a string, makes fetch send no Content-Type of its own.
        ...(method === 'PUT' ? { raw: Buffer.from('{"a":1}') } : {}),
        headers,
      });
      expect(res.status).toBe(400);
      expect(res.message).toContain(text);
      expect(res.headers.get('x-experience-api-version')).toBe('1.0.3');
    });

    it('refuses credentials without the profile scope and read-only ones on writes', async () => {
      const url = `${resource.base()}&profileId=scoped`;
      const state = await lrs.request(url, { as: stateOnly });
      expect(state.status).toBe(403);
      expect(state.message).toContain('profile scope');
      expect(await put(url, { a: 1 }, { as: reader })).toBe(403);
      expect(await lrs.status(url)).toBe(404);
    });
  });

  it('requires an Agent (not a Group) and a valid activityId', async () => {
    const group = { objectType: 'Group', mbox: 'mailto:g@example.org' };
    expect(await lrs.status(`/xapi/agents/profile?agent=${q(group)}`)).toBe(400);
    const badIri = await lrs.request('/xapi/activities/profile?activityId=nope');
    expect(badIri.status).toBe(400);
    expect(badIri.message).toContain('IRI');
  });

  it('confines a learner credential to its own agent profile', async () => {
    const me = { account: { homePage: 'https://peacekeeping.example.org', name: make.uuid() } };
    const learner = await lrs.learner(['profile'], me);
    const mine = `/xapi/agents/profile?agent=${q(me)}&profileId=p`;
    expect(await create(mine, { a: 1 }, { as: learner })).toBe(204);
    expect(await json(mine, { as: learner })).toEqual({ a: 1 });
    const theirs = `/xapi/agents/profile?agent=${q(make.agent())}&profileId=p`;
    expect(await create(theirs, { secret: true })).toBe(204);
    for (const method of ['GET', 'PUT', 'POST', 'DELETE']) {
      const body = method === 'PUT' || method === 'POST' ? { body: { b: 2 } } : {};
      expect(await lrs.status(theirs, { method, ...body, as: learner }), method).toBe(403);
    }
    expect(await json(theirs)).toEqual({ secret: true });

    // Activity profiles are shared by all learners: readable, not writable, by one of them.
    const activity = `/xapi/activities/profile?activityId=${q(make.activity())}&profileId=p`;
    expect(await create(activity, { course: 1 })).toBe(204);
    expect(await json(activity, { as: learner })).toEqual({ course: 1 });
    expect(await post(activity, { course: 2 }, { as: learner })).toBe(403);
    expect(await json(activity)).toEqual({ course: 1 });
  });

  it('keeps State PUT without concurrency headers (3.1.s3), with HEAD, list ETags and If-None-Match ETags', async () => {
    const list = `/xapi/activities/state?activityId=${q(make.activity())}&agent=${q(make.agent())}`;
    const url = `${list}&stateId=s`;
    expect(await put(url, { a: 1 })).toBe(204);
    expect(await put(url, { a: 2 })).toBe(204);
    const get = await lrs.request(url);
    expect(get.headers.get('etag')).toBe(etagOf(get.text));
    expect(get.headers.get('last-modified')).not.toBeNull();
    const head = await lrs.request(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
    const ids = await lrs.request(list);
    expect(ids.json).toEqual(['s']);
    expect(ids.headers.get('etag')).toBe(etagOf(ids.text));
    expect(ids.headers.get('last-modified')).toBe(get.headers.get('last-modified'));
    const stale = { 'If-None-Match': get.headers.get('etag') ?? '' };
    expect(await put(url, { a: 3 }, { headers: stale })).toBe(412);
  });
});
