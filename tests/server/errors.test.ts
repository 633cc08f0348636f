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

describe.each(storeKinds())('bad input on $name', (kind) => {
  let server: TestServer;
  let admin: TestCredential;
  let cleanup: () => Promise<void>;
  const actor = { mbox: `mailto:${randomUUID()}@example.org` };
  const existing = statement({ actor });
  let snapshot = '';

  // Every statement in this file's store (it holds a handful), as the LRS returns them.
  const everything = async () => (await xapi(server, admin, '/xapi/statements?limit=0')).text;

  beforeAll(async () => {
    const opened = await kind.open();
    cleanup = () => opened.cleanup();
    server = await startServer(opened.store, { bodyLimit: 64 * 1024 });
    admin = await createCredential(opened.store, ['all']);
    expect((await xapi(server, admin, '/xapi/statements', { body: existing })).status).toBe(200);
    snapshot = await everything();
  });

  afterAll(async () => {
    // Nothing any bad request did changed what was stored.
    expect(await everything()).toBe(snapshot);
    await server.close();
    await cleanup();
  });

  const message = (res: { json: unknown }) => (res.json as { message: string }).message;

  it.each<[string, () => Parameters<typeof xapi>[3] & { path?: string }, number, string]>([
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
    const res = await xapi(server, admin, path ?? '/xapi/statements', req);
    expect(res.status).toBe(status);
    expect(message(res)).toContain(text);
  });

  it('requires a supported version header on every resource but About', async () => {
    const missing = await xapi(server, admin, '/xapi/statements', {
      body: statement({ actor }),
      headers: { 'X-Experience-API-Version': undefined },
    });
    expect(missing.status).toBe(400);
    expect(message(missing)).toContain('X-Experience-API-Version header is required');
    const bad = await xapi(server, admin, '/xapi/statements', {
      headers: { 'X-Experience-API-Version': '0.95' },
    });
    expect(bad.status).toBe(400);
    expect(message(bad)).toContain('"0.95" is not supported');
    const older = await xapi(server, admin, '/xapi/statements?limit=1', {
      headers: { 'X-Experience-API-Version': '1.0.1' },
    });
    expect(older.status).toBe(200);
    expect(older.headers.get('x-experience-api-version')).toBe('1.0.3');
    const about = await fetch(`${server.url}/xapi/about`);
    expect(about.status).toBe(200);
    expect(((await about.json()) as { version: string[] }).version).toContain('1.0.3');
  });
});
