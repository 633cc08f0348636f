import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderGraph, folderLoops } from './imports.ts';

const src = path.resolve(import.meta.dirname, '../../../src');

describe('the layout', () => {
  it('has no import loop between the service folders', () => {
    expect(folderLoops(folderGraph(path.join(src, 'server')))).toEqual([]);
  });

  it('keeps the LRS free of the platform: nothing under lrs/ imports platform/', () => {
    const graph = folderGraph(path.join(src, 'server'));
    const crossings = [...graph]
      .filter(([from]) => from === 'lrs' || from.startsWith('lrs/'))
      .flatMap(([from, to]) =>
        [...to].filter((t) => t.startsWith('platform')).map((t) => `${from} -> ${t}`),
      );
    expect(crossings).toEqual([]);
  });

  it('finds a loop when there is one (the check itself can fail)', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(folderLoops(graph)).toEqual([['a', 'b', 'c']]);
  });
});
