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

describe.each(storeKinds())('cross-cutting requirements on $name', (kind) => {
  let server: TestServer;
  let admin: TestCredential;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const opened = await kind.open();
    cleanup = () => opened.cleanup();
    server = await startServer(opened.store, { bodyLimit: 4096 });
    admin = await createCredential(opened.store, ['all']);
  });

  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  it('answers HEAD on every GET resource like GET, without a body', async () => {
    const s = statement();
    expect((await xapi(server, admin, '/xapi/statements', { body: s })).status).toBe(200);
    const agent = { mbox: `mailto:${randomUUID()}@example.org` };
    const activity = `https://peacekeeping.example.org/modules/${randomUUID()}`;
    const urls = [
      '/xapi/about',
      `/xapi/statements?statementId=${s.id}`,
      `/xapi/statements?limit=1`,
      `/xapi/activities/state?activityId=${q(activity)}&agent=${q(agent)}`,
      `/xapi/activities/profile?activityId=${q(activity)}`,
      `/xapi/agents/profile?agent=${q(agent)}`,
      `/xapi/activities?activityId=${q(activity)}`,
      `/xapi/agents?agent=${q(agent)}`,
    ];
    for (const url of urls) {
      const get = await xapi(server, admin, url);
      const head = await xapi(server, admin, url, { method: 'HEAD' });
      expect(head.status, url).toBe(get.status);
      expect(get.text.length, url).toBeGreaterThan(0);
      expect(head.text, url).toBe('');
      expect(head.headers.get('content-type'), url).toBe(get.headers.get('content-type'));
      expect(head.headers.get('x-experience-api-version'), url).toBe('1.0.3');
    }
    const missing = await xapi(server, admin, `/xapi/statements?statementId=${randomUUID()}`, {
      method: 'HEAD',
    });
    expect(missing.status).toBe(404);
  });

  it('sends X-Experience-API-Version on every response, errors and 404s included', async () => {
    const cases: [string, Promise<{ status: number; headers: Headers }>][] = [
      ['200', xapi(server, null, '/xapi/about')],
      ['404 route', xapi(server, admin, '/xapi/nothing-here')],
      ['404 statement', xapi(server, admin, `/xapi/statements?statementId=${randomUUID()}`)],
      ['401', xapi(server, null, '/xapi/statements')],
      [
        '400 version',
        xapi(server, admin, '/xapi/statements', {
          headers: { 'X-Experience-API-Version': '0.95' },
        }),
      ],
      ['400 parameter', xapi(server, admin, '/xapi/statements?nope=1')],
      [
        '413',
        xapi(server, admin, '/xapi/statements', {
          raw: JSON.stringify(Array.from({ length: 40 }, () => statement())),
          headers: { 'Content-Type': 'application/json' },
        }),
      ],
      [
        '403',
        createCredential(server.store, ['state']).then((c) => xapi(server, c, '/xapi/statements')),
      ],
    ];
    for (const [name, pending] of cases) {
      const res = await pending;
      expect(res.status, name).toBe(Number(name.slice(0, 3)));
      expect(res.headers.get('x-experience-api-version'), name).toBe('1.0.3');
    }
  });

  it('sends X-Experience-API-Consistent-Through on statement GETs', async () => {
    const before = Date.now();
    const res = await xapi(server, admin, '/xapi/statements?limit=1');
    const through = Date.parse(res.headers.get('x-experience-api-consistent-through') ?? '');
    expect(through).toBeGreaterThanOrEqual(before - 1000);
    expect(through).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('sends errors as JSON, plain text or HTML by content negotiation', async () => {
    const bad = '/xapi/statements?verb=not-an-iri';
    const asked = async (accept: string | undefined) => {
      const res = await xapi(server, admin, bad, { headers: { Accept: accept } });
      expect(res.status).toBe(400);
      expect(res.headers.get('vary')).toContain('Accept');
      return { type: res.headers.get('content-type') ?? '', text: res.text };
    };
    const json = await asked(undefined);
    expect(json.type).toMatch(/^application\/json/);
    expect(JSON.parse(json.text)).toEqual({
      error: 'Bad Request',
      message: 'query parameter "verb" must be an absolute IRI',
    });
    const text = await asked('text/plain');
    expect(text.type).toMatch(/^text\/plain/);
    expect(text.text).toBe('Bad Request: query parameter "verb" must be an absolute IRI\n');
    const html = await asked('text/html,application/xhtml+xml;q=0.9,*/*;q=0.8');
    expect(html.type).toMatch(/^text\/html/);
    expect(html.text).toContain('<p>query parameter &quot;verb&quot; must be an absolute IRI</p>');
    expect((await asked('text/html;q=0.5, application/json')).type).toMatch(/^application\/json/);
    expect((await asked('text/*;q=0.9, application/json;q=0.1')).type).toMatch(/^text\/plain/);
    expect((await asked('image/png')).type).toMatch(/^application\/json/);
    // 401 and 404 too.
    const unauthorised = await xapi(server, null, '/xapi/statements', {
      headers: { Accept: 'text/plain' },
    });
    expect(unauthorised.status).toBe(401);
    expect(unauthorised.text).toMatch(/^Unauthorized: /);
    const missing = await xapi(server, admin, '/xapi/nothing-here', {
      headers: { Accept: 'text/html' },
    });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
  });

  describe('alternate request syntax', () => {
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const alternate = (path: string, method: string, fields: Record<string, string>) =>
      fetch(`${server.url}${path}?method=${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form(fields),
      });

    it('PUTs, GETs and queries statements with headers and parameters in the form', async () => {
      const s = statement();
      const put = await alternate('/xapi/statements', 'PUT', {
        statementId: s.id,
        content: JSON.stringify(s),
        'Content-Type': 'application/json',
        Authorization: admin.authorization,
        'X-Experience-API-Version': '1.0.3',
      });
      expect(put.status).toBe(204);
      expect(put.headers.get('x-experience-api-version')).toBe('1.0.3');
      const get = await alternate('/xapi/statements', 'GET', {
        statementId: s.id,
        Authorization: admin.authorization,
        'X-Experience-API-Version': '1.0.3',
      });
      expect(get.status).toBe(200);
      expect(((await get.json()) as { id: string }).id).toBe(s.id);
      const query = await alternate('/xapi/statements', 'GET', {
        agent: JSON.stringify(s.actor),
        Authorization: admin.authorization,
        'X-Experience-API-Version': '1.0.3',
      });
      const page = (await query.json()) as { statements: { id: string }[] };
      expect(page.statements.map((x) => x.id)).toEqual([s.id]);
    });

    it('carries If-Match for a profile document and still refuses what it should', async () => {
      const activityId = `https://peacekeeping.example.org/modules/${randomUUID()}`;
      const common = {
        activityId,
        profileId: 'p',
        Authorization: admin.authorization,
        'X-Experience-API-Version': '1.0.3',
      };
      const create = await alternate('/xapi/activities/profile', 'PUT', {
        ...common,
        content: '{"v":1}',
        'Content-Type': 'application/json',
        'If-None-Match': '*',
      });
      expect(create.status).toBe(204);
      const get = await alternate('/xapi/activities/profile', 'GET', common);
      const etag = get.headers.get('etag') ?? '';
      const stale = await alternate('/xapi/activities/profile', 'PUT', {
        ...common,
        content: '{"v":2}',
        'Content-Type': 'application/json',
        'If-Match': '"0000000000000000000000000000000000000000"',
      });
      expect(stale.status).toBe(412);
      const fresh = await alternate('/xapi/activities/profile', 'PUT', {
        ...common,
        content: '{"v":2}',
        'Content-Type': 'application/json',
        'If-Match': etag,
      });
      expect(fresh.status).toBe(204);
      const del = await alternate('/xapi/activities/profile', 'DELETE', common);
      expect(del.status).toBe(204);
      const activity = await alternate('/xapi/activities', 'GET', {
        activityId,
        Authorization: admin.authorization,
        'X-Experience-API-Version': '1.0.3',
      });
      expect(await activity.json()).toEqual({ objectType: 'Activity', id: activityId });

      const noAuth = await alternate('/xapi/activities/profile', 'GET', {
        activityId,
        'X-Experience-API-Version': '1.0.3',
      });
      expect(noAuth.status).toBe(401);
    });

    it('rejects other query parameters, unknown methods and other content types', async () => {
      const extra = await fetch(`${server.url}/xapi/statements?method=GET&limit=1`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form({ Authorization: admin.authorization, 'X-Experience-API-Version': '1.0.3' }),
      });
      expect(extra.status).toBe(400);
      expect(((await extra.json()) as { message: string }).message).toContain(
        'send "limit" as a form field',
      );
      expect(extra.headers.get('x-experience-api-version')).toBe('1.0.3');
      const patch = await alternate('/xapi/statements', 'PATCH', {
        Authorization: admin.authorization,
      });
      expect(patch.status).toBe(400);
      const json = await fetch(`${server.url}/xapi/statements?method=GET`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: admin.authorization },
        body: '{}',
      });
      expect(json.status).toBe(400);
      // A plain GET with method= is no alternate request: method is an unknown parameter.
      expect((await xapi(server, admin, '/xapi/statements?method=GET')).status).toBe(400);
    });
  });

  it('rejects a statement POST whose Content-Type is missing or not JSON', async () => {
    const missing = await xapi(server, admin, '/xapi/statements', {
      method: 'POST',
      raw: Buffer.from(JSON.stringify(statement())),
    });
    expect(missing.status).toBe(400);
    expect((missing.json as { message: string }).message).toContain('Content-Type');
    const text = await xapi(server, admin, '/xapi/statements', {
      method: 'POST',
      raw: JSON.stringify(statement()),
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(text.status).toBe(400);
  });
});
