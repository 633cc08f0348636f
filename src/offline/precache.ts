import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';

/** One file the service worker may keep, with a hash of its content as its revision. */
export interface PrecacheEntry {
  url: string;
  revision: string;
}

/** File types the course needs offline; anything else (source maps, for one) stays online. */
const OFFLINE_TYPES = /\.(html|js|css|json|webmanifest|svg|png|webp|ico|txt|woff2)$/;

/** The URL a browser asks for a built file: folders for index.html, the file path otherwise. */
export function urlOf(file: string): string {
  const path = `/${file.split(sep).join('/')}`;
  return path.endsWith('/index.html') ? path.slice(0, -'index.html'.length) : path;
}

/** Lists every file of the built site the course may need offline, in a stable order. */
export function precacheManifest(distDir: string): PrecacheEntry[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? walk(full) : [full];
    });
  return walk(distDir)
    .map((full) => relative(distDir, full))
    .filter((file) => OFFLINE_TYPES.test(file) && file !== 'sw.js')
    .map((file) => ({
      url: urlOf(file),
      revision: createHash('sha256')
        .update(readFileSync(join(distDir, file)))
        .digest('hex')
        .slice(0, 16),
    }))
    .sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
}

/**
 * Fills the service worker template with the file list, the tracks a learner can save (keyed
 * "lang/track") and a version derived from both.
 */
export function renderServiceWorker(
  template: string,
  entries: PrecacheEntry[],
  tracks: Record<string, SavedTrackFiles> = {},
): string {
  const manifest = JSON.stringify(entries);
  const saved = JSON.stringify(tracks);
  const version = createHash('sha256').update(manifest).update(saved).digest('hex').slice(0, 12);
  return template
    .replace("'__VERSION__'", JSON.stringify(version))
    .replace("JSON.parse('__PRECACHE__')", manifest)
    .replace("JSON.parse('__TRACKS__')", saved);
}

/** A track as the learner saves it: its id, its language and its modules. */
export interface TrackToSave {
  id: string;
  lang: string;
  modules: string[];
}

/** What a saved track holds: the URLs (indexes into the precache list) and their transfer size. */
export interface SavedTrackFiles {
  files: number[];
  bytes: number;
}

/** Built files that refer to other files: pages, stylesheets and scripts. */
const REFERRING = /\.(html|css|js)$/;
/** Site paths in a page's attributes (src, href, the islands' component and renderer URLs). */
const PAGE_REFS = /(?:src|href|component-url|renderer-url|before-hydration-url)="(\/[^"#?]*)/g;
/** Sibling bundles a script or stylesheet names (static and dynamic imports, preload lists, url()). */
const ASSET_REFS = /["'`(](?:\.\/|\/_astro\/|_astro\/)([\w.~-]+\.(?:js|css|woff2|svg|png|webp))/g;
/** Compressible types: the service sends their Brotli copy (integrations/precompress.ts). */
const COMPRESSIBLE = /\.(html|js|css|json|svg|txt|xml|webmanifest)$/;

/** The built file behind a URL of the precache list. */
function fileOf(distDir: string, url: string): string {
  return join(distDir, url.endsWith('/') ? `${url}index.html` : url);
}

/** The pages of a track that open offline once it is saved, in the track's language. */
export function trackPages(track: TrackToSave): string[] {
  const l = `/${track.lang}/`;
  return [
    l,
    ...track.modules.map((module) => `${l}modules/${module}/`),
    `${l}glossary/`,
    `${l}search/`,
    `${l}about/`,
    `${l}search-index.json`,
    `${l}manifest.webmanifest`,
    '/404.html',
    '/favicon.svg',
    '/icons/icon-192.png',
  ];
}

/**
 * The files a saved track needs: its pages and everything they load, followed from page to
 * script to script (dynamic imports included), with their size over the wire: the Brotli size
 * at the quality the build uses for compressible files, the file size for the rest.
 */
export function trackFiles(
  distDir: string,
  entries: PrecacheEntry[],
  track: TrackToSave,
  sizeOf: (file: string) => number,
): SavedTrackFiles {
  const index = new Map(entries.map((entry, i) => [entry.url, i]));
  const seen = new Set<string>();
  const queue = trackPages(track).filter((url) => index.has(url));
  while (queue.length > 0) {
    const url = queue.pop() ?? '';
    if (seen.has(url)) continue;
    seen.add(url);
    const file = fileOf(distDir, url);
    if (!REFERRING.test(file)) continue;
    const text = readFileSync(file, 'utf8');
    const refs = file.endsWith('.html')
      ? [...text.matchAll(PAGE_REFS)].map((match) => match[1] ?? '')
      : [...text.matchAll(ASSET_REFS)].map((match) => `/_astro/${match[1] ?? ''}`);
    for (const ref of refs) {
      // Links to other pages are not followed: only the track's own pages are saved.
      if (index.has(ref) && !seen.has(ref) && (ref.startsWith('/_astro/') || !ref.endsWith('/'))) {
        queue.push(ref);
      }
    }
  }
  const urls = [...seen].sort();
  return {
    files: urls.map((url) => index.get(url) ?? -1),
    bytes: urls.reduce((sum, url) => sum + sizeOf(fileOf(distDir, url)), 0),
  };
}

/**
 * A file's size over the wire: Brotli (quality 5, as the build) for text, as is otherwise. A file
 * whose Brotli copy an earlier step of the build wrote (the search indexes, 8 MB at 100 generated
 * modules) is measured by that copy, which is what the server sends, instead of compressing it
 * again.
 */
export function transferSize(file: string): number {
  if (!COMPRESSIBLE.test(file)) return statSync(file).size;
  const size = statSync(file);
  const copy = statSync(`${file}.br`, { throwIfNoEntry: false });
  if (copy !== undefined && copy.mtimeMs >= size.mtimeMs) return Math.min(copy.size, size.size);
  const bytes = readFileSync(file);
  const compressed = brotliCompressSync(bytes, {
    params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 },
  }).length;
  return Math.min(compressed, bytes.length);
}
