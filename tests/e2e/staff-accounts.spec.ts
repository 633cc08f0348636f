import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { axeViolations } from './support/axe.ts';
import { SIGN_IN_MS, staffSignIn, startSiteService, type SiteService } from './support/service.ts';

// Staff accounts and staff tables on a service of their own: the first administrator and the DPO
// are made through the store while the service holds it, as the operator's command would.
const ADMIN = 'admin-e2e';
const DPO = 'dpo-e2e';
/** Where the screenshots of the staff tables go, to be looked at. */
const SHOTS = path.resolve('test-results/staff-tables');

let service: SiteService | undefined;
let base: string;

test.describe.configure({ mode: 'default' });

test.beforeAll(async () => {
  // Two password hashes and 60 enrolments on a busy 2-core machine.
  test.setTimeout(120_000);
  service = await startSiteService({
    rateLimits: { enrol: { max: 1000, windowMs: 60_000 } },
    staff: [
      [ADMIN, 'admin'],
      [DPO, 'dpo'],
    ],
  });
  base = service.url;
  // 60 learners with long names and units, so the list has two pages and cells that must wrap.
  for (let i = 0; i < 60; i += 1) {
    const res = await fetch(`${base}/api/enrol`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: `Learner ${String(i).padStart(2, '0')} Ngozi-Adaeze Okonkwo-Mbeki Rasmussen`,
        serviceNumber: `PK-2026-${String(100000 + i)}-LONGSERVICENUMBER`,
        role: i % 3 === 0 ? 'military' : 'police',
        country: ['SN', 'NP', 'RW'][i % 3],
        unit: `Formed Police Unit ${String(i % 4)} (Rapid Deployment Company, Northern Sector)`,
        mission: ['MINUSCA', 'MONUSCO', 'UNMISS'][i % 3],
        language: 'en',
      }),
    });
    expect(res.status).toBe(201);
  }
});

test.afterAll(async () => {
  await service?.close();
});

// Whether the page scrolls sideways: its content wider than the window.
const scrollsSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

test('an administrator creates a trainer in the browser, and the trainer signs in with the one-time password', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await staffSignIn(admin, base, ADMIN);
  await expect(admin).toHaveURL(/\/en\/staff\/admin\/$/, { timeout: SIGN_IN_MS });
  await admin.getByLabel('Name', { exact: true }).fill('Trainer Lee');
  await admin.getByLabel('Role').selectOption('trainer');
  await admin.getByRole('button', { name: 'Create account' }).click();
  const shown = admin.getByTestId('one-time-password');
  await expect(shown).toContainText('Trainer Lee', { timeout: SIGN_IN_MS });
  const password = ((await shown.locator('.staff-signin__value').textContent()) ?? '').trim();
  expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
  await expect(admin.getByTestId('accounts-table')).toContainText('Trainer Lee');
  await expect(admin.getByTestId('audit-table')).toContainText(ADMIN);
  await expect(admin.getByTestId('audit-table')).toContainText('created');
  expect(await axeViolations(admin)).toEqual([]);
  // The accounts and the audit fit a phone's width too.
  await admin.setViewportSize({ width: 360, height: 740 });
  expect(await scrollsSideways(admin)).toBe(false);
  await admin.getByTestId('accounts-table').scrollIntoViewIfNeeded();
  await admin.screenshot({ path: path.join(SHOTS, 'admin-360.png') });
  await admin.setViewportSize({ width: 1280, height: 900 });
  // Hidden once noted, and not shown again on reload.
  await admin.getByRole('button', { name: /hide the password/ }).click();
  await admin.reload();
  await expect(admin.getByTestId('accounts-table')).toContainText('Trainer Lee');
  expect(await admin.content()).not.toContain(password);
  await adminContext.close();

  const trainerContext = await browser.newContext();
  const trainer = await trainerContext.newPage();
  // The trainer's first page is a trainer page: the service sends them to sign in, and back.
  await trainer.goto(`${base}/en/trainer/`);
  await expect(trainer).toHaveURL(/\/en\/staff\/login\/\?next=/);
  await trainer.getByLabel('Name', { exact: true }).fill('Trainer Lee');
  await trainer.getByLabel('Password').fill(password);
  await trainer.getByRole('button', { name: 'Sign in' }).click();
  // A password made by the administrator opens only the form to choose one's own.
  await expect(trainer.getByRole('heading', { name: 'Choose your own password' })).toBeVisible({
    timeout: SIGN_IN_MS,
  });
  await trainer.getByLabel('Password you were given').fill(password);
  await trainer.getByLabel('New password', { exact: true }).fill('chairs for forty people 9');
  await trainer.getByLabel('New password again').fill('chairs for forty people 8');
  await trainer.getByRole('button', { name: 'Save my password' }).click();
  await expect(trainer.getByRole('alert')).toHaveText('The two new passwords are not the same.');
  await trainer.getByLabel('New password again').fill('chairs for forty people 9');
  await trainer.getByRole('button', { name: 'Save my password' }).click();
  await expect(trainer).toHaveURL(/\/en\/trainer\/$/, { timeout: SIGN_IN_MS });
  await trainer.goto(`${base}/en/staff/trainer/`);
  await expect(trainer.locator('.staff-bar')).toContainText('Trainer Lee');
  await expect(trainer.getByRole('button', { name: 'Create cohort' })).toBeVisible();
  await trainerContext.close();
  // The one-time password no longer signs in; the chosen one does.
  const again = await browser.newContext();
  const page = await again.newPage();
  await staffSignIn(page, base, 'Trainer Lee', { password });
  await expect(page.getByRole('alert')).toHaveText(/wrong/i, { timeout: SIGN_IN_MS });
  await staffSignIn(page, base, 'Trainer Lee', { password: 'chairs for forty people 9' });
  await expect(page).toHaveURL(/\/en\/staff\/trainer\/$/, { timeout: SIGN_IN_MS });
  await again.close();
});

test('the DPO learner list pages on the server and fits 360 px and 1280 px without sideways scrolling', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await staffSignIn(page, base, DPO);
  await expect(page).toHaveURL(/\/en\/staff\/dpo\/$/, { timeout: SIGN_IN_MS });
  const range = page.getByTestId('learners-range');
  await expect(range).toHaveText('Learners 1 to 50 of 60');
  await expect(page.getByTestId('learners-table').locator('tbody tr')).toHaveCount(50);
  expect(await scrollsSideways(page)).toBe(false);
  await page.getByTestId('learners-table').locator('tbody tr').nth(3).scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'dpo-1280.png') });

  await page.setViewportSize({ width: 360, height: 740 });
  await expect(page.getByTestId('learners-table')).toBeVisible();
  expect(await scrollsSideways(page)).toBe(false);
  // Each row is a card whose cells name their column.
  const cell = page.getByTestId('learners-table').locator('tbody tr').first().locator('td').first();
  expect(await cell.getAttribute('data-label')).toBe('Service number');
  await page.getByTestId('learners-table').locator('tbody tr').nth(1).scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'dpo-360.png') });

  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(range).toHaveText('Learners 51 to 60 of 60');
  await expect(page.getByTestId('learners-table').locator('tbody tr')).toHaveCount(10);
  // A search and a filter, on the server.
  await page.getByLabel('Name or service number').fill('Learner 07');
  await page.getByLabel('Country', { exact: true }).fill('NP');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(range).toHaveText('Learners 1 to 1 of 1');
  await expect(page.getByTestId('learners-table')).toContainText('Learner 07');
  expect(await scrollsSideways(page)).toBe(false);
  await context.close();
});
