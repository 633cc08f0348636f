import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import { parse } from 'yaml';

/** An item of a module's bank, with its key (the repository's, never the site's). */
export interface KeyedQuestion {
  id: string;
  type: string;
  prompt: string;
  scenario?: string;
  options?: { id: string; text: string; correct?: boolean }[];
  answer?: boolean;
  items?: { id: string; text: string; target: string }[];
  targets?: { id: string; text: string }[];
  steps?: { id: string; text: string }[];
  followUp?: KeyedQuestion;
}

/** A track's modules (content/tracks/en/<track>.yaml) and their English banks, keys included. */
export async function trackKey(
  track: string,
): Promise<{ modules: string[]; key: KeyedQuestion[] }> {
  const { modules } = parse(
    await readFile(path.resolve(`content/tracks/en/${track}.yaml`), 'utf8'),
  ) as { modules: string[] };
  const key: KeyedQuestion[] = [];
  for (const id of modules) {
    const bank = parse(await readFile(path.resolve(`assessments/en/${id}.yaml`), 'utf8')) as {
      items: KeyedQuestion[];
    };
    key.push(...bank.items);
  }
  return { modules, key };
}

/** The bank item a question on the page was drawn from, found by the texts it shows. */
function keyOf(key: KeyedQuestion[], shown: string): KeyedQuestion {
  const found = key.find(
    (q) =>
      shown.includes(q.prompt) &&
      (q.scenario === undefined || shown.includes(q.scenario)) &&
      [...(q.options ?? []), ...(q.steps ?? []), ...(q.items ?? [])].every((o) =>
        shown.includes(o.text),
      ),
  );
  if (found === undefined) throw new Error(`no bank item shows as: ${shown.slice(0, 200)}`);
  return found;
}

/** Chooses options by their text: the right ones, or (`wrong`) one wrong one. */
async function choose(section: Locator, q: KeyedQuestion, wrong: boolean): Promise<void> {
  const options = q.options ?? [];
  const pick = wrong
    ? options.filter((o) => o.correct !== true).slice(0, 1)
    : options.filter((o) => o.correct === true);
  for (const o of pick) await section.getByLabel(o.text, { exact: true }).check();
}

/**
 * Answers every question of the graded attempt on the page, rightly or (`wrong`) wrongly, by the
 * texts shown; the number of questions.
 */
export async function answerAssessment(
  page: Page,
  key: KeyedQuestion[],
  wrong = false,
): Promise<number> {
  const sections = page.locator('section[data-question-id]');
  await expect(sections.first()).toBeVisible();
  const count = await sections.count();
  for (let n = 0; n < count; n += 1) {
    const section = sections.nth(n);
    // White space normalised: the bank's folded YAML and the page's text break lines differently.
    const q = keyOf(key, ((await section.textContent()) ?? '').replace(/\s+/g, ' '));
    switch (q.type) {
      case 'single-choice':
      case 'multiple-response':
        await choose(section, q, wrong);
        break;
      case 'scenario':
        await choose(section, q, wrong);
        if (q.followUp?.type === 'true-false') {
          const answer = String(wrong ? !q.followUp.answer : q.followUp.answer);
          await section.locator(`input[data-option-id="${answer}"]`).check();
        } else if (q.followUp) await choose(section, q.followUp, wrong);
        break;
      case 'true-false':
        await section
          .locator(`input[data-option-id="${String(wrong ? !q.answer : q.answer)}"]`)
          .check();
        break;
      case 'matching': {
        const targets = q.targets ?? [];
        for (const item of q.items ?? []) {
          const target = targets.find((t) => (t.id === item.target) !== wrong);
          await section
            .getByLabel(item.text, { exact: true })
            .selectOption({ label: target?.text ?? '' });
        }
        break;
      }
      case 'ordering': {
        // Wrongly: left in the order drawn.
        if (wrong) break;
        const want = (q.steps ?? []).map((s) => s.text);
        for (let i = 0; i < want.length; i += 1) {
          const order = await section
            .locator('[data-step-id] .cpq-step-text')
            .evaluateAll((els) => els.map((el) => el.textContent));
          for (let at = order.indexOf(want[i] ?? ''); at > i; at -= 1) {
            await section.locator('[data-step-id]').nth(at).locator('button').first().click();
          }
        }
        const keep = section.getByRole('button', { name: 'Keep this order' });
        if ((await keep.count()) > 0) await keep.click();
        break;
      }
      default:
        throw new Error(`no answering rule for ${q.type}`);
    }
  }
  return count;
}
