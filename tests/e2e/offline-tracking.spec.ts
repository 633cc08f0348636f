import { expect, test } from '@playwright/test';
import {
  byVerb,
  enrol,
  expectAllSaved,
  startService,
  statementsOf,
  type TrackingService,
} from './support/tracking.ts';

let service: TrackingService;

test.beforeAll(async () => {
  service = await startService();
});

test.afterAll(async () => {
  await service.stop();
});

test('after one visit online, a learner reads both languages and answers a quiz offline; online again, every statement arrives once', async ({
  page,
  context,
}) => {
  const base = service.url;
  const account = await enrol(page, base, 'Fatou Ndiaye');
  await page.goto(`${base}/en/`);
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
      timeout: 20_000,
    })
    .toBe(true);
  const before = (await statementsOf(service, account)).length;

  await context.setOffline(true);
  await page.goto(`${base}/en/modules/cp-in-peace-operations/`);
  await expect(page.getByRole('heading', { name: 'Key messages' })).toBeVisible();
  await page
    .getByRole('navigation', { name: 'Language' })
    .getByRole('link', { name: 'Français' })
    .click();
  await expect(page).toHaveURL(/\/fr\/modules\/cp-in-peace-operations\/$/);
  await page.goto(`${base}/fr/modules/monitoring-reporting-mechanism/`);
  await page.locator('#knowledge-check').evaluate((element) => {
    element.scrollIntoView();
  });
  await page.getByRole('button', { name: 'Commencer le contrôle des connaissances' }).click();
  // Answer until the first question is checked: an ordering question holds an answer already,
  // any other gets its first option (or the first group for each item).
  const question = page.locator('[data-question-id]').first();
  const selects = await question.locator('select').all();
  for (const select of selects) await select.selectOption({ index: 1 });
  const inputs = question.locator('input');
  if (selects.length === 0 && (await inputs.count()) > 0) await inputs.first().check();
  await page.getByRole('button', { name: 'Vérifier la réponse' }).click();
  await expect(
    page
      .locator('.cpq')
      .getByText(/(Correct|Incorrect|Partiellement correct)$/)
      .first(),
  ).toBeVisible();
  // Nothing reached the record store while offline.
  expect((await statementsOf(service, account)).length).toBe(before);

  await context.setOffline(false);
  await expectAllSaved(page);
  const stored = await statementsOf(service, account);
  const ids = stored.map((statement) => statement.id);
  expect(new Set(ids).size).toBe(ids.length);
  const counts = byVerb(stored);
  expect(counts.answered ?? 0).toBeGreaterThanOrEqual(1);
  expect(counts.launched ?? 0).toBeGreaterThanOrEqual(3);
  const modules = new Set(
    stored
      .filter((statement) => statement.verb.id.endsWith('/launched'))
      .map((statement) => statement.object.id.replace(/^.*\/module\//, '')),
  );
  // Both languages of a module share its activity id: three visits, two modules.
  expect([...modules].sort()).toEqual(['cp-in-peace-operations', 'monitoring-reporting-mechanism']);
});
