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
