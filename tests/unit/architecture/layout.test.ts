import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderGraph, folderLoops, relativeImports, sourceFiles } from './imports.ts';
import { sqlStrings } from './sql.ts';

const src = path.resolve(import.meta.dirname, '../../../src');
const graph = folderGraph(src);

/** The imports from folder `from` (or below it) into folder `to` (or below it). */
function crossings(from: string, to: string): string[] {
  const within = (folder: string, root: string) => folder === root || folder.startsWith(`${root}/`);
  return [...graph]
    .filter(([folder]) => within(folder, from))
    .flatMap(([folder, targets]) =>
      [...targets].filter((t) => within(t, to)).map((t) => `${folder} -> ${t}`),
    );
}

describe('the layout', () => {
  it('has no import loop between any two folders of src/', () => {
    expect(folderLoops(graph)).toEqual([]);
  });

  it('keeps the LRS free of the platform: nothing under server/lrs imports server/platform', () => {
    expect(crossings('server/lrs', 'server/platform')).toEqual([]);
  });

  it('keeps the browser library under the islands: nothing in client/ imports islands/', () => {
    expect(crossings('client', 'islands')).toEqual([]);
  });

  it('keeps the browser and the service apart: no browser folder imports server/', () => {
    for (const browser of ['client', 'islands', 'pages', 'components', 'layouts']) {
      expect(crossings(browser, 'server')).toEqual([]);
    }
  });

  it('reads the imports of .astro, .tsx and .ts files (the checks above are not vacuous)', () => {
    expect(crossings('pages', 'layouts').length).toBeGreaterThan(0);
    expect(crossings('islands', 'client').length).toBeGreaterThan(0);
    expect(crossings('server', 'server/lrs').length).toBeGreaterThan(0);
  });

  it('finds a loop when there is one (the check itself can fail)', () => {
    const loop = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(folderLoops(loop)).toEqual([['a', 'b', 'c']]);
  });
});

// The database handle and SQL belong to the stores: the LRS's (lrs/store), the platform's
// (platform/store) and the connection itself (db); the composition roots (app.ts, main.ts and the
// command-line tools, in src/server itself) open them.
const STORE_FOLDERS = ['db', 'lrs/store', 'platform/store'];
const server = path.join(src, 'server');
const inStores = (file: string): boolean => {
  const folder = path.relative(server, path.dirname(file));
  return STORE_FOLDERS.some((f) => folder === f || folder.startsWith(`${f}/`));
};
const isRoot = (file: string): boolean => path.dirname(file) === server;

describe('the database stays in the stores', () => {
  it('is imported (src/server/db) only by the stores and the composition roots', () => {
    const db = path.join(server, 'db');
    const offenders = sourceFiles(src)
      .filter((file) => !inStores(file) && !isRoot(file))
      .filter((file) => relativeImports(file).some((t) => t === db || t.startsWith(`${db}/`)))
      .map((file) => path.relative(src, file));
    expect(offenders).toEqual([]);
  });

  it('is queried in SQL by no file outside the stores', () => {
    const offenders = sourceFiles(src)
      .filter((file) => /\.(ts|tsx|mjs)$/.test(file) && !inStores(file))
      .flatMap((file) =>
        sqlStrings(readFileSync(file, 'utf8'), file).map(
          (q) => `${path.relative(src, file)}: ${q}`,
        ),
      );
    expect(offenders).toEqual([]);
  });

  it('finds SQL in a string when there is some (the check itself can fail)', () => {
    const text = [
      "const a = 'SELECT 1';",
      'const b = `UPDATE learners SET name = ${x} WHERE id = 1`;',
      "const c = db.query('INSERT INTO t (a) VALUES ($1)');",
      "const d = 'Select a track'; const e = `deleted from the list`;",
    ].join('\n');
    expect(sqlStrings(text)).toEqual([
      'SELECT 1',
      'UPDATE learners SET name =  ?  WHERE id = 1',
      'INSERT INTO t (a) VALUES ($1)',
    ]);
  });
});
