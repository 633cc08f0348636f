import { expect, test } from '@playwright/test';
import { axeViolations } from './support/axe.ts';
import { builtPages } from './support/pages.ts';

test('the site root sends an English-speaking browser to the English course', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/en\/$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('home lists the modules with duration and outcomes, and has no axe violations', async ({
  page,
}) => {
  await page.goto('/en/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const cards = page.locator('[data-module-id]');
  expect(await cards.count()).toBeGreaterThan(0);
  await expect(cards.first()).toContainText(/minutes/);
  expect(await axeViolations(page)).toEqual([]);
});

test('a learner follows the navigation from home to a module and on to the next', async ({
  page,
}) => {
  await page.goto('/en/');
  const first = page.locator('[data-module-id]').first();
  const title = (await first.getByRole('heading').textContent())?.trim() ?? '';
  await first.getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByRole('heading', { name: 'What you will be able to do' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Key messages' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sources' })).toBeVisible();

  const next = page.getByRole('navigation', { name: 'Module navigation' }).locator('a[rel=next]');
  const nextTitle = (await next.textContent()) ?? '';
  await next.click();
  const heading = (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
  expect(nextTitle).toContain(heading.trim());
  await expect(
    page.getByRole('navigation', { name: 'Module navigation' }).locator('a[rel=prev]'),
  ).toBeVisible();
});

test('the skip link moves keyboard focus to the main content', async ({ page }) => {
  await page.goto('/en/about/');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
});

const pages = builtPages();

test('the built site has every page in English and in French', () => {
  const english = pages.filter((path) => path.startsWith('/en/'));
  const french = pages.filter((path) => path.startsWith('/fr/'));
  expect(english.length).toBeGreaterThanOrEqual(13);
  expect(french.map((path) => path.replace(/^\/fr\//, '/en/'))).toEqual(english);
});

for (const path of pages) {
  test(`${path} has landmarks, its language and no axe violations`, async ({ page }) => {
    await page.goto(path);
    await expect(page.getByRole('main')).toBeVisible();
    await expect(page.getByRole('banner')).toBeVisible();
    await expect(page.getByRole('contentinfo')).toBeVisible();
    const lang = path.startsWith('/fr/') ? 'fr' : 'en';
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    expect(await axeViolations(page)).toEqual([]);
  });
}

test('the language switch keeps the learner on the same page', async ({ page }) => {
  await page.goto('/en/modules/police-coordination-cp-actors/');
  await page
    .getByRole('navigation', { name: 'Language' })
    .getByRole('link', { name: 'Français' })
    .click();
  await expect(page).toHaveURL(/\/fr\/modules\/police-coordination-cp-actors\/$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.locator('article[data-module-id]')).toHaveAttribute(
    'data-module-id',
    'police-coordination-cp-actors',
  );
  await page
    .getByRole('navigation', { name: 'Langue' })
    .getByRole('link', { name: 'English' })
    .click();
  await expect(page).toHaveURL(/\/en\/modules\/police-coordination-cp-actors\/$/);
  const alternates = await page
    .locator('link[rel=alternate][hreflang]')
    .evaluateAll((links) => links.map((link) => link.getAttribute('hreflang')));
  expect(alternates.sort()).toEqual(['en', 'fr']);
});

test('a learner prints a module as a handout: no navigation, questions, no answer key', async ({
  page,
}) => {
  await page.goto('/en/modules/police-coordination-cp-actors/');
  await expect(page.locator('.cpq[data-quiz-id]')).toBeAttached();
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('banner')).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'Module navigation' })).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Key messages' })).toBeVisible();
  const questions = page.locator('[data-static-question-id]');
  expect(await questions.count()).toBeGreaterThanOrEqual(8);
  await expect(questions.first()).toBeVisible();
  await expect(page.locator('.cpq')).toBeHidden();
  await expect(page.getByText('Correct answer')).toHaveCount(0);
  await expect(page.getByText('The right order:')).toHaveCount(0);
});
