import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser } from '../../src/server/platform/staff/accounts.ts';
import { api, STAFF_PASSWORD, staffLogin, startPlatform } from './certification-helpers.ts';
import { createCredential, newTempDir, removeDir, storeKinds, type TestServer } from './helpers.ts';
import type { Store } from '../../src/server/lrs/store/types.ts';

const ALLOWED = 'https://tracker.example.org';

// Headers and proxies do not depend on the store kind: the embedded store serves them all.
describe('security headers, proxies and throttles', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let site: string;
  const servers: TestServer[] = [];

  /** A service with the platform and the site, on the suite's store, with these options. */
  async function serve(options: Parameters<typeof startPlatform>[1] = {}): Promise<TestServer> {
    const { server } = await startPlatform(store, {
      staticDir: site,
      corsOrigins: [ALLOWED],
      ...options,
    });
    servers.push(server);
    return server;
  }

  beforeAll(async () => {
    const [embedded] = storeKinds();
    if (embedded === undefined) throw new Error('no store kind');
    const opened = await embedded.open();
    store = opened.store;
    cleanup = () => opened.cleanup();
    site = await newTempDir('security-site-');
    await mkdir(path.join(site, 'en'));
    await writeFile(path.join(site, 'en', 'index.html'), '<h1>Course</h1>');
    await writeFile(path.join(site, 'sw.js'), 'self.addEventListener("fetch", () => {});');
    const { server, platform } = await startPlatform(store);
    servers.push(server);
    await createStaffUser(platform.staff, 'dpo-ana', 'dpo', STAFF_PASSWORD);
  });

  afterAll(async () => {
    for (const server of servers) await server.close();
    await cleanup();
    await removeDir(site);
  });

  it('sends the same protective headers on pages, scripts, the LRS and the API', async () => {
    const server = await serve();
    for (const pathname of [
      '/en/',
      '/sw.js',
      '/xapi/about',
      '/api/certification/tracks',
      '/nowhere',
    ]) {
      const res = await fetch(`${server.url}${pathname}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, pathname).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options'), pathname).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), pathname).toBe('no-referrer');
      expect(res.headers.get('x-frame-options'), pathname).toBe('DENY');
      // Plain HTTP on a classroom network: HSTS would pin browsers to an HTTPS that is not there.
      expect(res.headers.get('strict-transport-security'), pathname).toBeNull();
      expect(res.headers.get('x-powered-by'), pathname).toBeNull();
    }
    // Nothing in an API answer may run or load anything.
    for (const pathname of ['/xapi/about', '/api/certification/tracks', '/api/nothing']) {
      const res = await fetch(`${server.url}${pathname}`);
      expect(res.headers.get('content-security-policy'), pathname).toContain("default-src 'none'");
    }
    // The site's own files keep the page policy (their scripts' hashes are in each page).
    const page = await fetch(`${server.url}/en/`);
    expect(page.headers.get('content-security-policy')).not.toContain("default-src 'none'");
  });

  it('answers cross-origin calls on /xapi for the configured origins, never on /api', async () => {
    const server = await serve();
    const preflight = (pathname: string, origin: string) =>
      fetch(`${server.url}${pathname}`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      });
    const lrs = await preflight('/xapi/statements', ALLOWED);
    expect(lrs.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const platform = await preflight('/api/enrolments', ALLOWED);
    expect(platform.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${server.url}/api/certification/tracks`, {
      headers: { Origin: ALLOWED },
    });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    expect(
      (await preflight('/xapi/statements', 'https://evil.example')).headers.get(
        'access-control-allow-origin',
      ),
    ).toBeNull();
  });

  it('believes X-Forwarded-Proto and -For only from a trusted proxy', async () => {
    const direct = await serve();
    const proxied = await serve({ trustProxy: ['127.0.0.1'] });
    const viaProxy = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.7' };

    const spoofed = await staffLogin(direct, 'dpo-ana');
    expect(spoofed.res.status).toBe(200);
    const spoofedAgain = await fetch(`${direct.url}/en/`, { headers: viaProxy });
    expect(spoofedAgain.headers.get('strict-transport-security')).toBeNull();

    const page = await fetch(`${proxied.url}/en/`, { headers: viaProxy });
    expect(page.headers.get('strict-transport-security')).toBe('max-age=31536000');
    const secure = await api(proxied, '/api/staff/login', {
      body: { name: 'dpo-ana', password: STAFF_PASSWORD },
      headers: viaProxy,
    });
    expect(secure.status).toBe(200);
    const cookie = secure.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^__Host-cp_staff=/);
    expect(cookie).toMatch(/; Secure/);
    expect(spoofed.res.headers.get('set-cookie') ?? '').not.toMatch(/Secure/);
  });

  it('limits by the client address the trusted proxy reports, not by the proxy', async () => {
    const limits = { failedAuth: { max: 3, windowMs: 60_000 } };
    const badAuth = (server: TestServer, from: string) =>
      fetch(`${server.url}/xapi/statements`, {
        headers: {
          Authorization: `Basic ${Buffer.from('nobody:nothing').toString('base64')}`,
          'X-Experience-API-Version': '1.0.3',
          'X-Forwarded-For': from,
        },
      });
    const proxied = await serve({ trustProxy: ['127.0.0.1'], rateLimits: limits });
    for (let i = 0; i < 3; i++) expect((await badAuth(proxied, '198.51.100.1')).status).toBe(401);
    expect((await badAuth(proxied, '198.51.100.1')).status).toBe(429);
    // Another learner behind the same proxy is not locked out by the first one's failures.
    expect((await badAuth(proxied, '198.51.100.2')).status).toBe(401);

    // Without a trusted proxy the header is ignored: a client cannot dodge the limit with it.
    const direct = await serve({ rateLimits: limits });
    for (let i = 0; i < 3; i++) expect((await badAuth(direct, `192.0.2.${i}`)).status).toBe(401);
    expect((await badAuth(direct, '192.0.2.99')).status).toBe(429);
  });

  it('checks no more staff passwords than the limit when 40 clients guess at once', async () => {
    const server = await serve({
      rateLimits: {
        staffLoginPerName: { max: 10, windowMs: 60_000 },
        staffLoginPerAddress: { max: 1000, windowMs: 60_000 },
      },
    });
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        api(server, '/api/staff/login', {
          body: { name: 'dpo-ana', password: `guess number ${i}` },
        }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    const refused = answers.find((a) => a.status === 429);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    // The right password is refused too until the window ends.
    expect((await staffLogin(server, 'dpo-ana')).res.status).toBe(429);
  });

  it('checks no more LRS secrets than the failure limit when one address sends 60 wrong ones at once', async () => {
    const server = await serve({ rateLimits: { failedAuth: { max: 20, windowMs: 60_000 } } });
    const learner = await createCredential(store, ['statements/read/mine']);
    const [key] = Buffer.from(learner.authorization.slice('Basic '.length), 'base64')
      .toString()
      .split(':');
    const wrong = (i: number) =>
      fetch(`${server.url}/xapi/statements?limit=1`, {
        headers: {
          Authorization: `Basic ${Buffer.from(`${key ?? ''}:wrong-secret-${i}`).toString('base64')}`,
          'X-Experience-API-Version': '1.0.3',
        },
      });
    const statuses = (await Promise.all(Array.from({ length: 60 }, (_, i) => wrong(i)))).map(
      (r) => r.status,
    );
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
  });
});
