import { expect, test } from '@playwright/test';

test('after one visit online, the course reads and searches offline', async ({ page, context }) => {
  await page.goto('/en/');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // The first install claims the page; from then on the worker answers its requests.
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null))
    .toBe(true);
  const modules = await page
    .locator('[data-module-id]')
    .evaluateAll((cards) => cards.map((card) => card.getAttribute('data-module-id')));
  expect(modules.length).toBeGreaterThanOrEqual(4);

  await context.setOffline(true);
  for (const id of modules) {
    await page.goto(`/en/modules/${id}/`);
    await expect(page.locator('article[data-module-id]')).toHaveAttribute(
      'data-module-id',
      id ?? '',
    );
    await expect(page.getByRole('heading', { name: 'Key messages' })).toBeVisible();
  }
  await page.goto('/en/glossary/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Glossary');

  await page.goto('/en/search/?q=focal+point');
  await expect(page.locator('.search__results li').first()).toBeVisible();

  await page.goto('/en/no-such-page/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await context.setOffline(false);
});

test('learner records are never served from the course cache', async ({ page }) => {
  await page.goto('/en/');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  const source = await page.evaluate(async () => (await fetch('/sw.js')).text());
  expect(source).toContain("url.pathname.startsWith('/xapi/')");
  expect(source).not.toContain('"/xapi/');
});
