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

/** The English banks of a track's modules (content/tracks/en/<track>.yaml), keys included. */
export async function trackKey(track: string): Promise<KeyedQuestion[]> {
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
  return key;
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

async function choose(section: Locator, q: KeyedQuestion): Promise<void> {
  for (const o of (q.options ?? []).filter((option) => option.correct === true)) {
    await section.getByLabel(o.text, { exact: true }).check();
  }
}

/** Answers every question of the graded attempt on the page rightly, by the texts shown. */
export async function answerAssessmentRightly(page: Page, key: KeyedQuestion[]): Promise<void> {
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
        await choose(section, q);
        break;
      case 'scenario':
        await choose(section, q);
        if (q.followUp?.type === 'true-false') {
          await section.locator(`input[data-option-id="${String(q.followUp.answer)}"]`).check();
        } else if (q.followUp) await choose(section, q.followUp);
        break;
      case 'true-false':
        await section.locator(`input[data-option-id="${String(q.answer)}"]`).check();
        break;
      case 'matching':
        for (const item of q.items ?? []) {
          const target = (q.targets ?? []).find((t) => t.id === item.target);
          await section
            .getByLabel(item.text, { exact: true })
            .selectOption({ label: target?.text ?? '' });
        }
        break;
      case 'ordering': {
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
}
