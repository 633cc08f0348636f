import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movePrivatePages, privateDirOf } from '../../integrations/private-pages.ts';
import { precompressDir } from '../../integrations/precompress.ts';
import { createStaffUser } from '../../src/server/platform/staff/accounts.ts';
import { api, STAFF_PASSWORD, staffLogin, startPlatform } from './certification-helpers.ts';
import { createCredential, storeKinds, type TestServer } from './helpers.ts';

// The trainer pages are moved out of the public build and served to signed-in staff only. A
// small built site is written to a temporary folder, split by the build's own step, and served
// by the real service on both stores.

/** Text that appears only in the trainer pages: no anonymous answer may contain it. */
const SECRET = 'ANSWER-POINT-7f3a: the boy is a child first';
const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta http-equiv="content-security-policy" content="script-src 'self'"><title>${title}</title></head><body>${body}${'<p>filler paragraph for compression</p>'.repeat(60)}</body></html>`;

const site = mkdtempSync(path.join(tmpdir(), 'cp-trainer-pages-'));
const dist = path.join(site, 'dist');
const privateDir = privateDirOf(dist);

async function put(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(dist, file)), { recursive: true });
  await writeFile(path.join(dist, file), content);
}

beforeAll(async () => {
  await put('en/index.html', page('Home', '<a href="/en/trainer/">Trainer view</a>'));
  await put('404.html', page('Not found', 'Not found'));
  await put('en/modules/a/index.html', page('Module', 'learner page'));
  await put('en/trainer/index.html', page('Trainer', SECRET));
  await put('en/trainer/kits/a/index.html', page('Kit', SECRET));
  await put('en/trainer/kits/a/slides/index.html', page('Slides', SECRET));
  await put(
    'en/trainer/search-index.json',
    JSON.stringify({ docs: [SECRET], pad: 'x'.repeat(3000) }),
  );
  await put('fr/trainer/index.html', page('Formateur', SECRET));
  await precompressDir(dist);
  await movePrivatePages(dist, privateDir);
});

afterAll(() => {
  rmSync(site, { recursive: true, force: true });
});

/** A raw GET (no decompression, no path normalisation): status, headers and body bytes. */
function rawGet(
  server: TestServer,
  target: string,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: target, method: 'GET', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Every way of asking for a trainer file that a static server might answer. */
const TRAINER_PATHS = [
  '/en/trainer',
  '/en/trainer/',
  '/en/trainer/index.html',
  '/en/trainer/index.html.br',
  '/en/trainer/index.html.gz',
  '/en/trainer/kits/a/',
  '/en/trainer/kits/a',
  '/en/trainer/kits/a/index.html.gz',
  '/en/trainer/kits/a/slides/',
  '/en/trainer/search-index.json',
  '/en/trainer/search-index.json.br',
  '/en/trainer/search-index.json.gz',
  '/fr/trainer/',
  '/en/trainer/nothing-here/',
  '/en//trainer/',
  '//en/trainer/',
  '/en/./trainer/',
  '/en/modules/../trainer/',
  '/en/modules/%2e%2e/trainer/',
  '/en/modules/%2E%2E/trainer/kits/a/',
  '/en/%74rainer/',
  '/en/trainer%2findex.html',
  '/EN/TRAINER/',
  '/en/Trainer/',
  '/en/trainer/%2e%2e/trainer/index.html',
  '/en/trainer/..%2f..%2fdist-private/en/trainer/index.html',
  '/..%2fdist-private/en/trainer/index.html',
  '/dist-private/en/trainer/index.html',
];

describe.each(storeKinds())('trainer pages on $name', (kind) => {
  let server: TestServer;
  let cleanup = (): Promise<void> => Promise.resolve();

  beforeAll(async () => {
    const opened = await kind.open();
    cleanup = () => opened.cleanup();
    const started = await startPlatform(opened.store, { staticDir: dist });
    server = started.server;
    await createStaffUser(started.platform.staff, 'trainer-pages', 'trainer', STAFF_PASSWORD);
    await createStaffUser(started.platform.staff, 'dpo-pages', 'dpo', STAFF_PASSWORD);
  }, 60_000);

  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  it('are not in the public build', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(dist, { recursive: true }).map(String);
    expect(files.filter((file) => file.includes('trainer'))).toEqual([]);
    expect(readdirSync(path.join(privateDir, 'en/trainer'))).toContain('index.html.br');
  });

  it('give an anonymous request no trainer content, however the path is spelled', async () => {
    for (const target of TRAINER_PATHS) {
      for (const encoding of ['', 'br', 'gzip']) {
        const res = await rawGet(
          server,
          target,
          encoding === '' ? {} : { 'accept-encoding': encoding },
        );
        const shown = `${target} (${encoding || 'identity'}) → ${res.status}`;
        expect(res.body.toString('latin1'), shown).not.toContain('ANSWER-POINT');
        expect(res.headers['content-encoding'], shown).toBeUndefined();
        expect([301, 303, 400, 401, 403, 404], shown).toContain(res.status);
      }
    }
  });

  it('send a browser to the staff sign-in page with the page asked for as next', async () => {
    const res = await rawGet(server, '/en/trainer/kits/a/', { accept: 'text/html' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/en/staff/login/?next=%2Fen%2Ftrainer%2Fkits%2Fa%2F');
    const fr = await rawGet(server, '/fr/trainer/', { 'sec-fetch-mode': 'navigate' });
    expect(fr.headers.location).toBe('/fr/staff/login/?next=%2Ffr%2Ftrainer%2F');
    const json = await rawGet(server, '/en/trainer/search-index.json');
    expect(json.status).toBe(401);
  });

  it('refuse a learner credential and a wrong or ended session', async () => {
    const learner = await createCredential(server.store, ['statements/write']);
    const withBasic = await rawGet(server, '/en/trainer/', {
      authorization: learner.authorization,
    });
    expect(withBasic.status).toBe(403);
    expect(withBasic.body.toString()).not.toContain('ANSWER-POINT');
    const forged = await rawGet(server, '/en/trainer/', { cookie: 'cp_staff=forged-token' });
    expect(forged.status).toBe(401);
    const { cookie, csrf } = await staffLogin(server, 'trainer-pages');
    const out = await api(server, '/api/staff/logout', {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(out.status).toBe(204);
    const after = await rawGet(server, '/en/trainer/', { cookie });
    expect(after.status).toBe(401);
  });

  it('serve a trainer or DPO session the pages, compressed, with the security headers', async () => {
    for (const name of ['trainer-pages', 'dpo-pages']) {
      const { cookie } = await staffLogin(server, name);
      const res = await rawGet(server, '/en/trainer/kits/a/', { cookie });
      expect(res.status, `${name} ${res.body.toString()}`).toBe(200);
      expect(res.body.toString()).toContain(SECRET);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.headers['cache-control']).toBe('private, no-store');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      const br = await rawGet(server, '/en/trainer/search-index.json', {
        cookie,
        'accept-encoding': 'br',
      });
      expect(br.status).toBe(200);
      expect(br.headers['content-encoding']).toBe('br');
      const { brotliDecompressSync } = await import('node:zlib');
      expect(brotliDecompressSync(br.body).toString()).toContain(SECRET);
      const bare = await rawGet(server, '/en/trainer', { cookie });
      expect(bare.status).toBe(301);
      expect(bare.headers.location).toBe('/en/trainer/');
    }
  });

  it('leave the public pages public', async () => {
    const res = await rawGet(server, '/en/modules/a/');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('learner page');
  });
});
