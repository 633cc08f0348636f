import { afterAll, beforeAll, expect, it } from 'vitest';
import type { JsonObject } from '../../src/server/lrs/xapi/types.ts';
import { describeEachStore, make, q, type XapiRequest } from './helpers.ts';

describeEachStore(
  'bad input',
  (lrs) => {
    const actor = make.agent();
    let snapshot = '';

    // Every statement in this file's store (it holds one), as the LRS returns them.
    const everything = async () => (await lrs.request('/xapi/statements?limit=0')).text;

    beforeAll(async () => {
      await lrs.send(make.statement({ actor }));
      snapshot = await everything();
    });

    afterAll(async () => {
      // Nothing any bad request did changed what was stored.
      expect(await everything()).toBe(snapshot);
    });

    /** A body sent as is, with its Content-Type. */
    const raw = (text: string, type: string) => () => ({
      raw: text,
      headers: { 'Content-Type': type },
    });
    /** A POST of a statement of this file's learner, with these fields changed. */
    const mine = (fields: JsonObject, path?: string) => () => ({
      body: make.statement({ actor, ...fields }),
      ...(path === undefined ? {} : { path }),
    });
    /** A GET of the Statement resource with this query. */
    const get = (query: string) => () => ({ path: `/xapi/statements?${query}` });
    const JSON_TYPE = 'application/json';
    const ambiguous = { mbox: 'mailto:a@x.org', account: { homePage: 'http://x.org', name: 'a' } };
    const noActor = { verb: { id: 'http://x.org/v' }, object: { id: 'http://x.org/a' } };

    it.each<[string, () => XapiRequest & { path?: string }, number, string]>([
      ['malformed JSON', raw('{"actor": ', JSON_TYPE), 400, 'not valid JSON'],
      ['an empty body', raw('', JSON_TYPE), 400, 'empty'],
      [
        'a wrong content type',
        raw('x', 'text/plain'),
        400,
        'Content-Type must be application/json',
      ],
      [
        'a multipart body without its boundary',
        raw('x', 'multipart/mixed; boundary=x'),
        400,
        'no boundary "x"',
      ],
      [
        'a wrong type',
        mine({ result: { success: 'yes' } }),
        400,
        'statement.result.success: must be a boolean',
      ],
      ['a missing actor', () => ({ body: noActor }), 400, 'needs "actor"'],
      ['an ambiguous actor', mine({ actor: ambiguous }), 400, 'exactly one'],
      ['an invalid IRI', mine({ verb: { id: 'completed' } }), 400, 'absolute IRI'],
      ['an invalid UUID', mine({ id: 'not-a-uuid' }), 400, 'UUID'],
      // Text PostgreSQL cannot hold is refused before the embedded store acknowledges anything.
      [
        'the character U+0000',
        mine({ result: { response: 'a\u0000b' } }),
        400,
        'statement.result.response: contains the character U+0000',
      ],
      [
        'U+0000 in an extension',
        mine({ result: { extensions: { 'http://x.org/e': ['\u0000'] } } }),
        400,
        'U+0000',
      ],
      [
        'an unpaired surrogate',
        mine({ result: { response: 'x\ud800' } }),
        400,
        'unpaired surrogate',
      ],
      [
        'an IRI too long to index',
        mine({ verb: { id: `http://x.org/${'v'.repeat(800)}` } }),
        400,
        'indexes values of at most 700 bytes',
      ],
      [
        'an unknown query parameter',
        mine({}, '/xapi/statements?foo=bar'),
        400,
        'unknown query parameter "foo"',
      ],
      [
        'an oversized body',
        mine({ result: { response: 'x'.repeat(70 * 1024) } }),
        413,
        'limit of 65536 bytes',
      ],
      ['a repeated parameter', get('limit=1&limit=2'), 400, 'more than once'],
      ['a bad limit', get('limit=-1'), 400, 'limit'],
      ['a bad agent parameter', get(`agent=${q('{"name":"x"}')}`), 400, 'agent'],
      ['an agent parameter that is not JSON', get('agent=bob'), 400, 'not valid JSON'],
      ['a bad since', get('since=yesterday'), 400, 'since'],
      ['a bad format', get('format=full'), 400, 'format'],
      ['a bad statementId', get('statementId=42'), 400, 'UUID'],
      [
        'both ids',
        get(`statementId=${make.uuid()}&voidedStatementId=${make.uuid()}`),
        400,
        'not both',
      ],
      ['an unknown statement', get(`statementId=${make.uuid()}`), 404, 'no statement'],
      ['an unknown resource', () => ({ path: '/xapi/agents/nope' }), 404, 'no xAPI resource'],
    ])('%s', async (_name, request, status, text) => {
      const { path, ...req } = request();
      const res = await lrs.request(path ?? '/xapi/statements', req);
      expect(res.status).toBe(status);
      expect(res.message).toContain(text);
    });

    it('requires a supported version header on every resource but About', async () => {
      const version = (value: string | undefined) => ({
        headers: { 'X-Experience-API-Version': value },
      });
      const missing = await lrs.request('/xapi/statements', {
        body: make.statement({ actor }),
        ...version(undefined),
      });
      expect(missing.status).toBe(400);
      expect(missing.message).toContain('X-Experience-API-Version header is required');
      const bad = await lrs.request('/xapi/statements', version('0.95'));
      expect(bad.status).toBe(400);
      expect(bad.message).toContain('"0.95" is not supported');
      const older = await lrs.request('/xapi/statements?limit=1', version('1.0.1'));
      expect(older.status).toBe(200);
      expect(older.headers.get('x-experience-api-version')).toBe('1.0.3');
      const about = await lrs.request('/xapi/about', { as: null, ...version(undefined) });
      expect(about.status).toBe(200);
      expect((about.json as { version: string[] }).version).toContain('1.0.3');
    });
  },
  { bodyLimit: 64 * 1024 },
);
