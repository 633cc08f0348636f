// The learner's session cookie: set on enrolment and on sign-in with a code, accepted by /xapi
// and /api for the site's own calls only, ended by signing out, refused once expired, and the
// same on every service process sharing one PostgreSQL database.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/server/lrs/store/open-store.ts';
import type { Store } from '../../src/server/lrs/store/types.ts';
import {
  api,
  PROFILE,
  SITE,
  startPlatform,
  usePlatform,
  type PlatformServer,
} from './certification-helpers.ts';
import { basicAuth, describeOnPostgres, storeKinds, type TestServer } from './helpers.ts';

/** What a browser's fetch adds and no script can set: Fetch Metadata. */
const BROWSER = { 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'cors' };

type Answer = Awaited<ReturnType<typeof api>>;

/** The one Set-Cookie of an answer, whole. */
function setCookieOf(res: Answer): string {
  const cookies = res.headers.getSetCookie();
  expect(cookies).toHaveLength(1);
  return cookies[0] ?? '';
}

interface BrowserLearner {
  /** "name=value", as the browser sends it back. */
  cookie: string;
  setCookie: string;
  body: Record<string, unknown>;
  actor: Record<string, unknown>;
  registration: string;
}

/** Enrols as the site does from a browser; the session cookie it got. */
async function enrolInBrowser(
  server: TestServer,
  headers: Record<string, string> = {},
): Promise<BrowserLearner> {
  const res = await api(server, '/api/enrol', {
    headers: { ...BROWSER, ...headers },
    body: { ...PROFILE, serviceNumber: `SN-${randomUUID()}` },
  });
  expect(res.status, res.text).toBe(201);
  const setCookie = setCookieOf(res);
  const body = res.json as Record<string, unknown>;
  return {
    cookie: setCookie.split(';')[0] ?? '',
    setCookie,
    body,
    actor: body.actor as Record<string, unknown>,
    registration: body.registration as string,
  };
}

const XAPI = { 'X-Experience-API-Version': '1.0.3' };

const statementOf = (actor: Record<string, unknown>) => ({
  id: randomUUID(),
  actor,
  verb: { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { en: 'experienced' } },
  object: { id: `${SITE}/xapi/activities/module/child-protection-basics` },
});

const stateUrl = (actor: Record<string, unknown>, registration: string) =>
  `/xapi/activities/state?${new URLSearchParams({
    activityId: `${SITE}/xapi/activities/module/child-protection-basics`,
    agent: JSON.stringify({ objectType: 'Agent', account: actor.account }),
    registration,
    stateId: 'progress',
  }).toString()}`;

const usableKeys = async (store: Store) =>
  new Set((await store.listCredentials()).filter((c) => c.revokedAt === null).map((c) => c.key));

