import { describe, expect, it } from 'vitest';
import { drawForm, gradeForm } from '../../../src/server/platform/certification/form.ts';
import { loadCatalog } from '../../../src/server/platform/certification/rules.ts';
import {
  guess,
  longestGuesser,
  uniformGuesser,
  type Guesser,
} from '../../server/certification-helpers.ts';

// A thousand guessers of each kind take a freshly drawn form of each track and language of the
// course's real banks, graded by the service's own grading code: fewer than 0.1% may pass.
const GUESSERS = 1000;

describe('guessing the certification assessment', async () => {
  const catalog = await loadCatalog();
  for (const [id, track] of catalog) {
    for (const lang of track.languages) {
      for (const [name, guesser] of [
        ['uniform', uniformGuesser],
        ['longest-option', longestGuesser],
      ] as [string, Guesser][]) {
        it(`${id} (${lang}): ${GUESSERS} ${name} guessers stay below a 0.1% pass rate`, () => {
          let passed = 0;
          let total = 0;
          for (let i = 0; i < GUESSERS; i += 1) {
            const { questions, form } = drawForm(track.modules, lang);
            const grade = gradeForm(
              track.modules,
              lang,
              form,
              guess(questions, guesser),
              track.rule.masteryScore,
            );
            if (grade.passed) passed += 1;
            total += grade.scaled;
          }
          // The mean shows the guessers really answered (and were graded): well above zero.
          console.info(
            `${id} ${lang} ${name}: ${passed}/${GUESSERS} passed, mean score ${(total / GUESSERS).toFixed(3)}`,
          );
          expect(total / GUESSERS).toBeGreaterThan(0.05);
          expect(passed / GUESSERS).toBeLessThan(0.001);
        });
      }
    }
  }
});

describe('the result of an attempt', async () => {
  const catalog = await loadCatalog();
  it('lists the outcomes in the course order, whatever order the questions came in', () => {
    for (const track of catalog.values()) {
      const course = track.modules.flatMap((m) =>
        (m.outcomes.en ?? []).map((o) => `${m.module}/${o.id}`),
      );
      const orders = new Set<string>();
      for (let i = 0; i < 5; i += 1) {
        const { questions, form } = drawForm(track.modules, 'en');
        orders.add(form.map((f) => f.outcome).join());
        const grade = gradeForm(
          track.modules,
          'en',
          form,
          guess(questions, uniformGuesser),
          track.rule.masteryScore,
        );
        expect(grade.outcomes.map((o) => `${o.module}/${o.outcome}`)).toEqual(course);
      }
      // The forms themselves were shuffled, so the order above is not theirs.
      expect(orders.size).toBeGreaterThan(1);
    }
  });
});
