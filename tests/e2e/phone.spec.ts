import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { axeViolations } from './support/axe.ts';
import { builtPages } from './support/pages.ts';
import { fillEnrolment } from './support/tracking.ts';

// A learner on a phone (360 px wide): no page scrolls sideways, the enrolment form's controls are
// large enough to touch, and its errors sit next to their fields, are announced and take focus,
// in the page's language.

const errors = {
  en: JSON.parse(readFileSync('src/i18n/en/errors.json', 'utf8')) as Record<string, string>,
  fr: JSON.parse(readFileSync('src/i18n/fr/errors.json', 'utf8')) as Record<string, string>,
};
const tracking = JSON.parse(readFileSync('src/i18n/fr/tracking.json', 'utf8')) as Record<
  string,
  string
>;

/** A string of a translation file; a missing key fails the test rather than matching nothing. */
function text(strings: Record<string, string>, key: string): string {
  const value = strings[key];
  if (value === undefined) throw new Error(`no string ${key}`);
  return value;
}

test.use({ viewport: { width: 360, height: 740 } });

/** One page of each kind, in each language: the first built page whose path has that shape. */
function pageTypes(): string[] {
  const kinds = new Map<string, string>();
  for (const path of builtPages()) {
    const kind = path
      .replace(/^\/(en|fr)\//, '/$1/')
      .replace(/(\/(?:modules|assessment)\/)[^/]+\/$/, '$1*/');
    if (!kinds.has(kind)) kinds.set(kind, path);
  }
  return [...kinds.values()];
}

for (const path of pageTypes()) {
  test(`${path} does not scroll sideways at 360 px`, async ({ page }) => {
    await page.goto(path);
    await page.waitForLoadState('load');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(360);
  });
}

test('enrolment errors sit next to their fields, in French, and focus goes to the first', async ({
  page,
}) => {
  await page.goto('/fr/enrol/');
  await page.locator('[name=unit]').fill('FPU 2');
  await page.getByRole('button', { name: text(tracking, 'submit'), exact: true }).click();

  const name = page.locator('[name=name]');
  await expect(name).toBeFocused();
  await expect(page.locator('#enrol-error')).toHaveAttribute('role', 'alert');
  await expect(page.locator('#enrol-error')).toHaveText(
    text(errors.fr, 'fieldErrors').replace('{count}', '5'),
  );
  for (const field of ['name', 'serviceNumber', 'country', 'mission']) {
    const control = page.locator(`[name=${field}]`);
    await expect(control).toHaveAttribute('aria-invalid', 'true');
    const described = (await control.getAttribute('aria-describedby')) ?? '';
    const note = page.locator(`[id="${described.split(' ').at(-1) ?? ''}"]`);
    await expect(note).toHaveText(new RegExp(`^${text(tracking, 'required').split('{')[0] ?? ''}`));
    // Next to the field: within a few lines below it, not at the top of the form.
    const [fieldBox, noteBox] = await Promise.all([control.boundingBox(), note.boundingBox()]);
    expect(noteBox && fieldBox && noteBox.y - fieldBox.y).toBeLessThan(120);
    expect(noteBox && fieldBox && noteBox.y - fieldBox.y).toBeGreaterThan(0);
  }
  // The role's radio buttons share one message, in their fieldset.
  await expect(page.locator('[name=role]').first()).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('[name=unit]')).not.toHaveAttribute('aria-invalid', 'true');
  expect(await axeViolations(page)).toEqual([]);

  // Corrected, the messages go.
  await fillEnrolment(page, `SN-${String(Date.now())}`);
  await page.locator('[name=cohort]').fill('NO-SUCH-COHORT');
  await page.getByRole('button', { name: text(tracking, 'submit'), exact: true }).click();
  // The service refuses the cohort: said in French next to the field, which takes focus.
  const cohort = page.locator('[name=cohort]');
  await expect(cohort).toBeFocused();
  await expect(cohort).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#enrol-cohort-error')).toHaveText(
    text(errors.fr, 'invalid_field_cohort'),
  );
  await expect(page.locator('[name=name]')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('.field-error')).toHaveCount(1);
});

test('a second enrolment of the same person is told in French, where the learner is looking', async ({
  browser,
}) => {
  const serviceNumber = `SN-${String(Date.now())}`;
  const first = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await first.newPage();
  await page.goto('/fr/enrol/');
  await fillEnrolment(page, serviceNumber);
  await page.getByRole('button', { name: text(tracking, 'submit'), exact: true }).click();
  await expect(page.locator('#enrol-done')).toBeVisible();

  const second = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const again = await second.newPage();
  await again.goto('/fr/enrol/');
  await fillEnrolment(again, serviceNumber);
  await again.getByRole('button', { name: text(tracking, 'submit'), exact: true }).click();
  const error = again.locator('#enrol-error');
  await expect(error).toHaveText(text(errors.fr, 'already_enrolled'));
  await expect(error).toBeFocused();
  await expect(error).toBeInViewport();
  await first.close();
  await second.close();
});

test('the enrolment and sign-in controls are at least 44 px high', async ({ page }) => {
  await page.goto('/en/enrol/');
  const controls = page.locator(
    '#enrol-form input:not([type=radio]), #enrol-form select, #enrol-form button, #enrol-form fieldset label, #code-form input, #code-form button',
  );
  const count = await controls.count();
  expect(count).toBeGreaterThan(8);
  for (let index = 0; index < count; index += 1) {
    const box = await controls.nth(index).boundingBox();
    expect(
      box?.height,
      await controls.nth(index).evaluate((e) => e.outerHTML.slice(0, 80)),
    ).toBeGreaterThanOrEqual(44);
  }
});
