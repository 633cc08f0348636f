import { expect, test } from '@playwright/test';
import {
  firstKit,
  openCohort,
  signInFrom,
  startTrainerService,
  type TrainerService,
} from './support/trainer-session.ts';

// A trainer new to the platform starts where the README says, at the trainer view (/en/trainer/),
// and finds by links alone where to open a cohort and ask the room live: from the trainer view
// and from any kit page, in English and in French.
const TRAINER = 'trainer-start-e2e';

let service: TrainerService | undefined;

test.describe.configure({ mode: 'default' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  service = await startTrainerService(TRAINER, 'http://localhost:4321');
});

test.afterAll(async () => {
  await service?.close();
});

test('from the trainer view and from a kit page, a link leads to cohorts and live questions', async ({
  page,
}) => {
  test.setTimeout(120_000);
  if (service === undefined) throw new Error('no service');
  const { base } = service;
  const { kit, kitUrl } = firstKit();
  await signInFrom(page, service, '/en/trainer/');
  // The footer's links read as a list, a dot between spaces.
  await expect(page.locator('footer')).toContainText(
    'Trainer view · Verify a certificate · Staff sign-in',
  );

  await page
    .getByRole('link', { name: "Cohorts, live questions and the cohort's results" })
    .click();
  await expect(page).toHaveURL(`${base}/en/staff/trainer/`);
  await expect(page.getByRole('button', { name: 'Create cohort' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Classroom mode' })).toBeVisible();
  // The way back to the kits reads as a sentence.
  await expect(page.locator('main')).toContainText(
    'Session kits – plan, slides, handouts, case cards and answer points for each module.',
  );

  await page.goto(`${base}${kitUrl}`);
  await page
    .getByRole('navigation', { name: 'Open' })
    .getByRole('link', { name: "Cohorts, live questions and the cohort's results" })
    .click();
  await expect(page).toHaveURL(`${base}/en/staff/trainer/`);

  await page.goto(`${base}/fr/trainer/kits/${kit.module}/`);
  await page
    .getByRole('link', { name: 'Promotions, questions en direct et résultats de la promotion' })
    .click();
  await expect(page).toHaveURL(`${base}/fr/staff/trainer/`);
  await expect(page.getByRole('button', { name: 'Créer la promotion' })).toBeVisible();
});

test('the cohort code in the list of cohorts is as large as the text around it', async ({
  page,
}) => {
  test.setTimeout(120_000);
  if (service === undefined) throw new Error('no service');
  await signInFrom(page, service, '/en/trainer/');
  const code = await openCohort(page, service, 'Code size e2e', 'police-pre-deployment');
  await page.goto(`${service.base}/en/staff/trainer/`);
  const table = page.getByRole('table', { name: 'My cohorts' });
  const size = (text: string) =>
    table
      .getByRole('cell', { name: text, exact: true })
      .evaluate((cell) => parseFloat(getComputedStyle(cell).fontSize));
  // The code is what the trainer reads out or writes on the board for the room to type.
  expect(await size(code)).toBeGreaterThanOrEqual(await size('Police pre-deployment track'));
});
