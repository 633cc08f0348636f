import { describe, expect, it } from 'vitest';
import { describeEachStore, make, q, type XapiResponse } from './helpers.ts';

describeEachStore(
  'cross-cutting requirements',
  (lrs) => {
    it('answers HEAD on every GET resource like GET, without a body', async () => {
      const [id] = await lrs.send(make.statement());
      const agent = make.agent();
      const activity = make.activity();
      const urls = [
        '/xapi/about',
        `/xapi/statements?statementId=${id ?? ''}`,
        `/xapi/statements?limit=1`,
        `/xapi/activities/state?activityId=${q(activity)}&agent=${q(agent)}`,
        `/xapi/activities/profile?activityId=${q(activity)}`,
        `/xapi/agents/profile?agent=${q(agent)}`,
        `/xapi/activities?activityId=${q(activity)}`,
        `/xapi/agents?agent=${q(agent)}`,
      ];
      for (const url of urls) {
        const get = await lrs.request(url);
        const head = await lrs.request(url, { method: 'HEAD' });
        expect(head.status, url).toBe(get.status);
        expect(get.text.length, url).toBeGreaterThan(0);
        expect(head.text, url).toBe('');
        expect(head.headers.get('content-type'), url).toBe(get.headers.get('content-type'));
        expect(head.headers.get('x-experience-api-version'), url).toBe('1.0.3');
      }
      const missing = `/xapi/statements?statementId=${make.uuid()}`;
      expect(await lrs.status(missing, { method: 'HEAD' })).toBe(404);
    });

    it('sends X-Experience-API-Version on every response, errors and 404s included', async () => {
      const cases: [string, Promise<XapiResponse>][] = [
        ['200', lrs.request('/xapi/about', { as: null })],
        ['404 route', lrs.request('/xapi/nothing-here')],
        ['404 statement', lrs.request(`/xapi/statements?statementId=${make.uuid()}`)],
        ['401', lrs.request('/xapi/statements', { as: null })],
        [
          '400 version',
          lrs.request('/xapi/statements', { headers: { 'X-Experience-API-Version': '0.95' } }),
        ],
        ['400 parameter', lrs.request('/xapi/statements?nope=1')],
        [
          '413',
          lrs.request('/xapi/statements', {
            raw: JSON.stringify(Array.from({ length: 40 }, () => make.statement())),
            headers: { 'Content-Type': 'application/json' },
          }),
        ],
        ['403', lrs.credential(['state']).then((as) => lrs.request('/xapi/statements', { as }))],
      ];
      for (const [name, pending] of cases) {
        const res = await pending;
        expect(res.status, name).toBe(Number(name.slice(0, 3)));
        expect(res.headers.get('x-experience-api-version'), name).toBe('1.0.3');
      }
    });

    it('sends X-Experience-API-Consistent-Through on statement GETs', async () => {
      const before = Date.now();
      const res = await lrs.request('/xapi/statements?limit=1');
      const through = Date.parse(res.headers.get('x-experience-api-consistent-through') ?? '');
      expect(through).toBeGreaterThanOrEqual(before - 1000);
      expect(through).toBeLessThanOrEqual(Date.now() + 1000);
    });

    it('sends errors as JSON, plain text or HTML by content negotiation', async () => {
      const asked = async (accept: string | undefined) => {
        const res = await lrs.request('/xapi/statements?verb=not-an-iri', {
          headers: { Accept: accept },
        });
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
      expect(html.text).toContain(
        '<p>query parameter &quot;verb&quot; must be an absolute IRI</p>',
      );
      expect((await asked('text/html;q=0.5, application/json')).type).toMatch(/^application\/json/);
      expect((await asked('text/*;q=0.9, application/json;q=0.1')).type).toMatch(/^text\/plain/);
      expect((await asked('image/png')).type).toMatch(/^application\/json/);
      // 401 and 404 too.
      const unauthorised = await lrs.request('/xapi/statements', {
        as: null,
        headers: { Accept: 'text/plain' },
      });
      expect(unauthorised.status).toBe(401);
      expect(unauthorised.text).toMatch(/^Unauthorized: /);
      const missing = await lrs.request('/xapi/nothing-here', { headers: { Accept: 'text/html' } });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
    });

    describe('alternate request syntax', () => {
      /** POSTs a form to `path?method=...`; `signed` adds the admin's credential and the version. */
      const alternate = (
        path: string,
        method: string,
        fields: Record<string, string>,
        signed = true,
      ) =>
        fetch(`${lrs.server.url}${path}?method=${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            ...(signed
              ? { Authorization: lrs.admin.authorization, 'X-Experience-API-Version': '1.0.3' }
              : {}),
            ...fields,
          }).toString(),
        });

      it('PUTs, GETs and queries statements with headers and parameters in the form', async () => {
        const s = make.statement();
        const put = await alternate('/xapi/statements', 'PUT', {
          statementId: s.id,
          content: JSON.stringify(s),
          'Content-Type': 'application/json',
        });
        expect(put.status).toBe(204);
        expect(put.headers.get('x-experience-api-version')).toBe('1.0.3');
        const get = await alternate('/xapi/statements', 'GET', { statementId: s.id });
        expect(get.status).toBe(200);
        expect(((await get.json()) as { id: string }).id).toBe(s.id);
        const query = await alternate('/xapi/statements', 'GET', {
          agent: JSON.stringify(s.actor),
        });
        const page = (await query.json()) as { statements: { id: string }[] };
        expect(page.statements.map((x) => x.id)).toEqual([s.id]);
      });

      it('carries If-Match for a profile document and still refuses what it should', async () => {
        const activityId = make.activity();
        const profile = (method: string, fields: Record<string, string> = {}) =>
          alternate('/xapi/activities/profile', method, { activityId, profileId: 'p', ...fields });
        const write = (content: string, condition: Record<string, string>) =>
          profile('PUT', { content, 'Content-Type': 'application/json', ...condition });
        expect((await write('{"v":1}', { 'If-None-Match': '*' })).status).toBe(204);
        const etag = (await profile('GET')).headers.get('etag') ?? '';
        const stale = { 'If-Match': '"0000000000000000000000000000000000000000"' };
        expect((await write('{"v":2}', stale)).status).toBe(412);
        expect((await write('{"v":2}', { 'If-Match': etag })).status).toBe(204);
        expect((await profile('DELETE')).status).toBe(204);
        const activity = await alternate('/xapi/activities', 'GET', { activityId });
        expect(await activity.json()).toEqual({ objectType: 'Activity', id: activityId });

        const noAuth = await alternate(
          '/xapi/activities/profile',
          'GET',
          { activityId, 'X-Experience-API-Version': '1.0.3' },
          false,
        );
        expect(noAuth.status).toBe(401);
      });

      it('rejects other query parameters, unknown methods and other content types', async () => {
        const extra = await alternate('/xapi/statements', 'GET&limit=1', {});
        expect(extra.status).toBe(400);
        expect(((await extra.json()) as { message: string }).message).toContain(
          'send "limit" as a form field',
        );
        expect(extra.headers.get('x-experience-api-version')).toBe('1.0.3');
        const patch = await alternate(
          '/xapi/statements',
          'PATCH',
          { Authorization: lrs.admin.authorization },
          false,
        );
        expect(patch.status).toBe(400);
        const json = await fetch(`${lrs.server.url}/xapi/statements?method=GET`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: lrs.admin.authorization },
          body: '{}',
        });
        expect(json.status).toBe(400);
        // A plain GET with method= is no alternate request: method is an unknown parameter.
        expect(await lrs.status('/xapi/statements?method=GET')).toBe(400);
      });
    });

    it('rejects a statement POST whose Content-Type is missing or not JSON', async () => {
      const missing = await lrs.request('/xapi/statements', {
        method: 'POST',
        raw: Buffer.from(JSON.stringify(make.statement())),
      });
      expect(missing.status).toBe(400);
      expect(missing.message).toContain('Content-Type');
      const text = await lrs.request('/xapi/statements', {
        method: 'POST',
        raw: JSON.stringify(make.statement()),
        headers: { 'Content-Type': 'text/plain' },
      });
      expect(text.status).toBe(400);
    });
  },
  { bodyLimit: 4096 },
);
