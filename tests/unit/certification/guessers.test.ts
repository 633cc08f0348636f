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
