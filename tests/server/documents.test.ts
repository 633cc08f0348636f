import { createHash } from 'node:crypto';
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

const sha1 = (data: string | Buffer) => createHash('sha1').update(data).digest('hex');

interface Resource {
  name: string;
  /** A fresh subject's base URL (activityId or agent parameter set). */
  base(): string;
}

const resources: Resource[] = [
  {
    name: 'activity profile',
    base: () =>
      `/xapi/activities/profile?activityId=${q(`https://peacekeeping.example.org/modules/${randomUUID()}`)}`,
  },
  {
    name: 'agent profile',
    base: () => `/xapi/agents/profile?agent=${q({ mbox: `mailto:${randomUUID()}@example.org` })}`,
  },
];

describe.each(storeKinds())('document resources on $name', (kind) => {
  let server: TestServer;
  let admin: TestCredential;
  let reader: TestCredential;
  let profileOnly: TestCredential;
  let stateOnly: TestCredential;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const opened = await kind.open();
    cleanup = () => opened.cleanup();
    server = await startServer(opened.store);
    admin = await createCredential(opened.store, ['all']);
    reader = await createCredential(opened.store, ['all/read']);
    profileOnly = await createCredential(opened.store, ['profile']);
    stateOnly = await createCredential(opened.store, ['state']);
  });

  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  describe.each(resources)('$name', (resource) => {
    it('PUTs, GETs (with ETag and Last-Modified), HEADs and DELETEs one JSON document', async () => {
      const url = `${resource.base()}&profileId=settings`;
      const put = await xapi(server, profileOnly, url, {
        method: 'PUT',
        body: { lang: 'fr' },
        headers: { 'If-None-Match': '*' },
      });
      expect(put.status).toBe(204);
      expect(put.headers.get('x-experience-api-version')).toBe('1.0.3');
      const get = await xapi(server, profileOnly, url);
      expect(get.status).toBe(200);
      expect(get.json).toEqual({ lang: 'fr' });
      expect(get.headers.get('content-type')).toContain('application/json');
      expect(get.headers.get('etag')).toBe(`"${sha1(get.text)}"`);
      const modified = Date.parse(get.headers.get('last-modified') ?? '');
      expect(Math.abs(Date.now() - modified)).toBeLessThan(60_000);

      const head = await xapi(server, reader, url, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.text).toBe('');
      expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
      expect(head.headers.get('last-modified')).toBe(get.headers.get('last-modified'));

      const del = await xapi(server, admin, url, {
        method: 'DELETE',
        headers: { 'If-Match': get.headers.get('etag') ?? '' },
      });
      expect(del.status).toBe(204);
      expect((await xapi(server, admin, url)).status).toBe(404);
      expect((await xapi(server, admin, url, { method: 'HEAD' })).status).toBe(404);
    });

    it('stores binary and non-JSON documents as they came, with their content type', async () => {
      const url = `${resource.base()}&profileId=avatar`;
      const bytes = Buffer.from([0, 255, 1, 254, 0x89, 0x50, 0x4e, 0x47]);
      const put = await xapi(server, admin, url, {
        method: 'PUT',
        raw: bytes,
        headers: { 'Content-Type': 'image/png', 'If-None-Match': '*' },
      });
      expect(put.status).toBe(204);
      const res = await fetch(`${server.url}${url}`, {
        headers: { 'X-Experience-API-Version': '1.0.3', Authorization: admin.authorization },
      });
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
      expect(res.headers.get('etag')).toBe(`"${sha1(bytes)}"`);

      const textUrl = `${resource.base()}&profileId=note`;
      await xapi(server, admin, textUrl, {
        method: 'PUT',
        raw: 'plain words',
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      });
      const text = await xapi(server, admin, textUrl);
      expect(text.text).toBe('plain words');
      expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    });

    it('merges JSON objects on POST, creates on POST, and refuses bad merges with 400', async () => {
      const url = `${resource.base()}&profileId=prefs`;
      expect(
        (await xapi(server, admin, url, { method: 'POST', body: { x: 'foo', y: 'bar' } })).status,
      ).toBe(204);
      expect(
        (await xapi(server, admin, url, { method: 'POST', body: { x: 'bash', z: 'faz' } })).status,
      ).toBe(204);
      expect((await xapi(server, admin, url)).json).toEqual({ x: 'bash', y: 'bar', z: 'faz' });

      const array = await xapi(server, admin, url, { method: 'POST', body: [1] });
      expect(array.status).toBe(400);
      expect((array.json as { message: string }).message).toContain('JSON objects only');
      const text = await xapi(server, admin, url, {
        method: 'POST',
        raw: 'x',
        headers: { 'Content-Type': 'text/plain' },
      });
      expect(text.status).toBe(400);
      const broken = await xapi(server, admin, url, {
        method: 'POST',
        raw: '{"a":',
        headers: { 'Content-Type': 'application/json' },
      });
      expect(broken.status).toBe(400);
      expect((await xapi(server, admin, url)).json).toEqual({ x: 'bash', y: 'bar', z: 'faz' });

      const binaryUrl = `${resource.base()}&profileId=blob`;
      await xapi(server, admin, binaryUrl, {
        method: 'PUT',
        raw: 'abc',
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      const ontoBinary = await xapi(server, admin, binaryUrl, { method: 'POST', body: { a: 1 } });
      expect(ontoBinary.status).toBe(400);
      expect((await xapi(server, admin, binaryUrl)).text).toBe('abc');
    });

    it('enforces concurrency: 409 without a header, 412 on a stale or missing ETag', async () => {
      const url = `${resource.base()}&profileId=guarded`;
      expect((await xapi(server, admin, url, { method: 'PUT', body: { v: 1 } })).status).toBe(204);
      const etag = (await xapi(server, admin, url)).headers.get('etag') ?? '';

      const blind = await xapi(server, admin, url, { method: 'PUT', body: { v: 2 } });
      expect(blind.status).toBe(409);
      expect((blind.json as { message: string }).message).toContain('If-Match');
      const stale = await xapi(server, admin, url, {
        method: 'PUT',
        body: { v: 2 },
        headers: { 'If-Match': '"0000000000000000000000000000000000000000"' },
      });
      expect(stale.status).toBe(412);
      const exists = await xapi(server, admin, url, {
        method: 'PUT',
        body: { v: 2 },
        headers: { 'If-None-Match': '*' },
      });
      expect(exists.status).toBe(412);
      const stalePost = await xapi(server, admin, url, {
        method: 'POST',
        body: { w: 1 },
        headers: { 'If-Match': '"1111111111111111111111111111111111111111"' },
      });
      expect(stalePost.status).toBe(412);
      const staleDelete = await xapi(server, admin, url, {
        method: 'DELETE',
        headers: { 'If-Match': '"2222222222222222222222222222222222222222"' },
      });
      expect(staleDelete.status).toBe(412);
      expect((await xapi(server, admin, url)).json).toEqual({ v: 1 });

      const fresh = await xapi(server, admin, url, {
        method: 'PUT',
        body: { v: 3 },
        headers: { 'If-Match': etag },
      });
      expect(fresh.status).toBe(204);
      // The ETag changed with the content, so the old one is now stale.
      const again = await xapi(server, admin, url, {
        method: 'PUT',
        body: { v: 4 },
        headers: { 'If-Match': etag },
      });
      expect(again.status).toBe(412);
      expect((await xapi(server, admin, url)).json).toEqual({ v: 3 });

      const missing = await xapi(server, admin, `${resource.base()}&profileId=none`, {
        method: 'PUT',
        body: { v: 1 },
        headers: { 'If-Match': etag },
      });
      expect(missing.status).toBe(412);
    });

    it('lists profileIds with since, with an ETag and Last-Modified', async () => {
      const base = resource.base();
      await xapi(server, admin, `${base}&profileId=one`, { method: 'PUT', body: { n: 1 } });
      await new Promise((r) => setTimeout(r, 30));
      const between = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 30));
      await xapi(server, admin, `${base}&profileId=two`, { method: 'PUT', body: { n: 2 } });
      const all = await xapi(server, reader, base);
      expect(all.status).toBe(200);
      expect(all.json).toEqual(['one', 'two']);
      expect(all.headers.get('etag')).toBe(`"${sha1(all.text)}"`);
      const two = await xapi(server, admin, `${base}&profileId=two`);
      expect(all.headers.get('last-modified')).toBe(two.headers.get('last-modified'));
      expect((await xapi(server, admin, `${base}&since=${q(between)}`)).json).toEqual(['two']);
      expect((await xapi(server, admin, resource.base())).json).toEqual([]);
    });

    it.each<[string, string, string, Record<string, string>, number, string]>([
      [
        'a missing profileId on PUT',
        'PUT',
        '',
        { 'Content-Type': 'application/json' },
        400,
        'profileId',
      ],
      ['a missing Content-Type', 'PUT', '&profileId=a', {}, 400, 'Content-Type'],
      [
        'an unusable Content-Type',
        'PUT',
        '&profileId=a',
        { 'Content-Type': 'json' },
        400,
        'Content-Type',
      ],
      [
        'since with profileId',
        'GET',
        `&profileId=a&since=${q(new Date().toISOString())}`,
        {},
        400,
        'since',
      ],
      ['an unknown parameter', 'GET', '&stateId=a', {}, 400, 'unknown query parameter'],
    ])('rejects %s', async (_name, method, suffix, headers, status, text) => {
      const res = await xapi(server, admin, `${resource.base()}${suffix}`, {
        method,
        // A Buffer body, unlike a string, makes fetch send no Content-Type of its own.
        ...(method === 'PUT' ? { raw: Buffer.from('{"a":1}') } : {}),
        headers,
      });
      expect(res.status).toBe(status);
      expect((res.json as { message: string }).message).toContain(text);
      expect(res.headers.get('x-experience-api-version')).toBe('1.0.3');
    });

    it('refuses credentials without the profile scope and read-only ones on writes', async () => {
      const url = `${resource.base()}&profileId=scoped`;
      const state = await xapi(server, stateOnly, url);
      expect(state.status).toBe(403);
      expect((state.json as { message: string }).message).toContain('profile scope');
      const write = await xapi(server, reader, url, { method: 'PUT', body: { a: 1 } });
      expect(write.status).toBe(403);
      expect((await xapi(server, admin, url)).status).toBe(404);
    });
  });

  it('requires an Agent (not a Group) and a valid activityId', async () => {
    const group = await xapi(
      server,
      admin,
      `/xapi/agents/profile?agent=${q({ objectType: 'Group', mbox: 'mailto:g@example.org' })}`,
    );
    expect(group.status).toBe(400);
    const badIri = await xapi(server, admin, '/xapi/activities/profile?activityId=nope');
    expect(badIri.status).toBe(400);
    expect((badIri.json as { message: string }).message).toContain('IRI');
  });

  it('confines a learner credential to its own agent profile', async () => {
    const me = { account: { homePage: 'https://peacekeeping.example.org', name: randomUUID() } };
    const other = { mbox: `mailto:${randomUUID()}@example.org` };
    const learner = await createCredential(server.store, ['profile'], me);
    const mine = `/xapi/agents/profile?agent=${q(me)}&profileId=p`;
    expect((await xapi(server, learner, mine, { method: 'PUT', body: { a: 1 } })).status).toBe(204);
    expect((await xapi(server, learner, mine)).json).toEqual({ a: 1 });
    const theirs = `/xapi/agents/profile?agent=${q(other)}&profileId=p`;
    await xapi(server, admin, theirs, { method: 'PUT', body: { secret: true } });
    for (const method of ['GET', 'PUT', 'POST', 'DELETE']) {
      const res = await xapi(server, learner, theirs, {
        method,
        ...(method === 'PUT' || method === 'POST' ? { body: { b: 2 } } : {}),
        headers: { 'If-None-Match': undefined },
      });
      expect(res.status, method).toBe(403);
    }
    expect((await xapi(server, admin, theirs)).json).toEqual({ secret: true });

    // Activity profiles are shared by all learners: readable, not writable, by one of them.
    const activity = `/xapi/activities/profile?activityId=${q(`https://peacekeeping.example.org/modules/${randomUUID()}`)}&profileId=p`;
    await xapi(server, admin, activity, { method: 'PUT', body: { course: 1 } });
    expect((await xapi(server, learner, activity)).json).toEqual({ course: 1 });
    const write = await xapi(server, learner, activity, { method: 'POST', body: { course: 2 } });
    expect(write.status).toBe(403);
    expect((await xapi(server, admin, activity)).json).toEqual({ course: 1 });
  });

  it('keeps State PUT without concurrency headers (3.1.s3), with HEAD, list ETags and If-None-Match ETags', async () => {
    const agent = { mbox: `mailto:${randomUUID()}@example.org` };
    const url = `/xapi/activities/state?activityId=${q(`https://peacekeeping.example.org/modules/${randomUUID()}`)}&agent=${q(agent)}&stateId=s`;
    expect((await xapi(server, admin, url, { method: 'PUT', body: { a: 1 } })).status).toBe(204);
    expect((await xapi(server, admin, url, { method: 'PUT', body: { a: 2 } })).status).toBe(204);
    const get = await xapi(server, admin, url);
    expect(get.headers.get('etag')).toBe(`"${sha1(get.text)}"`);
    expect(get.headers.get('last-modified')).not.toBeNull();
    const head = await xapi(server, admin, url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
    const list = await xapi(server, admin, url.replace('&stateId=s', ''));
    expect(list.json).toEqual(['s']);
    expect(list.headers.get('etag')).toBe(`"${sha1(list.text)}"`);
    expect(list.headers.get('last-modified')).toBe(get.headers.get('last-modified'));
    const staleEtag = await xapi(server, admin, url, {
      method: 'PUT',
      body: { a: 3 },
      headers: { 'If-None-Match': get.headers.get('etag') ?? '' },
    });
    expect(staleEtag.status).toBe(412);
  });
});
