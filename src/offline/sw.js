/* The course's service worker. The build fills in VERSION, PRECACHE and TRACKS
 * (src/offline/precache.ts). It downloads nothing by itself: it keeps a copy of what the learner
 * opens (pages network-first, hashed bundles cache-first) and, when the learner asks, every page
 * and file of one track in one language, so that the track reads and searches offline.
 * Learner records (/xapi/) and the platform (/api/) never touch it. */
/// <reference lib="webworker" />
const VERSION = '__VERSION__';
/** Every file the site may keep, with its content hash. @type {{ url: string; revision: string }[]} */
const PRECACHE = JSON.parse('__PRECACHE__');
/** The tracks a learner can save, by "lang/track": indexes into PRECACHE, and their size over the
 * wire. @type {Record<string, { files: number[]; bytes: number }>} */
const TRACKS = JSON.parse('__TRACKS__');
const VISITED = 'cp-visited';
const TRACK_PREFIX = 'cp-track:';
/** The entry a saved track's cache gets last: without it, a save was interrupted. */
const COMPLETE = '/.cp-track-complete';
const REVISION_HEADER = 'x-cp-revision';
const REVISIONS = new Map(PRECACHE.map((entry) => [entry.url, entry.revision]));
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

/** Whether a request is the worker's business: same origin, GET, and no learner record. */
function handled(url, method) {
  if (method !== 'GET' || url.origin !== sw.location.origin) return false;
  if (url.pathname.startsWith('/xapi/') || url.pathname.startsWith('/api/')) return false;
  return url.pathname !== '/sw.js';
}

/** Stores a response under its path with its revision, so a later version can tell if it changed. */
async function keep(cache, path, response) {
  const headers = new Headers(response.headers);
  const revision = REVISIONS.get(path);
  if (revision !== undefined) headers.set(REVISION_HEADER, revision);
  const copy = new Response(await response.blob(), { status: response.status, headers });
  await cache.put(path, copy);
}

/** Keeps a copy of a response the page received, for reading offline later. */
async function keepVisited(path, response) {
  if (!response.ok || response.redirected || response.type !== 'basic') return;
  await keep(await caches.open(VISITED), path, response);
}

/** A copy of this revision of a file in any of the worker's caches, so no file is fetched twice. */
async function keptCopy(path, revision) {
  for (const name of await caches.keys()) {
    if (name !== VISITED && !name.startsWith(TRACK_PREFIX)) continue;
    const hit = await (await caches.open(name)).match(path);
    if (hit && (path.startsWith('/_astro/') || hit.headers.get(REVISION_HEADER) === revision)) {
      return hit;
    }
  }
  return undefined;
}

/**
 * Saves a track's files in its cache, reusing copies already kept; reports progress in bytes of
 * the build's estimate. Files of another version are replaced, files the track no longer has are
 * removed, and the completion mark goes in last.
 */
async function saveTrack(key, onProgress) {
  const track = TRACKS[key];
  if (!track) throw new Error(`no track ${key}`);
  const cache = await caches.open(TRACK_PREFIX + key);
  const wanted = track.files.map((i) => PRECACHE[i]);
  const paths = new Set(wanted.map((entry) => entry.url));
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (path !== COMPLETE && !paths.has(path)) await cache.delete(request);
  }
  let done = 0;
  for (const { url, revision } of wanted) {
    const kept = await keptCopy(url, revision);
    if (kept) {
      await cache.put(url, kept);
    } else {
      const response = await fetch(url, { cache: 'no-cache' });
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      await keep(cache, url, response);
    }
    done += 1;
    onProgress(done, wanted.length);
  }
  await cache.put(COMPLETE, new Response(VERSION));
}

/** Whether a track has been saved completely, and in which version. */
async function savedVersion(key) {
  if (!(await caches.has(TRACK_PREFIX + key))) return null;
  const mark = await (await caches.open(TRACK_PREFIX + key)).match(COMPLETE);
  return mark ? await mark.text() : null;
}