for (const kind of storeKinds()) {
  describe(`learner session cookie (${kind.name})`, () => {
    let server: TestServer;
    let store: Store;

    usePlatform(kind, [], (started) => {
      ({ server } = started);
      store = started.server.store;
    });

    it('is set HttpOnly, SameSite=Strict on Path=/ by enrolment, and a browser is given no secret', async () => {
      const learner = await enrolInBrowser(server);
      expect(learner.setCookie).toMatch(/^cp_learner=[A-Za-z0-9_-]{43}; /);
      const flags = learner.setCookie.split('; ').slice(1);
      expect(flags).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict']));
      expect(flags.some((f) => /^Max-Age=\d{6,}$/.test(f))).toBe(true);
      // Over plain HTTP, with no proxy trusted: not Secure (the browser would drop it).
      expect(flags).not.toContain('Secure');
      expect(Object.keys(learner.body).sort()).toEqual(['actor', 'registration']);
      expect(JSON.stringify(learner.body)).not.toMatch(/secret/i);
    });

    it('still gives an API client (no Fetch Metadata) its key and secret, and a cookie', async () => {
      const res = await api(server, '/api/enrol', {
        body: { ...PROFILE, serviceNumber: `SN-${randomUUID()}` },
      });
      expect(res.status).toBe(201);
      const body = res.json as { key: string; secret: string };
      expect(body.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(res.headers.getSetCookie()[0]).toMatch(/^cp_learner=/);
      const about = await api(server, '/xapi/statements?limit=1', {
        headers: { ...XAPI, Authorization: basicAuth(body.key, body.secret) },
      });
      expect(about.status).toBe(200);
    });

    it("signs the site's calls in: statements, the State resource and /api", async () => {
      const learner = await enrolInBrowser(server);
      const statement = statementOf(learner.actor);
      const sent = await api(server, '/xapi/statements', {
        headers: { ...XAPI, ...BROWSER, Cookie: learner.cookie },
        body: [statement],
      });
      expect(sent.status, sent.text).toBe(200);
      expect(sent.json).toEqual([statement.id]);
      const read = await api(server, `/xapi/statements?statementId=${statement.id}`, {
        headers: { ...XAPI, Cookie: learner.cookie },
      });
      expect(read.status).toBe(200);
      // The authority is the learner's own credential, as with Basic.
      const authority = (read.json as { authority: { account: { name: string } } }).authority;
      expect((await usableKeys(store)).has(authority.account.name)).toBe(true);

      const url = stateUrl(learner.actor, learner.registration);
      const put = await api(server, url, {
        method: 'PUT',
        headers: { ...XAPI, Cookie: learner.cookie },
        body: { read: [0, 1] },
      });
      expect(put.status, put.text).toBe(204);
      const got = await api(server, url, { headers: { ...XAPI, Cookie: learner.cookie } });
      expect(got.status).toBe(200);
      expect(got.json).toEqual({ read: [0, 1] });

      const who = await api(server, '/api/learner-session', {
        headers: { 'X-Requested-With': 'fetch', Cookie: learner.cookie },
      });
      expect(who.status, who.text).toBe(200);
      expect(who.json).toMatchObject({ actor: learner.actor, registration: learner.registration });
      const code = await api(server, '/api/sign-in-codes', {
        method: 'POST',
        headers: { 'X-Requested-With': 'fetch', Cookie: learner.cookie },
      });
      expect(code.status, code.text).toBe(201);
    });

    it('refuses a cookie call without a header only a script of the site can send', async () => {
      const learner = await enrolInBrowser(server);
      // What a form on another page could send: a simple POST, text/plain or form-encoded.
      const form = await api(server, '/api/sign-in-codes', {
        headers: { Cookie: learner.cookie, 'Content-Type': 'text/plain' },
        raw: 'x=1',
      });
      expect(form.status, form.text).toBe(403);
      expect((form.json as { code: string; message: string }).message).toMatch(
        /X-Experience-API-Version.*X-Requested-With.*JSON Content-Type/,
      );
      // A form-encoded body is refused before anything reads the cookie.
      const encoded = await api(server, '/api/sign-in-codes', {
        headers: { Cookie: learner.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
        raw: 'x=1',
      });
      expect(encoded.status).toBe(400);
      const empty = await api(server, '/api/sign-in-codes', {
        method: 'POST',
        headers: { Cookie: learner.cookie },
      });
      expect(empty.status).toBe(403);
      const get = await api(server, '/api/learner-session', {
        headers: { Cookie: learner.cookie },
      });
      expect(get.status).toBe(403);
      expect((get.json as { code: string }).code).toBe('session_header_required');
      // On /xapi the version header is that header; without it the LRS refuses the request.
      const bare = await api(server, '/xapi/statements', {
        headers: { Cookie: learner.cookie, 'Content-Type': 'text/plain' },
        body: JSON.stringify(statementOf(learner.actor)),
      });
      expect(bare.status).toBe(400);
      // A browser saying the call comes from another site is refused even with the header.
      const crossSite = await api(server, '/xapi/statements', {
        headers: { ...XAPI, Cookie: learner.cookie, 'Sec-Fetch-Site': 'same-site' },
        body: statementOf(learner.actor),
      });
      expect(crossSite.status).toBe(403);
    });

    it("confines the cookie to the learner's own Agent", async () => {
      const me = await enrolInBrowser(server);
      const other = await enrolInBrowser(server);
      const theirs = await api(server, '/xapi/statements', {
        headers: { ...XAPI, Cookie: me.cookie },
        body: statementOf(other.actor),
      });
      expect(theirs.status).toBe(403);
      const theirState = await api(server, stateUrl(other.actor, other.registration), {
        headers: { ...XAPI, Cookie: me.cookie },
      });
      expect(theirState.status).toBe(403);
      const stored = await api(server, '/xapi/statements', {
        headers: { ...XAPI, Cookie: other.cookie },
        body: statementOf(other.actor),
      });
      expect(stored.status).toBe(200);
      // Reading is "mine" only: their statements never show, whatever the query names.
      const theirQuery = await api(
        server,
        `/xapi/statements?agent=${encodeURIComponent(JSON.stringify({ account: other.actor.account }))}`,
        { headers: { ...XAPI, Cookie: me.cookie } },
      );
      const shown =
        theirQuery.status === 200 ? (theirQuery.json as { statements: unknown[] }).statements : [];
      expect(shown).toEqual([]);
    });

    it('lets an Authorization header win over the cookie', async () => {
      const learner = await enrolInBrowser(server);
      const wrong = await api(server, '/xapi/statements', {
        headers: { ...XAPI, Cookie: learner.cookie, Authorization: basicAuth('nobody', 'wrong') },
        body: statementOf(learner.actor),
      });
      expect(wrong.status).toBe(401);
    });

    it('ends on sign-out: the cookie is removed, the session and its credential refused', async () => {
      const learner = await enrolInBrowser(server);
      const before = await usableKeys(store);
      const out = await api(server, '/api/learner-session', {
        method: 'DELETE',
        headers: { 'X-Requested-With': 'fetch', Cookie: learner.cookie },
      });
      expect(out.status, out.text).toBe(204);
      expect(setCookieOf(out)).toMatch(
        /^cp_learner=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/,
      );
      const after = await usableKeys(store);
      expect([...before].filter((key) => !after.has(key))).toHaveLength(1);
      const refused = await api(server, '/xapi/statements', {
        headers: { ...XAPI, ...BROWSER, Cookie: learner.cookie },
        body: statementOf(learner.actor),
      });
      expect(refused.status).toBe(401);
      expect((refused.json as { code?: string } | undefined)?.code ?? refused.text).toMatch(
        /signed_out|signed out/,
      );
      // No Basic challenge: the browser must not open its own sign-in dialog.
      expect(refused.headers.get('www-authenticate') ?? '').not.toMatch(/basic/i);
      const api401 = await api(server, '/api/learner-session', {
        headers: { 'X-Requested-With': 'fetch', Cookie: learner.cookie },
      });
      expect(api401.status).toBe(401);
      expect((api401.json as { code: string }).code).toBe('signed_out');
      // Once the browser dropped the cookie, its calls carry nothing: still no Basic challenge.
      const bare = await api(server, '/xapi/statements?limit=1', {
        headers: { ...XAPI, ...BROWSER },
      });
      expect(bare.status).toBe(401);
      expect(bare.headers.get('www-authenticate') ?? '').not.toMatch(/basic/i);
      // Signing out again is not an error.
      const again = await api(server, '/api/learner-session', {
        method: 'DELETE',
        headers: { 'X-Requested-With': 'fetch', Cookie: learner.cookie },
      });
      expect(again.status).toBe(204);
    });

    it('ends when the operator revokes the credential it acts as', async () => {
      const learner = await enrolInBrowser(server);
      const who = await api(server, '/api/learner-session', {
        headers: { 'X-Requested-With': 'fetch', Cookie: learner.cookie },
      });
      expect(who.status).toBe(200);
      const sent = await api(server, '/xapi/statements', {
        headers: { ...XAPI, Cookie: learner.cookie },
        body: statementOf(learner.actor),
      });
      const id = (sent.json as string[])[0] ?? '';
      const read = await api(server, `/xapi/statements?statementId=${id}`, {
        headers: { ...XAPI, Cookie: learner.cookie },
      });
      const key = (read.json as { authority: { account: { name: string } } }).authority.account
        .name;
      expect(await store.revokeCredential(key)).toBe(true);
      const refused = await api(server, '/xapi/statements?limit=1', {
        headers: { ...XAPI, Cookie: learner.cookie },
      });
      expect(refused.status).toBe(401);
    });

    it('exchanges an old stored credential for the cookie once, and revokes it', async () => {
      const res = await api(server, '/api/enrol', {
        body: { ...PROFILE, serviceNumber: `SN-${randomUUID()}` },
      });
      const { key, secret, actor } = res.json as {
        key: string;
        secret: string;
        actor: Record<string, unknown>;
      };
      const old = basicAuth(key, secret);
      const exchanged = await api(server, '/api/learner-session', {
        method: 'POST',
        headers: { ...BROWSER, Authorization: old },
      });
      expect(exchanged.status, exchanged.text).toBe(201);
      expect(JSON.stringify(exchanged.json)).not.toMatch(/secret/i);
      expect(exchanged.json).toMatchObject({ actor });
      const cookie = setCookieOf(exchanged).split(';')[0] ?? '';
      const withOld = await api(server, '/xapi/statements?limit=1', {
        headers: { ...XAPI, Authorization: old },
      });
      expect(withOld.status).toBe(401);
      const withCookie = await api(server, '/xapi/statements', {
        headers: { ...XAPI, Cookie: cookie },
        body: statementOf(actor),
      });
      expect(withCookie.status, withCookie.text).toBe(200);
      const twice = await api(server, '/api/learner-session', {
        method: 'POST',
        headers: { ...BROWSER, Authorization: old },
      });
      expect(twice.status).toBe(401);
    });

    it('is set by sign-in with a code, for the same learner, with no secret for a browser', async () => {
      const first = await enrolInBrowser(server);
      const code = await api(server, '/api/sign-in-codes', {
        method: 'POST',
        headers: { 'X-Requested-With': 'fetch', Cookie: first.cookie },
      });
      const signedIn = await api(server, '/api/sign-in', {
        headers: BROWSER,
        body: { code: (code.json as { code: string }).code },
      });
      expect(signedIn.status, signedIn.text).toBe(201);
      expect(Object.keys(signedIn.json as object)).not.toContain('secret');
      expect(signedIn.json).toMatchObject({ actor: first.actor, registration: first.registration });
      const cookie = setCookieOf(signedIn).split(';')[0] ?? '';
      expect(cookie).not.toBe(first.cookie);
      const sent = await api(server, '/xapi/statements', {
        headers: { ...XAPI, Cookie: cookie },
        body: statementOf(first.actor),
      });
      expect(sent.status).toBe(200);
      // Each device signs out on its own.
      await api(server, '/api/learner-session', {
        method: 'DELETE',
        headers: { 'X-Requested-With': 'fetch', Cookie: cookie },
      });
      const still = await api(server, '/xapi/statements?limit=1', {
        headers: { ...XAPI, Cookie: first.cookie },
      });
      expect(still.status).toBe(200);
    });
  });

  describe(`learner session cookie, lifetime, proxy and quota (${kind.name})`, () => {
    let started: PlatformServer;
    let close = (): Promise<void> => Promise.resolve();

    beforeAll(async () => {
      const opened = await kind.open();
      started = await startPlatform(opened.store, {
        learnerSessionTtlMs: 1500,
        trustProxy: ['127.0.0.1'],
        learnerQuota: {
          statementsPerHour: 3,
          attachmentBytesPerDay: 0,
          documentBytesPerDay: 1_000_000,
        },
      });
      close = async () => {
        await started.server.close();
        await opened.cleanup();
      };
    }, 60_000);
    afterAll(() => close());

    it('is Secure, under the __Host- name, when a trusted proxy says the request came over HTTPS', async () => {
      const https = { 'X-Forwarded-Proto': 'https' };
      const learner = await enrolInBrowser(started.server, https);
      expect(learner.setCookie).toMatch(/^__Host-cp_learner=[A-Za-z0-9_-]{43}; /);
      expect(learner.setCookie.split('; ')).toEqual(
        expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict', 'Secure']),
      );
      const sent = await api(started.server, '/xapi/statements', {
        headers: { ...XAPI, ...https, Cookie: learner.cookie },
        body: statementOf(learner.actor),
      });
      expect(sent.status, sent.text).toBe(200);
      // The same cookie over plain HTTP is not the HTTPS session's.
      const plain = await api(started.server, '/xapi/statements?limit=1', {
        headers: { ...XAPI, Cookie: learner.cookie },
      });
      expect(plain.status).toBe(401);
    });

    it("counts the cookie's statements against the learner's quota", async () => {
      const learner = await enrolInBrowser(started.server);
      const headers = { ...XAPI, Cookie: learner.cookie };
      const three = await api(started.server, '/xapi/statements', {
        headers,
        body: [1, 2, 3].map(() => statementOf(learner.actor)),
      });
      expect(three.status, three.text).toBe(200);
      const fourth = await api(started.server, '/xapi/statements', {
        headers,
        body: statementOf(learner.actor),
      });
      expect(fourth.status).toBe(429);
    });

    it('is refused once expired', async () => {
      const learner = await enrolInBrowser(started.server);
      expect(learner.setCookie).toMatch(/; Max-Age=1(;|$)/);
      const fresh = await api(started.server, '/xapi/statements?limit=1', {
        headers: { ...XAPI, Cookie: learner.cookie },
      });
      expect(fresh.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1700));
      const expired = await api(started.server, '/xapi/statements?limit=1', {
        headers: { ...XAPI, Cookie: learner.cookie },
      });
      expect(expired.status).toBe(401);
      expect((expired.json as { code?: string } | undefined)?.code ?? expired.text).toMatch(
        /signed_out|signed out/,
      );
    });
  });
}

describeOnPostgres('learner session cookie across two service processes', ({ url, schema }) => {
  const servers: PlatformServer[] = [];
  const stores: Store[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i += 1) {
      const store = await openStore({ databaseUrl: url, schema });
      stores.push(store);
      servers.push(await startPlatform(store));
    }
  }, 60_000);
  afterAll(async () => {
    for (const started of servers) await started.server.close();
    for (const store of stores) await store.close();
  });

  it('opens on one process, works on the other, and signing out on either ends it on both', async () => {
    const [one, two] = servers.map((s) => s.server) as [TestServer, TestServer];
    const learner = await enrolInBrowser(one);
    const headers = { ...XAPI, Cookie: learner.cookie };
    for (const server of [two, one]) {
      const sent = await api(server, '/xapi/statements', {
        headers,
        body: statementOf(learner.actor),
      });
      expect(sent.status, sent.text).toBe(200);
    }
    const out = await api(two, '/api/learner-session', {
      method: 'DELETE',
      headers: { 'X-Requested-With': 'fetch', Cookie: learner.cookie },
    });
    expect(out.status).toBe(204);
    for (const server of [one, two]) {
      const refused = await api(server, '/xapi/statements?limit=1', { headers });
      expect(refused.status).toBe(401);
    }
  });
});
