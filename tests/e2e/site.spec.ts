import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

/** Runs axe with the WCAG 2.2 AA rule set and returns the violations. */
async function axeViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  return results.violations.map((violation) => ({
    id: violation.id,
    help: violation.help,
    nodes: violation.nodes.map((node) => node.target.join(' ')),
  }));
}

test('the site root sends visitors to the English course', async ({ page }) => {
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
  expect(await axeViolations(page)).toEqual([]);

  const next = page.getByRole('navigation', { name: 'Module navigation' }).locator('a[rel=next]');
  if ((await next.count()) > 0) {
    const nextTitle = (await next.textContent()) ?? '';
    await next.click();
    const heading = (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
    expect(nextTitle).toContain(heading.trim());
    await expect(
      page.getByRole('navigation', { name: 'Module navigation' }).locator('a[rel=prev]'),
    ).toBeVisible();
  }
});

test('the skip link moves keyboard focus to the main content', async ({ page }) => {
  await page.goto('/en/about/');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
});

for (const path of ['/en/about/', '/en/glossary/', '/en/trainer/', '/404.html']) {
  test(`${path} has landmarks and no axe violations`, async ({ page }) => {
    await page.goto(path);
    await expect(page.getByRole('main')).toBeVisible();
    await expect(page.getByRole('banner')).toBeVisible();
    await expect(page.getByRole('contentinfo')).toBeVisible();
    expect(await axeViolations(page)).toEqual([]);
  });
}

test('printing a module hides the navigation and keeps the content', async ({ page }) => {
  await page.goto('/en/');
  await page.locator('[data-module-id] a').first().click();
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('banner')).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Key messages' })).toBeVisible();
});
