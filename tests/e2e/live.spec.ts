import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { FastifyInstance } from 'fastify';
import { parse } from 'yaml';
import { buildServer } from '../../src/server/app.ts';
import { createStaffUser } from '../../src/server/platform/staff/accounts.ts';
import { openPlatformStore } from '../../src/server/platform/store/platform-store.ts';
import { databaseOf, openStore } from '../../src/server/lrs/store/open-store.ts';
import type { Store } from '../../src/server/lrs/store/types.ts';
import { axeViolations } from './support/axe.ts';
import { enrol } from './support/tracking.ts';

// Live questions on a server of their own: the staff account is made through the store while
// the server holds it (one process per embedded data folder).
const SITE = 'http://192.168.1.10:8080';
const MODULE = 'children-in-contact-with-the-law';
const PASSWORD = 'a long staff password 42';
const TRAINER = 'trainer-live-e2e';
const SIGN_IN_MS = 20_000;

let app: FastifyInstance | undefined;
let store: Store | undefined;
let dataDir: string | undefined;
let base: string;

test.describe.configure({ mode: 'default' });

test.beforeAll(async () => {
  // Opening the embedded store and hashing the password (scrypt) take long on a busy machine.
  test.setTimeout(120_000);
  dataDir = await mkdtemp(path.join(tmpdir(), 'cp-live-e2e-'));
  store = await openStore({ dataDir });
  const platform = await openPlatformStore(databaseOf(store));
  app = await buildServer({ store, platform, staticDir: path.resolve('dist'), siteUrl: SITE });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  await createStaffUser(platform.staff, TRAINER, 'trainer', PASSWORD);
});

test.afterAll(async () => {
  await app?.close();
  await store?.close();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

/** The first question of the module's knowledge check, with its key, from the course file. */
async function firstQuestion() {
  const quiz = parse(await readFile(path.resolve(`content/quizzes/en/${MODULE}.yaml`), 'utf8')) as {
    questions: { prompt: string; options: { text: string; correct?: boolean }[] }[];
  };
  const q = quiz.questions[0];
  if (q === undefined) throw new Error('no question');
  return q;
}

async function answerOnPhone(phone: Page, text: string): Promise<void> {
  await phone.getByRole('button', { name: text }).click();
  await phone.getByRole('button', { name: 'Send my answer' }).click();
  await expect(phone.getByText('Answer sent.')).toBeVisible();
}

test('a trainer asks the room live; three phones join by code and answer; the reveal reaches them', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const q = await firstQuestion();
  const right = q.options.find((o) => o.correct === true)?.text ?? '';
  const wrong = q.options.find((o) => o.correct !== true)?.text ?? '';

  // The trainer signs in and opens a cohort (its code is the room code).
  await page.goto(`${base}/en/staff/login/`);
  await page.getByLabel('Name', { exact: true }).fill(TRAINER);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/en\/staff\/trainer\/$/, { timeout: SIGN_IN_MS });
  const session = (await (await page.request.get(`${base}/api/staff/session`)).json()) as {
    csrfToken: string;
  };
  const created = await page.request.post(`${base}/api/cohorts`, {
    headers: { 'x-csrf-token': session.csrfToken },
    data: { name: 'Live room e2e', track: 'police-pre-deployment' },
  });
  expect(created.status()).toBe(201);
  const code = ((await created.json()) as { code: string }).code;

  // Classroom mode on the module, then the question goes live to the cohort's room.
  await page.getByLabel('Module', { exact: true }).selectOption(MODULE);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.getByTestId('classroom')).toContainText(q.prompt.slice(0, 40));
  await page.getByLabel('Cohort', { exact: true }).selectOption(code);
  await page.getByRole('button', { name: 'Ask the room live' }).click();
  await expect(page.getByTestId('live-code')).toHaveText(code);
  await expect(page.getByTestId('live-panel')).toContainText(`${SITE}/en/live/`);
  await expect(page.getByRole('img', { name: 'QR code of the join address' })).toBeVisible();
  await expect(page.getByTestId('live-answers')).toHaveText('0 answers');

  // Three phones: one enrolled learner who scanned the QR code (the code in the URL), and two
  // guests who typed the code, one of them in lower case without its hyphen.
  const phones: Page[] = [];
  for (let i = 0; i < 3; i += 1) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    phones.push(await context.newPage());
  }
  const [learner, guest1, guest2] = phones as [Page, Page, Page];
  await enrol(learner, base, 'Amina Diallo', code);
  await learner.goto(`${base}/en/live/?code=${code}`);
  await expect(learner.getByText('You answer as Amina Diallo.')).toBeVisible();
  for (const [guest, typed] of [
    [guest1, code],
    [guest2, code.replace('-', '').toLowerCase()],
  ] as const) {
    await guest.goto(`${base}/en/live/`);
    await guest.getByLabel('Room code').fill(typed);
    await guest.getByRole('button', { name: 'Join' }).click();
    await expect(guest.getByText(/You answer without your name/)).toBeVisible();
  }
  for (const phone of phones) await expect(phone.getByText(q.prompt)).toBeVisible();
  // Before the reveal no phone shows which option is right.
  for (const phone of phones) await expect(phone.getByText('Right answer')).toHaveCount(0);

  await answerOnPhone(learner, right);
  await answerOnPhone(guest1, right);
  await answerOnPhone(guest2, wrong);

  // The projector's chart shows the three answers as they came.
  await expect(page.getByTestId('live-answers')).toHaveText('3 answers');
  // A phone cannot answer twice: its buttons are locked once sent.
  await expect(learner.getByRole('button', { name: 'Send my answer' })).toHaveCount(0);

  // The trainer reveals: the right answer and the discussion points reach every phone.
  await page.getByRole('button', { name: 'Reveal the answer' }).click();
  await expect(page.getByTestId('live-panel')).toContainText('Right answer');
  for (const phone of phones) {
    await expect(phone.getByText('Right answer')).toBeVisible();
    await expect(phone.getByRole('button', { name: new RegExp(right.slice(0, 20)) })).toContainText(
      'Right answer',
    );
    await expect(phone.getByTestId('live-answers')).toHaveText('3 answers');
  }
  expect(await axeViolations(guest2)).toEqual([]);
  // At 360 px the phone's page does not scroll sideways.
  const overflow = await guest2.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  for (const phone of phones) await phone.context().close();
});
