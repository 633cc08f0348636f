import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderGraph, folderLoops } from './imports.ts';

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
