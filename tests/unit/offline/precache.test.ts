import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  precacheManifest,
  renderServiceWorker,
  trackFiles,
  transferSize,
  urlOf,
} from '../../../src/offline/precache.ts';

/** Writes files (path to text) under a folder, making the folders they need. */
function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(resolve(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
}

describe('precache manifest', () => {
  let dist: string;

  beforeEach(() => {
    dist = mkdtempSync(join(tmpdir(), 'cp-dist-'));
    const files: Record<string, string> = {
      'index.html': '<meta http-equiv="refresh">',
      'en/index.html': 'home',
      'en/modules/a/index.html': 'module a',
      'en/search-index.json': '{}',
      '_astro/Quiz.abc.js': 'js',
      '_astro/Quiz.abc.js.map': 'map',
      '404.html': 'missing',
      'sw.js': 'old worker',
    };
    writeFiles(dist, files);
  });

  afterEach(() => {
    rmSync(dist, { recursive: true, force: true });
  });

  it('lists pages by the URL the browser asks for, and skips source maps and itself', () => {
    expect(precacheManifest(dist).map((entry) => entry.url)).toEqual([
      '/',
      '/404.html',
      '/_astro/Quiz.abc.js',
      '/en/',
      '/en/modules/a/',
      '/en/search-index.json',
    ]);
  });

  it('changes a revision only when the file changes', () => {
    const before = precacheManifest(dist);
    writeFileSync(join(dist, 'en/modules/a/index.html'), 'module a, corrected');
    const after = precacheManifest(dist);
    const changed = after.filter((entry, i) => entry.revision !== before[i]?.revision);
    expect(changed.map((entry) => entry.url)).toEqual(['/en/modules/a/']);
  });

  it('gives the worker a new version whenever the manifest changes', () => {
    const template = readFileSync(
      resolve(import.meta.dirname, '../../../src/offline/sw.js'),
      'utf8',
    );
    const first = renderServiceWorker(template, precacheManifest(dist));
    writeFileSync(join(dist, 'en/index.html'), 'home, new');
    const second = renderServiceWorker(template, precacheManifest(dist));
    const version = (code: string) => /const VERSION = "([0-9a-f]+)"/.exec(code)?.[1];
    expect(version(first)).toMatch(/^[0-9a-f]{12}$/);
    expect(version(second)).not.toBe(version(first));
    expect(second).toContain('"/en/modules/a/"');
    expect(second).not.toContain('__PRECACHE__');
    expect(second).not.toContain('__TRACKS__');
  });

  it('gives a track its pages and every bundle they load, static and dynamic, but no other page', () => {
    const files: Record<string, string> = {
      'en/index.html': '<a href="/en/modules/a/">a</a><a href="/en/modules/b/">b</a>',
      'en/modules/a/index.html':
        '<script type="module" src="/_astro/page.1.js"></script><astro-island component-url="/_astro/Quiz.abc.js"></astro-island>',
      'en/modules/b/index.html': 'module b, not in the track',
      '_astro/page.1.js': 'import{a}from"./shared.2.js";import("./lazy.3.js")',
      '_astro/shared.2.js': 'export const a=1',
      '_astro/lazy.3.js': 'export default 1',
      '_astro/unused.4.js': 'never loaded',
      'fr/index.html': 'accueil',
    };
    writeFiles(dist, files);
    const entries = precacheManifest(dist);
    const saved = trackFiles(dist, entries, { id: 't', lang: 'en', modules: ['a'] }, () => 10);
    expect(saved.files.map((i) => entries[i]?.url)).toEqual([
      '/404.html',
      '/_astro/Quiz.abc.js',
      '/_astro/lazy.3.js',
      '/_astro/page.1.js',
      '/_astro/shared.2.js',
      '/en/',
      '/en/modules/a/',
      '/en/search-index.json',
    ]);
    expect(saved.bytes).toBe(80);
  });

  it('maps nested index files to folder URLs', () => {
    expect(urlOf('fr/modules/x/index.html')).toBe('/fr/modules/x/');
    expect(urlOf('404.html')).toBe('/404.html');
  });
});

describe('transfer size', () => {
  let dir: string;
  const text = 'the same sentence again and again. '.repeat(200);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cp-size-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('compresses a text file that has no Brotli copy, and takes a picture as it is', () => {
    writeFiles(dir, { 'a.json': text, 'b.png': text });
    const size = transferSize(join(dir, 'a.json'));
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThan(text.length / 10);
    expect(transferSize(join(dir, 'b.png'))).toBe(text.length);
  });

  it('measures a file by the Brotli copy written after it, not by an older one', () => {
    writeFiles(dir, { 'a.json': text });
    const computed = transferSize(join(dir, 'a.json'));
    const copy = join(dir, 'a.json.br');
    writeFileSync(copy, 'x'.repeat(computed + 7));
    expect(transferSize(join(dir, 'a.json'))).toBe(computed + 7);
    // A copy older than the file is out of date: the file is compressed again.
    utimesSync(copy, new Date(0), new Date(0));
    expect(transferSize(join(dir, 'a.json'))).toBe(computed);
  });
});
