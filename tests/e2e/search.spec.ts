import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

/** Opens the search page and waits for its island to hydrate, so typing reaches it. */
async function openSearch(page: Page, query = '') {
  await page.goto(`/en/search/${query ? `?q=${encodeURIComponent(query)}` : ''}`);
  // The page's script hydrates the search form (src/islands/search-mount.ts) and marks it.
  await page.locator('[data-search][data-hydrated]').waitFor({ state: 'attached' });
}

test('pages other than search never fetch the search index', async ({ page }) => {
  const fetched: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('search-index')) fetched.push(request.url());
  });
  await page.goto('/en/');
  await page.goto('/en/modules/police-coordination-cp-actors/');
  await page.goto('/en/search/');
  await page.waitForLoadState('networkidle');
  expect(fetched).toEqual([]);
});

test('the header search box leads to results that link to the right section', async ({ page }) => {
  await page.goto('/en/');
  const box = page.getByRole('search').getByRole('searchbox');
  await box.fill('focal point');
  await box.press('Enter');
  await expect(page).toHaveURL(/\/en\/search\/\?q=focal\+point/);
  const status = page.getByRole('status');
  await expect(status).toContainText(/results? for “focal point”/);
  // The glossary's definition of the term may come first; the first module is the police one.
  const first = page
    .locator('.search__results li')
    .filter({ has: page.locator('a[href^="/en/modules/"]') })
    .first();
  await expect(first.getByRole('link')).toHaveAttribute(
    'href',
    /^\/en\/modules\/police-coordination-cp-actors\//,
  );
  await expect(first.locator('mark').first()).toHaveText(/focal|point/i);
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});

test('results are reachable with the arrow keys and open with Enter', async ({ page }) => {
  await openSearch(page);
  const box = page.getByRole('searchbox', { name: 'Search' });
  await box.focus();
  await page.keyboard.type('referral');
  await expect(page.getByRole('status')).toContainText('for “referral”');
  await expect(page.locator('.search__results li').nth(1)).toBeVisible();
  await page.keyboard.press('ArrowDown');
  const firstLink = page.locator('.search__results a').first();
  await expect(firstLink).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('.search__results a').nth(1)).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect(box).toBeFocused();
  await page.keyboard.press('ArrowDown');
  const href = (await firstLink.getAttribute('href')) ?? '';
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`${href.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
});

test('odd input never breaks the page', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await openSearch(page);
  const box = page.getByRole('searchbox', { name: 'Search' });
  for (const input of ['*', '~', '"', 'title:', '🙂', 'x'.repeat(10_000), 'focal']) {
    await box.fill(input);
    await expect(page.getByRole('status')).not.toHaveText('');
    await expect(page.getByRole('status')).not.toContainText('Loading');
  }
  await expect(page.getByRole('status')).toContainText('for “focal”');
  expect(errors).toEqual([]);
});

test('once fetched, the index is cached and search keeps working offline', async ({
  page,
  context,
}) => {
  await openSearch(page, 'UNICEF');
  await expect(page.locator('.search__results li').first()).toBeVisible();
  const cached = await page.evaluate(async () => {
    const cache = await caches.open('cp-search-index');
    return (await cache.keys()).map((request) => new URL(request.url).pathname);
  });
  expect(cached).toEqual(['/en/search-index.json']);
  await context.setOffline(true);
  const box = page.getByRole('searchbox', { name: 'Search' });
  await box.fill('action plans');
  await expect(page.getByRole('status')).toContainText('for “action plans”');
  await expect(page.locator('.search__results li').first()).toBeVisible();
  await context.setOffline(false);
});
