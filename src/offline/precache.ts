import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** One file the service worker keeps, with a hash of its content as its revision. */
export interface PrecacheEntry {
  url: string;
  revision: string;
}

/** File types the course needs offline; anything else (source maps, for one) stays online. */
const OFFLINE_TYPES = /\.(html|js|css|json|svg|png|webp|ico|txt|woff2)$/;

/** The URL a browser asks for a built file: folders for index.html, the file path otherwise. */
export function urlOf(file: string): string {
  const path = `/${file.split(sep).join('/')}`;
  return path.endsWith('/index.html') ? path.slice(0, -'index.html'.length) : path;
}

/** Lists every file of the built site the course needs offline, in a stable order. */
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

/** Fills the service worker template with the manifest and a version derived from it. */
export function renderServiceWorker(template: string, entries: PrecacheEntry[]): string {
  const manifest = JSON.stringify(entries);
  const version = createHash('sha256').update(manifest).digest('hex').slice(0, 12);
  return template
    .replace("'__VERSION__'", JSON.stringify(version))
    .replace("JSON.parse('__PRECACHE__')", manifest);
}
