import { describe, expect, it } from 'vitest';
import { loadProgress, parseProgress, saveProgress } from '../../../src/quiz/progress.ts';
import type { QuizProgress } from '../../../src/quiz/progress.ts';

/** A Storage stand-in backed by a Map; `full` makes every write throw, as a full quota does. */
function memoryStorage(full = false): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => {
      items.clear();
    },
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => {
      items.delete(key);
    },
    setItem: (key, value) => {
      if (full) throw new Error('QuotaExceededError');
      items.set(key, value);
    },
  };
}

const progress: QuizProgress = {
  used: 2,
  current: {
    attempt: 2,
    seed: 12345,
    startedAt: 1_700_000_000_000,
    index: 1,
    responses: { q1: ['cpa'], q3: false, q4: { cpa: 'mission' } },
    checked: ['q1'],
  },
  last: {
    attempt: 1,
    seed: 999,
    responses: { q1: ['ops'] },
    score: { raw: 1, min: 0, max: 7, scaled: 0.142857, success: false },
  },
};

describe('quiz progress', () => {
  it('survives a save and a load', () => {
    const storage = memoryStorage();
    saveProgress(storage, 'k', progress);
    expect(loadProgress(storage, 'k')).toEqual(progress);
  });

  it('starts afresh on missing, damaged or foreign data', () => {
    for (const text of [null, '', '{', '[]', '{"used":-1}', '{"used":"2"}', 'null']) {
      expect(parseProgress(text)).toEqual({ used: 0 });
    }
  });

  it('keeps the attempt count when the unfinished attempt is damaged', () => {
    const damaged = JSON.stringify({ used: 3, current: { attempt: 3, seed: 'x' }, last: {} });
    expect(parseProgress(damaged)).toEqual({ used: 3 });
  });

  it('drops a finished attempt whose score is damaged', () => {
    const damaged = JSON.stringify({ ...progress, last: { ...progress.last, score: { raw: 1 } } });
    expect(parseProgress(damaged).last).toBeUndefined();
  });

  it('treats blocked or full storage as a first visit and does not throw', () => {
    expect(loadProgress(undefined, 'k')).toEqual({ used: 0 });
    const full = memoryStorage(true);
    expect(() => {
      saveProgress(full, 'k', progress);
    }).not.toThrow();
    expect(loadProgress(full, 'k')).toEqual({ used: 0 });
  });
});
