import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/server/lrs/store/types.ts';
import {
  createCredential,
  startServer,
  statement,
  storeKinds,
  xapi,
  type TestServer,
} from './helpers.ts';

const kind = storeKinds()[0];

describe('one process serves the site and the LRS', () => {
  let server: TestServer;
  let store: Store;
  let cleanup: () => Promise<void>;
  let site: string;

  beforeAll(async () => {
    if (kind === undefined) throw new Error('no store');
    const opened = await kind.open();
    store = opened.store;
    cleanup = () => opened.cleanup();
    site = await mkdtemp(path.join(tmpdir(), 'lrs-site-'));
    await mkdir(path.join(site, 'modules'));
    await writeFile(path.join(site, 'index.html'), '<h1>Home</h1>');
    await writeFile(path.join(site, 'modules', 'index.html'), '<h1>Modules</h1>');
    await writeFile(path.join(site, '404.html'), '<h1>Lost</h1>');
    server = await startServer(store, {
      staticDir: site,
      corsOrigins: ['https://training.example.org'],
    });
  });

  afterAll(async () => {
    await server.close();
    await cleanup();
    await rm(site, { recursive: true, force: true });
  });

  it('serves the built site, its 404 page, and the LRS side by side', async () => {
    const home = await fetch(`${server.url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Home');
    expect(await (await fetch(`${server.url}/modules/`)).text()).toContain('Modules');
    expect(await (await fetch(`${server.url}/modules`)).text()).toContain('Modules');
    const lost = await fetch(`${server.url}/no/such/page`);
    expect(lost.status).toBe(404);
    expect(await lost.text()).toContain('Lost');
    const about = await fetch(`${server.url}/xapi/about`);
    expect(about.status).toBe(200);
    const xapiMissing = await fetch(`${server.url}/xapi/nothing`, {
      headers: { 'X-Experience-API-Version': '1.0.3' },
    });
    expect(xapiMissing.status).toBe(404);
    expect(((await xapiMissing.json()) as { message: string }).message).toContain(
      'no xAPI resource',
    );
  });

  it('answers CORS preflights for the configured origin only', async () => {
    const preflight = await fetch(`${server.url}/xapi/statements`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://training.example.org',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,x-experience-api-version',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(
      'https://training.example.org',
    );
    expect(preflight.headers.get('access-control-allow-headers')).toContain(
      'X-Experience-API-Version',
    );

    const admin = await createCredential(store, ['all']);
    const res = await xapi(server, admin, '/xapi/statements', {
      body: statement(),
      headers: { Origin: 'https://training.example.org' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://training.example.org');
    expect(res.headers.get('access-control-expose-headers')).toContain(
      'X-Experience-API-Consistent-Through',
    );

    const evil = await fetch(`${server.url}/xapi/about`, {
      headers: { Origin: 'https://evil.example' },
    });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});
