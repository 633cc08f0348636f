import { expect, type Page } from '@playwright/test';

/**
 * Waits until the course's service worker controls the page and has kept the given languages
 * offline. The worker keeps a language once a page in it has been opened online; it marks the
 * language complete with an entry written after all of its files.
 */
export async function waitForOffline(page: Page, languages: string[]): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
      timeout: 20_000,
    })
    .toBe(true);
  for (const lang of languages) {
    await expect.poll(() => isKeptOffline(page, lang), { timeout: 30_000 }).toBe(true);
  }
}

/** Whether the service worker holds a language's pages (the mark written after its files). */
export function isKeptOffline(page: Page, lang: string): Promise<boolean> {
  return page.evaluate(async (l) => (await caches.match(`/__cp-offline/${l}`)) !== undefined, lang);
}
