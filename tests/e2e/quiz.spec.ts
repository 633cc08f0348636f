import { readdirSync, readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { parse } from 'yaml';
import type { FollowUp, Question, Quiz } from '../../src/schemas/quiz.ts';
import { quizDataSchema } from '../../src/quiz/validate.ts';
import type { QuizStrings } from '../../src/quiz/client.ts';

const strings = JSON.parse(readFileSync('src/i18n/en/quiz.json', 'utf8')) as QuizStrings;

const allTypes = [
  'single-choice',
  'multiple-response',
  'true-false',
  'matching',
  'ordering',
  'scenario',
] as const;

/** The first English quiz with a question of every type: the learner below meets them all. */
function findQuiz(): Quiz {
  const folder = 'content/quizzes/en';
  for (const file of readdirSync(folder).sort()) {
    const quiz = quizDataSchema.parse(parse(readFileSync(`${folder}/${file}`, 'utf8')));
    const types = new Set(quiz.questions.map((question) => question.type));
    if (allTypes.every((type) => types.has(type))) return quiz;
  }
  throw new Error(`no quiz in ${folder} has a question of every type`);
}

const quiz = findQuiz();
const pageUrl = `/en/modules/${quiz.module}/`;
const byId = new Map(quiz.questions.map((question) => [question.id, question]));

async function isFocused(target: Locator): Promise<boolean> {
  if ((await target.count()) === 0) return false;
  return target.evaluate((element) => element === document.activeElement);
}

/** Presses Tab (or Shift+Tab when the target is above the focus) until the target has focus. */
async function tabTo(page: Page, target: Locator, limit = 400): Promise<void> {
  for (let press = 0; press < limit; press += 1) {
    if (await isFocused(target)) return;
    const above =
      (await target.count()) > 0 &&
      (await target.evaluate((element) => {
        const active = document.activeElement;
        return (
          active !== null &&
          active !== document.body &&
          Boolean(element.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING)
        );
      }));
    await page.keyboard.press(above ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`could not reach ${target.toString()} with the keyboard`);
}

/** Tabs into a radio group, then uses the arrow keys (or Space) to choose one option. */
async function chooseRadio(page: Page, group: Locator, optionId: string): Promise<void> {
  const target = group.locator(`:scope > ul input[data-option-id="${optionId}"]`);
  for (let press = 0; press < 400; press += 1) {
    const inside = await group.evaluate(
      (element) =>
        element.contains(document.activeElement) &&
        document.activeElement instanceof HTMLInputElement &&
        document.activeElement.type === 'radio',
    );
    if (inside) break;
    await page.keyboard.press('Tab');
  }
  const count = await group.locator(':scope > ul input[type=radio]').count();
  for (let press = 0; press <= count && !(await target.isChecked()); press += 1) {
    await page.keyboard.press((await isFocused(target)) ? 'Space' : 'ArrowDown');
  }
  await expect(target).toBeChecked();
  await expect(target).toBeFocused();
}

async function tickCheckbox(page: Page, group: Locator, optionId: string): Promise<void> {
  const box = group.locator(`input[data-option-id="${optionId}"]`);
  await tabTo(page, box);
  await page.keyboard.press('Space');
  await expect(box).toBeChecked();
}

/** Chooses a target in a native select with the arrow keys. */
async function selectTarget(page: Page, select: Locator, targetId: string): Promise<void> {
  await tabTo(page, select);
  const values = await select
    .locator('option')
    .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
  const steps = values.indexOf(targetId) - values.indexOf(await select.inputValue());
  for (let press = 0; press < Math.abs(steps); press += 1) {
    await page.keyboard.press(steps > 0 ? 'ArrowDown' : 'ArrowUp');
  }
  await expect(select).toHaveValue(targetId);
}

async function answerChoice(
  page: Page,
  group: Locator,
  question: FollowUp,
  right: boolean,
): Promise<void> {
  if (question.type === 'true-false') {
    await chooseRadio(page, group, String(right ? question.answer : !question.answer));
    return;
  }
  const correct = question.options.filter((option) => option.correct);
  const wrong = question.options.filter((option) => !option.correct);
  if (question.type === 'single-choice') {
    const option = right ? correct[0] : wrong[0];
    if (!option) throw new Error(`question ${question.id} has no option to choose`);
    await chooseRadio(page, group, option.id);
    return;
  }
  for (const option of right ? correct : wrong.slice(0, 1)) {
    await tickCheckbox(page, group, option.id);
  }
}

/** Moves each step up into its place with the keyboard; focus must follow the moved step. */
async function orderSteps(page: Page, section: Locator, question: Question): Promise<void> {
  if (question.type !== 'ordering') return;
  for (const [place, step] of question.steps.entries()) {
    const shown = await section
      .locator('li[data-step-id]')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-step-id')));
    const from = shown.indexOf(step.id);
    if (from <= place) continue;
    const up = section.locator(`li[data-step-id="${step.id}"] button`).first();
    await tabTo(page, up);
    for (let press = 0; press < from - place; press += 1) {
      await page.keyboard.press('Enter');
      await expect(up).toBeFocused();
    }
    await expect(page.locator('.cpq [aria-live="polite"]')).toContainText(step.text);
  }
  await expect(section.locator('li[data-step-id]')).toHaveCount(question.steps.length);
  const order = await section
    .locator('li[data-step-id]')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-step-id')));
  expect(order).toEqual(question.steps.map((step) => step.id));
}

/** Answers the question shown, right or on purpose wrong, with the keyboard only. */
async function answer(page: Page, section: Locator, question: Question, right: boolean) {
  const field = section.locator(':scope > fieldset');
  switch (question.type) {
    case 'single-choice':
    case 'multiple-response':
    case 'true-false':
      await answerChoice(page, field, question, right);
      break;
    case 'matching':
      for (const item of question.items) {
        const wrongTarget = question.targets.find((target) => target.id !== item.target);
        await selectTarget(
          page,
          section.locator(`li[data-item-id="${item.id}"] select`),
          right ? item.target : (wrongTarget?.id ?? item.target),
        );
      }
      break;
    case 'ordering': {
      // Kept as shown when failing on purpose (at worst partial credit on one question), and when
      // the shown order needed no move: the learner says so with the keep button.
      if (right) await orderSteps(page, section, question);
      const keep = section.getByRole('button', { name: strings.keepOrder });
      if ((await keep.count()) > 0) {
        await tabTo(page, keep);
        await page.keyboard.press('Space');
        await expect(keep).toHaveCount(0);
        await expect(page.locator('.cpq [aria-live="polite"]')).toContainText(strings.orderKept);
        // The button is gone: focus is on the first step's controls, not lost to the page.
        await expect(section.locator('li[data-step-id] button').nth(1)).toBeFocused();
      }
      break;
    }
    case 'scenario': {
      const best = question.options.find((option) => option.correct === right);
      if (!best) throw new Error(`scenario ${question.id} has no option to choose`);
      await chooseRadio(page, field.first(), best.id);
      if (question.followUp) {
        await answerChoice(
          page,
          section.locator('.cpq-followup > fieldset'),
          question.followUp,
          right,
        );
      }
      break;
    }
  }
}

async function axeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((violation) => ({
    id: violation.id,
    nodes: violation.nodes.map((node) => node.target.join(' ')),
  }));
}

/** Scrolls to the quiz and waits for its start button (the island hydrates when the page is idle). */
async function openQuiz(page: Page): Promise<Locator> {
  await page.goto(pageUrl);
  const root = page.locator(`.cpq[data-quiz-id="${quiz.id}"]`);
  await root.scrollIntoViewIfNeeded();
  await expect(root.getByRole('button', { name: strings.start })).toBeVisible();
  return root;
}

/** Goes through one attempt with the keyboard; checks feedback on the way. */
async function takeAttempt(page: Page, root: Locator, right: boolean, checkAxe: boolean) {
  const seen = new Set<string>();
  for (let step = 0; step < quiz.questions.length; step += 1) {
    const section = root.locator('[data-question-id]');
    await expect(section).toHaveCount(1);
    const id = (await section.getAttribute('data-question-id')) ?? '';
    const question = byId.get(id);
    if (!question) throw new Error(`the page shows unknown question ${id}`);
    expect(seen.has(id)).toBe(false);
    seen.add(id);
    await expect(section.getByRole('heading', { level: 3 })).toBeFocused();

    if (question.type === 'ordering' && !right) {
      // Untouched, an ordering is not an answer: checking it asks for one and records nothing.
      await tabTo(page, section.getByRole('button', { name: strings.check }));
      await page.keyboard.press('Enter');
      await expect(section.locator('.cpq-alert')).toContainText(strings.answerFirst);
      await expect(section.locator(':scope > .cpq-explanation')).toHaveCount(0);
    }
    await answer(page, section, question, right);
    const button = section.getByRole('button', { name: strings.check });
    await tabTo(page, button);
    await page.keyboard.press('Enter');

    // Feedback: a word and an icon, the explanation, and the live region saying it too.
    const verdict = right ? strings.correct : strings.incorrect;
    await expect(section.locator(':scope > .cpq-explanation')).toContainText(question.explanation);
    if (question.type !== 'ordering' || right) {
      await expect(
        section.locator(':scope > .cpq-explanation .cpq-verdict').first(),
        `verdict on question ${id}`,
      ).toHaveText(new RegExp(`^[✓✗◐] ${verdict}$`));
    }
    await expect(root.locator('[aria-live="polite"]')).toContainText(question.explanation);
    if (checkAxe && (question.type === 'matching' || question.type === 'scenario')) {
      expect(await axeViolations(page)).toEqual([]);
    }

    // The button changed in place, so focus is still on it.
    const last = step === quiz.questions.length - 1;
    const next = section.getByRole('button', { name: last ? strings.finish : strings.next });
    await expect(next).toBeFocused();
    await page.keyboard.press('Enter');
  }
  expect(seen.size).toBe(quiz.questions.length);
}

test.describe('quiz island', () => {
  test.beforeEach(async ({ page }) => {
    await page.addInitScript(() => {
      const events: unknown[] = [];
      Object.assign(window, { quizEvents: events });
      document.addEventListener('cp-quiz', (event) => {
        const detail = (event as CustomEvent<Record<string, unknown>>).detail;
        events.push({
          kind: detail.kind,
          attempt: detail.attempt,
          success: detail.success,
          correct: detail.correct,
        });
      });
    });
  });

  test('from the top of the page, Tab alone reaches the start of the knowledge check', async ({
    page,
  }) => {
    await page.goto(pageUrl);
    const start = page.getByRole('button', { name: strings.start });
    for (let press = 0; press < 300 && !(await isFocused(start)); press += 1) {
      await page.keyboard.press('Tab');
    }
    await expect(start).toBeFocused();
  });

  test('a learner answers every question type with the keyboard, fails, retries and passes', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    const root = await openQuiz(page);
    await expect(page.locator(`#cp-quiz-static-${quiz.module}-${quiz.id}`)).toBeHidden();
    expect(await axeViolations(page)).toEqual([]);

    await tabTo(page, root.getByRole('button', { name: strings.start }));
    await page.keyboard.press('Enter');
    await takeAttempt(page, root, false, false);

    const results = root.getByRole('heading', { name: strings.results });
    await expect(results).toBeFocused();
    await expect(root.locator('.cpq-results')).toContainText(strings.failed);
    await expect(root.locator('[aria-live="polite"]')).toContainText(/You scored \d+%/);

    const review = root.getByRole('button', { name: strings.review });
    await tabTo(page, review);
    await page.keyboard.press('Enter');
    await expect(review).toHaveAttribute('aria-expanded', 'true');
    await expect(root.locator('.cpq-review [data-question-id]')).toHaveCount(quiz.questions.length);
    expect(await axeViolations(page)).toEqual([]);

    await tabTo(page, root.getByRole('button', { name: strings.retry }));
    await page.keyboard.press('Enter');
    await takeAttempt(page, root, true, true);

    await expect(results).toBeFocused();
    await expect(root.locator('.cpq-score')).toHaveText('You scored 100%');
    await expect(root.locator('.cpq-results')).toContainText(strings.passed);
    if (quiz.attempts !== 'unlimited') {
      await expect(root).toContainText(
        strings.attemptsLeft.replace('{count}', String(quiz.attempts - 2)),
      );
    }
    expect(await axeViolations(page)).toEqual([]);

    const events = (await page.evaluate(
      () => (window as unknown as { quizEvents: unknown[] }).quizEvents,
    )) as {
      kind: string;
      attempt: number;
      success?: boolean;
      correct?: boolean;
    }[];
    const finished = events.filter((event) => event.kind === 'attempt-finished');
    expect(finished.map((event) => [event.attempt, event.success])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(events.filter((event) => event.kind === 'attempt-started')).toHaveLength(2);
    const answered = events.filter((event) => event.kind === 'question-answered');
    expect(answered).toHaveLength(2 * quiz.questions.length);
    expect(answered.slice(quiz.questions.length).every((event) => event.correct)).toBe(true);
  });

  test('a reload keeps the attempt count and the unfinished answers', async ({ page }) => {
    const root = await openQuiz(page);
    await root.getByRole('button', { name: strings.start }).press('Enter');
    const section = root.locator('[data-question-id]');
    const id = (await section.getAttribute('data-question-id')) ?? '';
    const question = byId.get(id);
    if (!question) throw new Error(`unknown question ${id}`);
    await answer(page, section, question, true);

    await page.reload();
    await root.scrollIntoViewIfNeeded();
    await expect(root.getByText(strings.resume)).toBeVisible();
    const again = root.locator(`[data-question-id="${id}"]`);
    await expect(again).toBeVisible();
    if (question.type === 'single-choice' || question.type === 'true-false') {
      await expect(again.locator('input:checked')).toHaveCount(1);
    }
    const stored = await page.evaluate(
      (key) => JSON.parse(localStorage.getItem(key) ?? '{}') as { used?: number },
      `cp-quiz:${quiz.module}:${quiz.id}`,
    );
    expect(stored.used).toBe(1);
  });

  test('at 360 px wide the quiz fits without horizontal scrolling', async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 360, height: 740 });
    const root = await openQuiz(page);
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth);
    expect(await fits()).toBeLessThanOrEqual(360);
    await root.getByRole('button', { name: strings.start }).press('Enter');
    // One pass per question; which one is shown depends on the shuffle.
    for (let left = quiz.questions.length; left > 0; left -= 1) {
      const section = root.locator('[data-question-id]');
      const id = (await section.getAttribute('data-question-id')) ?? '';
      expect(await fits()).toBeLessThanOrEqual(360);
      await section.getByRole('button', { name: strings.check }).press('Enter');
      if ((await section.locator('.cpq-alert').count()) > 0) {
        const question = byId.get(id);
        if (question) await answer(page, section, question, false);
        await section.getByRole('button', { name: strings.check }).press('Enter');
      }
      expect(await fits()).toBeLessThanOrEqual(360);
      if (byId.get(id)?.type === 'matching') {
        await root.screenshot({ path: testInfo.outputPath('quiz-360-matching.png') });
      }
      await section.getByRole('button', { name: /./ }).last().press('Enter');
    }
    expect(await fits()).toBeLessThanOrEqual(360);
    await root.screenshot({ path: testInfo.outputPath('quiz-360-results.png') });
  });
});

test('without JavaScript the questions are readable and give no answer away', async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(pageUrl);
  const block = page.locator(`#cp-quiz-static-${quiz.module}-${quiz.id}`);
  await expect(block).toBeVisible();
  await expect(block.locator('[data-static-question-id]')).toHaveCount(quiz.questions.length);
  for (const question of quiz.questions) {
    const item = block.locator(`[data-static-question-id="${question.id}"]`);
    await expect(item).toContainText(question.prompt);
    if (question.type === 'ordering') {
      const shown = await item.locator('[data-step-id] .cpq-step-text').allTextContents();
      expect(shown).toHaveLength(question.steps.length);
      expect(shown).not.toEqual(question.steps.map((step) => step.text));
    }
    if (question.type === 'matching') {
      for (const entry of [...question.items, ...question.targets]) {
        await expect(item).toContainText(entry.text);
      }
    }
  }
  await expect(block).not.toContainText(question(quiz).explanation);
  await expect(block.getByText(strings.correctAnswer)).toHaveCount(0);
  await expect(block.getByText(strings.correctOrder)).toHaveCount(0);
  await context.close();
});

function question(data: Quiz): Question {
  const first = data.questions[0];
  if (!first) throw new Error('the quiz has no question');
  return first;
}
