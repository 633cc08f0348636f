import { describe, expect, it } from 'vitest';
import {
  createRandom,
  planAttempt,
  seedFromString,
  shuffle,
  shuffleAwayFromOrder,
} from '../../../src/quiz/draw.ts';
import { quizDataSchema } from '../../../src/quiz/validate.ts';
import { rawQuiz } from './fixture.ts';

const quiz = quizDataSchema.parse(rawQuiz());
const ids = (items: readonly { id: string }[]) => items.map((item) => item.id);

describe('createRandom', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
    for (const value of first) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});

describe('shuffle', () => {
  const items = Array.from({ length: 20 }, (_, index) => index);

  it('is deterministic for a seed, keeps every item and leaves the input alone', () => {
    const once = shuffle(items, createRandom(7));
    expect(shuffle(items, createRandom(7))).toEqual(once);
    expect([...once].sort((a, b) => a - b)).toEqual(items);
    expect(once).not.toEqual(items);
    expect(items[0]).toBe(0);
  });

  it('gives different orders for different seeds', () => {
    const orders = new Set(
      [1, 2, 3, 4, 5].map((seed) => shuffle(items, createRandom(seed)).join()),
    );
    expect(orders.size).toBeGreaterThan(1);
  });
});

describe('shuffleAwayFromOrder', () => {
  it('never returns the written order of two or more items', () => {
    for (let seed = 0; seed < 200; seed += 1) {
      expect(shuffleAwayFromOrder(['a', 'b'], createRandom(seed))).toEqual(['b', 'a']);
      expect(shuffleAwayFromOrder(['a', 'b', 'c'], createRandom(seed)).join()).not.toBe('a,b,c');
    }
  });
});

describe('seedFromString', () => {
  it('is stable and tells strings apart', () => {
    expect(seedFromString('q5')).toBe(seedFromString('q5'));
    expect(seedFromString('q5')).not.toBe(seedFromString('q6'));
  });
});

describe('planAttempt', () => {
  it('rebuilds the same attempt from the same seed', () => {
    expect(planAttempt(quiz, 99)).toEqual(planAttempt(quiz, 99));
  });

  it('draws `draw` distinct questions from the pool', () => {
    const drawn = planAttempt({ ...quiz, draw: 4 }, 5);
    expect(drawn).toHaveLength(4);
    expect(new Set(ids(drawn)).size).toBe(4);
    for (const id of ids(drawn)) expect(ids(quiz.questions)).toContain(id);
  });

  it('draws different questions across seeds', () => {
    const sets = new Set(
      Array.from({ length: 10 }, (_, seed) =>
        ids(planAttempt({ ...quiz, draw: 3 }, seed))
          .sort()
          .join(),
      ),
    );
    expect(sets.size).toBeGreaterThan(1);
  });

  it('keeps pool order when questions are not shuffled', () => {
    const fixed = { ...quiz, shuffleQuestions: false, draw: 3 };
    for (let seed = 0; seed < 10; seed += 1) {
      const drawn = ids(planAttempt(fixed, seed));
      const positions = drawn.map((id) => ids(quiz.questions).indexOf(id));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
    expect(ids(planAttempt({ ...quiz, shuffleQuestions: false }, 1))).toEqual(ids(quiz.questions));
  });

  it('keeps options in their written order when options are not shuffled', () => {
    const drawn = planAttempt({ ...quiz, shuffleOptions: false }, 3);
    const q2 = drawn.find((question) => question.id === 'q2');
    expect(q2?.type === 'multiple-response' && ids(q2.options)).toEqual([
      'recruit',
      'abduct',
      'truancy',
      'curfew',
    ]);
  });

  it('always shows ordering steps out of their right order', () => {
    for (let seed = 0; seed < 50; seed += 1) {
      for (const shuffleOptions of [true, false]) {
        const q5 = planAttempt({ ...quiz, shuffleOptions }, seed).find(
          (question) => question.id === 'q5',
        );
        expect(q5?.type).toBe('ordering');
        if (q5?.type !== 'ordering') return;
        expect(ids(q5.steps).join()).not.toBe('safe,inform,refer,record');
        expect([...ids(q5.steps)].sort()).toEqual(['inform', 'record', 'refer', 'safe']);
      }
    }
  });

  it('does not change the quiz it plans from', () => {
    const before = JSON.stringify(quiz);
    planAttempt(quiz, 11);
    expect(JSON.stringify(quiz)).toBe(before);
  });
});
