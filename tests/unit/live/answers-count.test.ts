import { describe, expect, it } from 'vitest';
import en from '../../../src/i18n/en/live.json';
import fr from '../../../src/i18n/fr/live.json';
import { answersCount } from '../../../src/islands/live/RoomChart.tsx';

// The count over the room's chart, on the projector and on every phone: "1 answer", not
// "1 answers"; in French 0 and 1 take the singular.
describe('the count of the room answers', () => {
  it('is singular for one answer and plural otherwise, in English', () => {
    expect([0, 1, 2, 40].map((n) => answersCount(n, 'en', en))).toEqual([
      '0 answers',
      '1 answer',
      '2 answers',
      '40 answers',
    ]);
  });

  it('is singular for none and one, and plural from two, in French', () => {
    expect([0, 1, 2, 40].map((n) => answersCount(n, 'fr', fr))).toEqual([
      '0 réponse',
      '1 réponse',
      '2 réponses',
      '40 réponses',
    ]);
  });
});
