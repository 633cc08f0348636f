// Transfer benchmark: what a learner's browser downloads for every page of the built site, in
// both languages, on a first visit (empty cache) and on a later visit (after the service worker
// has cached the course). Serves dist/ with the project's own server, drives Debian's Chromium,
// counts encoded bytes per response from the DevTools protocol, and writes bench/transfer.json.
// Run `npm run build` first (or `npm run bench`, which builds).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { chromium } from '@playwright/test';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');

function pages() {
  const walk = (dir) =>
    readdirSync(dir).flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? walk(full) : [full];
    });
  return walk(dist)
    .filter((file) => file.endsWith('index.html'))
    .map((file) => `/${relative(dist, file)}`.replace(/index\.html$/, ''))
    .filter((path) => /^\/(en|fr)\//.test(path))
    .sort();
}

const port = await new Promise((done) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = server.address();
    server.close(() => done(free));
  });
});
const dataDir = mkdtempSync(join(tmpdir(), 'cp-bench-transfer-'));
const server = spawn(process.execPath, [join(root, 'src/server/main.ts')], {
  env: { ...process.env, PORT: String(port), SITE_DIR: dist, DATA_DIR: dataDir, DATABASE_URL: '' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((done, fail) => {
  server.stdout.on('data', (chunk) => {
    if (String(chunk).includes('listening')) done();
  });
  server.on('exit', (code) => fail(new Error(`server exited with ${code}`)));
});

const base = `http://127.0.0.1:${port}`;
const executablePath =
  process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const browser = await chromium.launch({
  ...(executablePath ? { executablePath } : {}),
  // Without these, Chromium's background connections fail against this machine's closed network.
  args: ['--disable-background-networking', '--disable-component-update', '--no-first-run'],
});

/** Loads a page and returns the bytes that came over the network (not from a cache). */
async function visit(page, session, path) {
  const fromCache = new Set();
  let bytes = 0;
  let requests = 0;
  const onResponse = ({ requestId, response }) => {
    if (response.fromServiceWorker || response.fromDiskCache || response.fromPrefetchCache) {
      fromCache.add(requestId);
    }
  };
  const onFinished = ({ requestId, encodedDataLength }) => {
    if (fromCache.has(requestId)) return;
    bytes += encodedDataLength;
    requests += 1;
  };
  session.on('Network.responseReceived', onResponse);
  session.on('Network.loadingFinished', onFinished);
  await page.goto(base + path, { waitUntil: 'networkidle' });
  session.off('Network.responseReceived', onResponse);
  session.off('Network.loadingFinished', onFinished);
  return { bytes, requests };
}

const results = [];
for (const path of pages()) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const session = await context.newCDPSession(page);
  await session.send('Network.enable');
  const first = await visit(page, session, path);
  // Let the service worker finish caching the course, as it would after a first visit.
  await page.waitForFunction(async () => {
    const registration = await navigator.serviceWorker.ready;
    return registration.active?.state === 'activated' && navigator.serviceWorker.controller;
  });
  const later = await visit(page, session, path);
  results.push({
    page: path,
    firstVisitBytes: first.bytes,
    firstVisitRequests: first.requests,
    laterVisitBytes: later.bytes,
    laterVisitRequests: later.requests,
  });
  await context.close();
}
await browser.close();
server.kill('SIGTERM');
rmSync(dataDir, { recursive: true, force: true });

const kb = (n) => (n / 1024).toFixed(1);
console.log('page'.padEnd(52), 'first visit KB (requests)', ' later visit KB (requests)');
for (const r of results) {
  console.log(
    r.page.padEnd(52),
    `${kb(r.firstVisitBytes)} (${r.firstVisitRequests})`.padStart(25),
    `${kb(r.laterVisitBytes)} (${r.laterVisitRequests})`.padStart(26),
  );
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
console.log(
  `\nmedian first visit ${kb(median(results.map((r) => r.firstVisitBytes)))} KB, later visit ${kb(median(results.map((r) => r.laterVisitBytes)))} KB over ${results.length} pages`,
);
// What the service worker downloads in the background after the first visit: the whole course,
// compressed as the server sends it (Brotli).
const precacheBytes = (() => {
  const walk = (dir) =>
    readdirSync(dir).flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? walk(full) : [full];
    });
  return walk(dist)
    .filter((file) => /\.(html|js|css|json|svg)$/.test(file) && !file.endsWith('sw.js'))
    .reduce(
      (sum, file) =>
        sum + (existsSync(`${file}.br`) ? statSync(`${file}.br`).size : statSync(file).size),
      0,
    );
})();
console.log(
  `the service worker then caches the whole course in the background: ${kb(precacheBytes)} KB`,
);
writeFileSync(
  join(root, 'bench/transfer.json'),
  JSON.stringify(
    { measuredAt: new Date().toISOString(), unit: 'bytes on the wire', pages: results },
    null,
    2,
  ) + '\n',
);
console.log('written to bench/transfer.json');
