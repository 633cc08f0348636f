import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { make, newTempDir, removeDir, startLrs, storeKinds, xapi, type Lrs } from './helpers.ts';

const ORIGIN = 'https://training.example.org';

describe('one process serves the site and the LRS', () => {
  let lrs: Lrs & { close(): Promise<void> };
  let site: string;

  beforeAll(async () => {
    site = await newTempDir('lrs-site-');
    await mkdir(path.join(site, 'modules'));
    await writeFile(path.join(site, 'index.html'), '<h1>Home</h1>');
    await writeFile(path.join(site, 'modules', 'index.html'), '<h1>Modules</h1>');
    await writeFile(path.join(site, '404.html'), '<h1>Lost</h1>');
    // The embedded store: serving the site does not depend on the store kind.
    const [embedded] = storeKinds();
    if (embedded === undefined) throw new Error('no store kind');
    lrs = await startLrs(embedded, { staticDir: site, corsOrigins: [ORIGIN] });
  });

  afterAll(async () => {
    await lrs.close();
    await removeDir(site);
  });

  const get = (pathname: string, headers: Record<string, string> = {}) =>
    fetch(`${lrs.server.url}${pathname}`, { headers });

  it('serves the built site, its 404 page, and the LRS side by side', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Home');
    expect(await (await get('/modules/')).text()).toContain('Modules');
    expect(await (await get('/modules')).text()).toContain('Modules');
    const lost = await get('/no/such/page');
    expect(lost.status).toBe(404);
    expect(await lost.text()).toContain('Lost');
    expect((await get('/xapi/about')).status).toBe(200);
    const xapiMissing = await xapi(lrs.server, null, '/xapi/nothing');
    expect(xapiMissing.status).toBe(404);
    expect((xapiMissing.json as { message: string }).message).toContain('no xAPI resource');
  });

  it('answers CORS preflights for the configured origin only', async () => {
    const preflight = await fetch(`${lrs.server.url}/xapi/statements`, {
      method: 'OPTIONS',
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,x-experience-api-version',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')).toContain(
      'X-Experience-API-Version',
    );

    const res = await lrs.request('/xapi/statements', {
      body: make.statement(),
      headers: { Origin: ORIGIN },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-expose-headers')).toContain(
      'X-Experience-API-Consistent-Through',
    );

    const evil = await get('/xapi/about', { Origin: 'https://evil.example' });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});
