import { expect, test, type Request } from '@playwright/test';
import { saveTrack } from './support/offline.ts';

const TRACK = 'military-pre-deployment';

test('a first visit keeps only the page it opened: the service worker downloads nothing else', async ({
  page,
  context,
}) => {
  const fromPage: Request[] = [];
  const fromWorker: Request[] = [];
  context.on('request', (request) => {
    (request.serviceWorker() ? fromWorker : fromPage).push(request);
  });
  const opened = '/en/modules/cp-in-peace-operations/';
  await page.goto(opened);
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null))
    .toBe(true);
  // The worker keeps the page it was not there to see, from the browser's cache.
  await expect
    .poll(() =>
      page.evaluate(async (path) => {
        const hit = await caches.match(path);
        return hit !== undefined;
      }, opened),
    )
    .toBe(true);
  await page.waitForTimeout(1000);

  const path = (request: Request) => new URL(request.url()).pathname;
  const pageFiles = new Set(fromPage.map(path));
  const workerFiles = fromWorker.map(path).filter((p) => p !== '/sw.js');
  expect(workerFiles.length).toBeGreaterThan(0);
  expect(workerFiles.filter((p) => !pageFiles.has(p))).toEqual([]);
  expect(new Set(workerFiles).size).toBeLessThanOrEqual(pageFiles.size);
  let bytes = 0;
  // Over the network, that is: a size is -1 for a file the browser's cache answered.
  for (const request of fromWorker) {
    bytes += Math.max(0, (await request.sizes()).responseBodySize);
  }
  const figure = `service worker: ${workerFiles.length} requests, ${bytes} bytes; page: ${pageFiles.size} files`;
  test.info().annotations.push({ type: 'first visit', description: figure });
  console.log(`first visit of ${opened}: ${figure}`);
  // No other module, no search index, no other language.
  expect(workerFiles.filter((p) => /\/modules\/(?!cp-in-peace-operations\/)/.test(p))).toEqual([]);
  expect(
    workerFiles.filter((p) => p.endsWith('search-index.json') || p.startsWith('/fr/')),
  ).toEqual([]);
});

test('after saving a track, every module of the track reads and searches offline; the copy can be removed', async ({
  page,
  context,
}) => {
  await page.goto('/en/');
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null))
    .toBe(true);
  const label = await saveTrack(page, '', 'en', TRACK);
  expect(label).toMatch(/\((\d+ KB|\d+(\.\d)? MB)\)$/);
  const modules = await page
    .locator(`[data-track-id="${TRACK}"] ol a`)
    .evaluateAll((links) =>
      links.map((link) => /\/modules\/([^/]+)\//.exec(link.getAttribute('href') ?? '')?.[1]),
    );
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

  await page.goto('/en/');
  const card = page.locator(`[data-track-id="${TRACK}"]`);
  await card.getByRole('button', { name: 'Remove the offline copy' }).click();
  await expect(card.getByRole('status')).toHaveText('The offline copy has been removed.');
  expect(await page.evaluate((key) => caches.has(`cp-track:${key}`), `en/${TRACK}`)).toBe(false);
  await expect(card.getByRole('button', { name: /Save this track/ })).toBeVisible();
});

test('learner records are never served from the course cache', async ({ page }) => {
  await page.goto('/en/');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  const source = await page.evaluate(async () => (await fetch('/sw.js')).text());
  expect(source).toContain("url.pathname.startsWith('/xapi/')");
  expect(source).toContain("url.pathname.startsWith('/api/')");
  expect(source).not.toContain('"/xapi/');
  expect(source).not.toContain('"/api/');
});