// Nothing is downloaded on install: the learner's data plan is theirs to spend. A new version
// waits for the learner's "Update now" (src/offline/register.ts), as an open page may still need
// bundles of the version it was built with.

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        // The caches of earlier versions that downloaded the whole course.
        if (name.startsWith('cp-course-')) await caches.delete(name);
      }
      // Bundles of earlier builds are never asked for again.
      const visited = await caches.open(VISITED);
      for (const request of await visited.keys()) {
        const path = new URL(request.url).pathname;
        if (path.startsWith('/_astro/') && !REVISIONS.has(path)) await visited.delete(request);
      }
      await sw.clients.claim();
      // A saved track follows the course: only the files that changed are downloaded. Offline,
      // the old copy stays until the next version.
      for (const name of await caches.keys()) {
        if (!name.startsWith(TRACK_PREFIX)) continue;
        const key = name.slice(TRACK_PREFIX.length);
        if (!TRACKS[key]) {
          await caches.delete(name);
          continue;
        }
        if ((await savedVersion(key)) === VERSION) continue;
        await saveTrack(key, () => undefined).catch(() => undefined);
      }
    })(),
  );
});

sw.addEventListener('message', (event) => {
  const data = event.data ?? {};
  const port = event.ports[0];
  if (data.type === 'SKIP_WAITING') void sw.skipWaiting();
  if (data.type === 'KEEP_PAGE' && Array.isArray(data.urls)) {
    // The page the learner opened before the worker was in control, and what it loaded: kept
    // from the browser's HTTP cache where it can, so nothing else is downloaded.
    event.waitUntil(
      (async () => {
        for (const raw of data.urls) {
          const url = new URL(raw, sw.location.origin);
          if (!handled(url, 'GET') || (await caches.match(url.pathname))) continue;
          try {
            await keepVisited(url.pathname, await fetch(url, { cache: 'force-cache' }));
          } catch {
            // Offline already: it stays uncached.
          }
        }
      })(),
    );
  }
  if (!port) return;
  const key = typeof data.track === 'string' ? data.track : '';
  if (data.type === 'TRACK_INFO') {
    event.waitUntil(
      (async () => {
        const track = TRACKS[key];
        const saved = await savedVersion(key);
        port.postMessage({
          known: Boolean(track),
          bytes: track ? track.bytes : 0,
          files: track ? track.files.length : 0,
          saved: saved !== null,
        });
      })(),
    );
  }
  if (data.type === 'SAVE_TRACK') {
    event.waitUntil(
      saveTrack(key, (done, total) => {
        port.postMessage({ type: 'progress', done, total });
      }).then(
        () => {
          port.postMessage({ type: 'done' });
        },
        (error) => {
          port.postMessage({ type: 'error', message: String(error) });
        },
      ),
    );
  }
  if (data.type === 'REMOVE_TRACK') {
    event.waitUntil(
      caches.delete(TRACK_PREFIX + key).then(() => {
        port.postMessage({ type: 'removed' });
      }),
    );
  }
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== sw.location.origin) return;
  if (url.pathname.startsWith('/xapi/') || url.pathname.startsWith('/api/')) return;
  const path = url.pathname;
  event.respondWith(
    (async () => {
      // Bundles carry a hash of their content in their name: a kept copy is always right.
      if (path.startsWith('/_astro/')) {
        const cached = await caches.match(path);
        if (cached) return cached;
        const response = await fetch(request);
        event.waitUntil(keepVisited(path, response.clone()));
        return response;
      }
      // Pages and other files: the network first, so an online learner sees the latest course;
      // the kept copy when offline. The query string never selects a different file here.
      try {
        const response = await fetch(request);
        event.waitUntil(keepVisited(path, response.clone()));
        return response;
      } catch (error) {
        const cached = await caches.match(path, { ignoreSearch: true });
        if (cached) return cached;
        if (request.mode === 'navigate') {
          const fallback = await caches.match('/404.html');
          if (fallback) return fallback;
        }
        throw error;
      }
    })(),
  );
});
