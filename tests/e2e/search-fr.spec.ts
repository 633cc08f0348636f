import { expect, test } from '@playwright/test';

test('French search stems the query the way the French index was built', async ({ page }) => {
  // "soldats" is found through its stem: the French stemmer loads with the index.
  await page.goto('/fr/search/?q=soldats');
  await expect(page.locator('[data-search][data-hydrated]')).toBeAttached();
  await expect(page.locator('li[data-result-url]').first()).toBeVisible();
  const urls = await page
    .locator('li[data-result-url]')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-result-url') ?? ''));
  expect(urls.every((url) => url.startsWith('/fr/'))).toBe(true);
});
