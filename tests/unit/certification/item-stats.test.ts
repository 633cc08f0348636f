import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/server/platform/certification/rules.ts';
import {
  correlation,
  itemStatistics,
  MIN_SEEN,
} from '../../../src/server/platform/reports/item-stats.ts';
import type { GradedAttemptRow } from '../../../src/server/platform/store/item-stats.ts';

const FIXTURE_ROOT = path.resolve('tests/fixtures/certification');

describe('item statistics', () => {
  it('computes Pearson correlation, null when a side does not vary', () => {
    expect(correlation([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8])).toBeGreaterThan(0.9);
    expect(correlation([1, 0, 1, 0], [0.1, 0.9, 0.2, 0.8])).toBeLessThan(-0.9);
    expect(correlation([1, 1, 1], [0.1, 0.5, 0.9])).toBeNull();
  });

  it('flags negative discrimination, an unchosen distractor and a gap between languages', async () => {
    const track = (await loadCatalog(FIXTURE_ROOT)).get('police-pre-deployment');
    if (track === undefined) throw new Error('no fixture track');
    const item = track.modules[0]?.banks.en?.items[0];
    if (item?.type !== 'scenario') throw new Error('fixture changed');
    const right = item.options.find((o) => o.correct)?.id ?? '';
    const wrong = item.options.find((o) => !o.correct)?.id ?? '';
    // Strong learners (rest of the form right) miss the item; weak ones get it: a key error, or a
    // translation that changes the question. English speakers get it, French ones do not.
    const rows: GradedAttemptRow[] = [];
    for (let i = 0; i < MIN_SEEN; i += 1) {
      const strong = i % 2 === 0;
      rows.push({
        language: strong ? 'fr' : 'en',
        items: [
          { item: item.id, score: strong ? 0 : 1, chosen: [strong ? wrong : right] },
          { item: 'other-1', score: strong ? 1 : 0, chosen: [] },
          { item: 'other-2', score: strong ? 1 : 0.2, chosen: [] },
        ],
      });
    }
    const stat = itemStatistics(track, rows, new Set([item.id])).find((s) => s.item === item.id);
    expect(stat).toMatchObject({
      seen: MIN_SEEN,
      facility: 0.5,
      facilityEn: 1,
      facilityFr: 0,
      retired: true,
    });
    expect(stat?.discrimination).toBeLessThan(-0.9);
    expect(stat?.flags.sort()).toEqual([
      'language-gap',
      'negative-discrimination',
      'unchosen-distractor',
    ]);
    // Below MIN_SEEN attempts nothing is judged.
    const few = itemStatistics(track, rows.slice(0, 4), new Set()).find((s) => s.item === item.id);
    expect(few?.flags).toEqual([]);
  });
});
