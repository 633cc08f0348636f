import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeEachStore,
  messageOf,
  newAgent,
  q,
  randomUUID,
  statement,
  type XapiRequest,
} from './helpers.ts';

describeEachStore(
  'bad input',
  (lrs) => {
    const actor = newAgent();
    let snapshot = '';

    // Every statement in this file's store (it holds one), as the LRS returns them.
    const everything = async () => (await lrs.request('/xapi/statements?limit=0')).text;

    beforeAll(async () => {
      await lrs.send(statement({ actor }));
      snapshot = await everything();
    });

    afterAll(async () => {
      // Nothing any bad request did changed what was stored.
      expect(await everything()).toBe(snapshot);
    });

    it.each<[string, () => XapiRequest & { path?: string }, number, string]>([
      [
        'malformed JSON',
        () => ({ raw: '{"actor": ', headers: { 'Content-Type': 'application/json' } }),
        400,
        'not valid JSON',
      ],
      [
        'an empty body',
        () => ({ raw: '', headers: { 'Content-Type': 'application/json' } }),
        400,
        'empty',
      ],
      [
        'a wrong content type',
        () => ({ raw: 'x', headers: { 'Content-Type': 'text/plain' } }),
        400,
        'Content-Type must be application/json',
      ],
      [
        'a multipart body without its boundary',
        () => ({ raw: 'x', headers: { 'Content-Type': 'multipart/mixed; boundary=x' } }),
        400,
        'no boundary "x"',
      ],
      [
        'a wrong type',
        () => ({ body: { ...statement({ actor }), result: { success: 'yes' } } }),
        400,
        'statement.result.success: must be a boolean',
      ],
      [
        'a missing actor',
        () => ({ body: { verb: { id: 'http://x.org/v' }, object: { id: 'http://x.org/a' } } }),
        400,
        'needs "actor"',
      ],
      [
        'an ambiguous actor',
        () => ({
          body: statement({
            actor: { mbox: 'mailto:a@x.org', account: { homePage: 'http://x.org', name: 'a' } },
          }),
        }),
        400,
        'exactly one',
      ],
      [
        'an invalid IRI',
        () => ({ body: statement({ actor, verb: { id: 'completed' } }) }),
        400,
        'absolute IRI',
      ],
      ['an invalid UUID', () => ({ body: statement({ actor, id: 'not-a-uuid' }) }), 400, 'UUID'],
      // Text PostgreSQL cannot hold is refused before the embedded store acknowledges anything.
      [
        'the character U+0000',
        () => ({ body: statement({ actor, result: { response: 'a\u0000b' } }) }),
        400,
        'statement.result.response: contains the character U+0000',
      ],
      [
        'U+0000 in an extension',
        () => ({
          body: statement({ actor, result: { extensions: { 'http://x.org/e': ['\u0000'] } } }),
        }),
        400,
        'U+0000',
      ],
      [
        'an unpaired surrogate',
        () => ({ body: statement({ actor, result: { response: 'x\ud800' } }) }),
        400,
        'unpaired surrogate',
      ],
      [
        'an IRI too long to index',
        () => ({ body: statement({ actor, verb: { id: `http://x.org/${'v'.repeat(800)}` } }) }),
        400,
        'indexes values of at most 700 bytes',
      ],
      [
        'an unknown query parameter',
        () => ({ body: statement({ actor }), path: '/xapi/statements?foo=bar' }),
        400,
        'unknown query parameter "foo"',
      ],
      [
        'an oversized body',
        () => ({ body: statement({ actor, result: { response: 'x'.repeat(70 * 1024) } }) }),
        413,
        'limit of 65536 bytes',
      ],
      [
        'a repeated parameter',
        () => ({ path: '/xapi/statements?limit=1&limit=2' }),
        400,
        'more than once',
      ],
      ['a bad limit', () => ({ path: '/xapi/statements?limit=-1' }), 400, 'limit'],
      [
        'a bad agent parameter',
        () => ({ path: `/xapi/statements?agent=${q('{"name":"x"}')}` }),
        400,
        'agent',
      ],
      [
        'an agent parameter that is not JSON',
        () => ({ path: '/xapi/statements?agent=bob' }),
        400,
        'not valid JSON',
      ],
      ['a bad since', () => ({ path: '/xapi/statements?since=yesterday' }), 400, 'since'],
      ['a bad format', () => ({ path: '/xapi/statements?format=full' }), 400, 'format'],
      ['a bad statementId', () => ({ path: '/xapi/statements?statementId=42' }), 400, 'UUID'],
      [
        'both ids',
        () => ({
          path: `/xapi/statements?statementId=${randomUUID()}&voidedStatementId=${randomUUID()}`,
        }),
        400,
        'not both',
      ],
      [
        'an unknown statement',
        () => ({ path: `/xapi/statements?statementId=${randomUUID()}` }),
        404,
        'no statement',
      ],
      ['an unknown resource', () => ({ path: '/xapi/agents/nope' }), 404, 'no xAPI resource'],
    ])('%s', async (_name, make, status, text) => {
      const { path, ...req } = make();
      const res = await lrs.request(path ?? '/xapi/statements', req);
      expect(res.status).toBe(status);
      expect(messageOf(res)).toContain(text);
    });

    it('requires a supported version header on every resource but About', async () => {
      const version = (value: string | undefined) => ({
        headers: { 'X-Experience-API-Version': value },
      });
      const missing = await lrs.request('/xapi/statements', {
        body: statement({ actor }),
        ...version(undefined),
      });
      expect(missing.status).toBe(400);
      expect(messageOf(missing)).toContain('X-Experience-API-Version header is required');
      const bad = await lrs.request('/xapi/statements', version('0.95'));
      expect(bad.status).toBe(400);
      expect(messageOf(bad)).toContain('"0.95" is not supported');
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
