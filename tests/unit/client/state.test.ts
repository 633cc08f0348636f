import { describe, expect, it } from 'vitest';
import { mergeProgress, parseModuleProgress, quizRank } from '../../../src/client/state.ts';

const attempt = (used: number, checked: string[] | null) => ({
  used,
  ...(checked === null
    ? { last: { attempt: used, seed: 1, responses: {}, score: {} } }
    : {
        current: { attempt: used, seed: 1, startedAt: 0, index: 0, responses: {}, checked },
      }),
});

describe('module progress in the State resource', () => {
  it('tolerates damaged documents', () => {
    expect(parseModuleProgress(null)).toEqual({ read: [] });
    expect(parseModuleProgress({ read: [1, 'x', 'key-messages', 2.5], passed: 'yes' })).toEqual({
      read: [1, 'key-messages'],
    });
  });

  it('ranks quiz progress by attempts, then answers checked, a finished attempt last', () => {
    expect(quizRank(undefined)).toBe(-1);
    expect(quizRank(attempt(1, []))).toBeLessThan(quizRank(attempt(1, ['q1'])));
    expect(quizRank(attempt(1, ['q1', 'q2']))).toBeLessThan(quizRank(attempt(1, null)));
    expect(quizRank(attempt(1, null))).toBeLessThan(quizRank(attempt(2, [])));
  });

  it('merges two devices without losing a section read or quiz answers', () => {
    const phone = {
      read: [1, 2],
      section: { key: 2, id: 'the-six-grave-violations', at: '2026-03-02T10:00:00.000Z' },
      quiz: { key: 'cp-quiz:m:q', value: attempt(1, ['q1', 'q2']) },
    };
    const laptop = {
      read: [1, 3],
      passed: true,
      section: { key: 3, id: 'pourquoi', at: '2026-03-02T11:00:00.000Z' },
      quiz: { key: 'cp-quiz:m:q', value: attempt(1, ['q1']) },
    };
    const merged = mergeProgress(phone, laptop);
    expect(merged.read.sort()).toEqual([1, 2, 3]);
    expect(merged.section?.key).toBe(3);
    expect(merged.passed).toBe(true);
    expect(merged.quiz?.value).toEqual(attempt(1, ['q1', 'q2']));
    expect(mergeProgress(laptop, phone)).toEqual({ ...merged, read: [1, 3, 2] });
  });
});
