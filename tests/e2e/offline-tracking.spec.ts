import { expect, test } from '@playwright/test';
import {
  byVerb,
  enrol,
  expectAllSaved,
  outboxIds,
  startService,
  statementsOf,
  type TrackingService,
} from './support/tracking.ts';
import { saveTrack } from './support/offline.ts';

let service: TrackingService;

test.beforeAll(async () => {
  service = await startService();
});

test.afterAll(async () => {
  await service.stop();
});

test('after saving the track in both languages, a learner reads both and answers a quiz offline; online again, every statement arrives once', async ({
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
  // The learner asks for the track in both languages; nothing is downloaded unasked.
  await saveTrack(page, base, 'en', 'military-pre-deployment');
  await saveTrack(page, base, 'fr', 'military-pre-deployment');
  const before = (await statementsOf(service, account)).length;

  // The learner reads each page for a moment: long enough for its opening statements to be
  // written to the outbox (a page left within milliseconds of opening records nothing).
  let queued = 0;
  const readAWhile = async () => {
    await expect.poll(async () => (await outboxIds(page)).length).toBeGreaterThan(queued);
    queued = (await outboxIds(page)).length;
  };

  await context.setOffline(true);
  await page.goto(`${base}/en/modules/cp-in-peace-operations/`);
  await expect(page.getByRole('heading', { name: 'Key messages' })).toBeVisible();
  await readAWhile();
  await page
    .getByRole('navigation', { name: 'Language' })
    .getByRole('link', { name: 'Français' })
    .click();
  await expect(page).toHaveURL(/\/fr\/modules\/cp-in-peace-operations\/$/);
  await readAWhile();
  await page.goto(`${base}/fr/modules/monitoring-reporting-mechanism/`);
  await page.locator('#knowledge-check').evaluate((element) => {
    element.scrollIntoView();
  });
  await page.getByRole('button', { name: 'Commencer le contrôle des connaissances' }).click();
  // Answer the first question, whatever its type: the first group of each select, the first
  // option of each group of inputs (a scenario has two: the decision and its follow-up); an
  // ordering question is answered by keeping its starting order.
  const question = page.locator('[data-question-id]').first();
  const keep = question.getByRole('button', { name: 'Garder cet ordre' });
  if ((await keep.count()) > 0) await keep.click();
  for (const select of await question.locator('select').all()) {
    await select.selectOption({ index: 1 });
  }
  for (const group of await question.locator('fieldset, [role=group], [role=radiogroup]').all()) {
    const input = group.locator('input').first();
    if ((await input.count()) > 0 && !(await input.isChecked())) await input.check();
  }
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
