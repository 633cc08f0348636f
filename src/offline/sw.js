/* The course's service worker. The build fills in VERSION and PRECACHE (src/offline/precache.ts).
 * It keeps the whole course in one versioned cache so that, after one visit with a connection,
 * every page, island and search index opens offline. Learner records (/xapi/) never touch it. */
/// <reference lib="webworker" />
const VERSION = '__VERSION__';
/** @type {{ url: string; revision: string }[]} */
const PRECACHE = JSON.parse('__PRECACHE__');
const PREFIX = 'cp-course-';
const CACHE = `${PREFIX}${VERSION}`;
const REVISION_HEADER = 'x-cp-revision';
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

/** Finds an unchanged copy of a file in an older cache, so an update downloads only what changed. */
async function previousCopy(url, revision) {
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE) continue;
    const hit = await (await caches.open(name)).match(url);
    if (hit && hit.headers.get(REVISION_HEADER) === revision) return hit;
  }
  return undefined;
}

/** Stores a response with its revision, so a later version can tell whether it changed. */
async function withRevision(response, revision) {
  const headers = new Headers(response.headers);
  headers.set(REVISION_HEADER, revision);
  return new Response(await response.blob(), { status: response.status, headers });
}

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      for (const { url, revision } of PRECACHE) {
        const kept = await previousCopy(url, revision);
        if (kept) {
          await cache.put(url, kept);
          continue;
        }
        const response = await fetch(url, { cache: 'no-cache', redirect: 'follow' });
        if (!response.ok) throw new Error(`precache ${url}: HTTP ${response.status}`);
        await cache.put(url, await withRevision(response, revision));
      }
    })(),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') void sw.skipWaiting();
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== sw.location.origin) return;
  if (url.pathname.startsWith('/xapi/') || url.pathname.startsWith('/api/')) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      // The query string never selects a different file here (?q= on search, ?v= on the index).
      const cached = await cache.match(url.pathname, { ignoreSearch: true });
      if (cached) return cached;
      try {
        return await fetch(request);
      } catch (error) {
        if (request.mode === 'navigate') {
          const fallback = await cache.match('/404.html');
          if (fallback) return fallback;
        }
        throw error;
      }
    })(),
  );
});
