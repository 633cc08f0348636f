import { readFileSync } from 'node:fs';
import { expect, type Locator, type Page } from '@playwright/test';
import { parse } from 'yaml';
import type { FollowUp, Question } from '../../../src/schemas/quiz.ts';
import { quizDataSchema } from '../../../src/quiz/validate.ts';
import type { QuizStrings } from '../../../src/quiz/client.ts';

const strings = JSON.parse(readFileSync('src/i18n/en/quiz.json', 'utf8')) as QuizStrings;

async function chooseRight(field: Locator, question: FollowUp): Promise<void> {
  if (question.type === 'true-false') {
    await field.locator(`input[data-option-id="${String(question.answer)}"]`).check();
    return;
  }
  for (const option of question.options.filter((o) => o.correct)) {
    await field.locator(`input[data-option-id="${option.id}"]`).check();
  }
}

/** Answers the knowledge check's question shown, rightly, with the mouse. */
async function answerRight(section: Locator, question: Question): Promise<void> {
  const field = section.locator(':scope > fieldset').first();
  switch (question.type) {
    case 'single-choice':
    case 'multiple-response':
    case 'true-false':
      await chooseRight(field, question);
      break;
    case 'matching':
      for (const item of question.items) {
        await section.locator(`li[data-item-id="${item.id}"] select`).selectOption(item.target);
      }
      break;
    case 'ordering':
      for (const [place, step] of question.steps.entries()) {
        const shown = await section
          .locator('li[data-step-id]')
          .evaluateAll((items) => items.map((item) => item.getAttribute('data-step-id')));
        for (let at = shown.indexOf(step.id); at > place; at -= 1) {
          await section.locator(`li[data-step-id="${step.id}"] button`).first().click();
        }
      }
      if ((await section.getByRole('button', { name: strings.keepOrder }).count()) > 0) {
        await section.getByRole('button', { name: strings.keepOrder }).click();
      }
      break;
    case 'scenario': {
      const best = question.options.find((option) => option.correct);
      if (!best) throw new Error(`scenario ${question.id} has no right option`);
      await field.locator(`input[data-option-id="${best.id}"]`).check();
      if (question.followUp) {
        await chooseRight(section.locator('.cpq-followup > fieldset'), question.followUp);
      }
      break;
    }
  }
}

/**
 * Opens an English module page and passes its knowledge check, every answer right, as a learner
 * does with the mouse; the answers come from the quiz file, the site never has them together.
 */
export async function passKnowledgeCheck(page: Page, base: string, moduleId: string) {
  const quiz = quizDataSchema.parse(
    parse(readFileSync(`content/quizzes/en/${moduleId}.yaml`, 'utf8')),
  );
  const byId = new Map(quiz.questions.map((question) => [question.id, question]));
  await page.goto(`${base}/en/modules/${moduleId}/`);
  const root = page.locator(`.cpq[data-quiz-id="${quiz.id}"]`);
  await root.scrollIntoViewIfNeeded();
  await root.getByRole('button', { name: strings.start }).click();
  for (let step = 0; step < quiz.questions.length; step += 1) {
    const section = root.locator('[data-question-id]');
    await expect(section).toHaveCount(1);
    const question = byId.get((await section.getAttribute('data-question-id')) ?? '');
    if (!question) throw new Error('the page shows a question the quiz file does not have');
    await answerRight(section, question);
    await section.getByRole('button', { name: strings.check }).click();
    const last = step === quiz.questions.length - 1;
    await section.getByRole('button', { name: last ? strings.finish : strings.next }).click();
  }
  await expect(root.locator('.cpq-results')).toContainText(strings.passed);
}
