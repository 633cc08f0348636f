import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { axeViolations } from './support/axe.ts';
import { fillEnrolment } from './support/tracking.ts';

// French all through: the site root opens the learner's language, and a page that does not exist
// says so in the language of its path.

const ui = {
  en: JSON.parse(readFileSync('src/i18n/en/ui.json', 'utf8')) as Record<string, string>,
  fr: JSON.parse(readFileSync('src/i18n/fr/ui.json', 'utf8')) as Record<string, string>,
};

test('the site root opens the course in the browser’s language', async ({ browser }) => {
  for (const [locale, lang] of [
    ['fr-FR', 'fr'],
    ['fr-CA', 'fr'],
    ['en-GB', 'en'],
    ['de-DE', 'en'],
  ] as const) {
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    await page.goto('/');
    await expect(page).toHaveURL(new RegExp(`/${lang}/$`));
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await context.close();
  }
});

test('the site root remembers the course language the learner chose at enrolment', async ({
  browser,
}) => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page).toHaveURL(/\/en\/$/);
  await page.goto('/en/enrol/');
  await fillEnrolment(page, `SN-${String(Date.now())}`, 'Senegal');
  await page.locator('[name=language]').selectOption('fr');
  await page.locator('#enrol-form button[type=submit]').click();
  await expect(page.locator('#enrol-done')).toBeVisible();
  await page.goto('/');
  await expect(page).toHaveURL(/\/fr\/$/);
  await context.close();

  // Without JavaScript the root offers both languages.
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const bare = await noScript.newPage();
  await bare.goto('/');
  await expect(bare.getByRole('link', { name: /Français/ })).toHaveAttribute('href', '/fr/');
  await expect(bare.getByRole('link', { name: /English/ })).toHaveAttribute('href', '/en/');
  await noScript.close();
});

test('a page that does not exist says so in the language of its path', async ({ page }) => {
  for (const lang of ['fr', 'en'] as const) {
    const response = await page.goto(`/${lang}/modules/no-such-module/`);
    expect(response?.status()).toBe(404);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      ui[lang]['notFound.title'] ?? '',
    );
    await expect(page.getByRole('link', { name: ui[lang]['notFound.home'] ?? '' })).toHaveAttribute(
      'href',
      `/${lang}/`,
    );
    expect(await axeViolations(page)).toEqual([]);
  }
  // Elsewhere, the one page for a static host: both languages, each marked as such.
  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.locator('section[lang="fr"] h2')).toHaveText(ui.fr['notFound.title'] ?? '');
  expect(await axeViolations(page)).toEqual([]);
});
