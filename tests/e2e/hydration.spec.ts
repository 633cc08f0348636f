import { expect, test, type Page } from '@playwright/test';

// Text typed into a form before its island's script arrives (a slow link, a fast typist, the
// browser filling it in) must survive the island's hydration and its first re-render. Each test
// holds the island's component script back with page.route, types, then lets it through.

/** Holds back the script of the island that renders the field; returns the release. */
async function holdIsland(page: Page, path: string, fieldId: string): Promise<() => void> {
  const html = await (await page.request.get(path)).text();
  const island = html
    .split('<astro-island')
    .slice(1)
    .find((part) => part.includes(`id="${fieldId}"`));
  const url = /component-url="([^"]+)"/.exec(island ?? '')?.[1];
  if (url === undefined) throw new Error(`no island renders #${fieldId} on ${path}`);
  const { promise: gate, resolve: release } = Promise.withResolvers<undefined>();
  await page.route(`**${url}`, async (route) => {
    await gate;
    await route.continue();
  });
  return () => {
    release(undefined);
  };
}

/** Waits until the island around a field has hydrated (Astro then drops its ssr attribute). */
async function hydrated(page: Page, fieldId: string): Promise<void> {
  await expect(
    page.locator('astro-island', { has: page.locator(`#${fieldId}`) }),
  ).not.toHaveAttribute('ssr', /.*/);
}

/** Opens a page with its island held back, types into a field, and lets the island hydrate. */
async function typeBeforeHydration(
  page: Page,
  path: string,
  fieldId: string,
  text: string,
): Promise<void> {
  const release = await holdIsland(page, path, fieldId);
  await page.goto(path);
  await page.locator(`#${fieldId}`).fill(text);
  release();
  await hydrated(page, fieldId);
}

test('staff sign-in keeps the name and password typed before it hydrated', async ({ page }) => {
  const release = await holdIsland(page, '/en/staff/login/', 'staff-name');
  await page.goto('/en/staff/login/');
  await page.locator('#staff-name').fill('early-typist');
  await page.locator('#staff-password').fill('not the password');
  await expect(page.locator('astro-island', { has: page.locator('#staff-name') })).toHaveAttribute(
    'ssr',
    /.*/,
  );
  release();
  await hydrated(page, 'staff-name');
  // A keystroke after hydration re-renders the form: the name typed before must stay.
  await page.locator('#staff-password').press('End');
  await page.locator('#staff-password').pressSequentially('!');
  await expect(page.locator('#staff-name')).toHaveValue('early-typist');
  await expect(page.locator('#staff-password')).toHaveValue('not the password!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Sent with both fields: the service answers that they are wrong, not the form that they are empty.
  await expect(page.locator('#staff-login-error')).toHaveText('The name or password is wrong.', {
    timeout: 20_000,
  });
});

test('certificate verification keeps the code typed before it hydrated', async ({ page }) => {
  await typeBeforeHydration(page, '/en/verify/', 'verify-code', 'ABCD-EFGH-JKMN-PQRS');
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await expect(page.locator('#verify-code')).toHaveValue('ABCD-EFGH-JKMN-PQRS');
  await expect(page.getByText('No certificate has this code')).toBeVisible();
});

test('search keeps and runs the words typed before it hydrated', async ({ page }) => {
  // The search form is hydrated by the page's own script (src/islands/search-mount.ts).
  const html = await (await page.request.get('/en/search/')).text();
  const script = /<script type="module" src="([^"]*search\.astro[^"]*)"/.exec(html)?.[1];
  if (script === undefined) throw new Error('no search script on /en/search/');
  const { promise: gate, resolve } = Promise.withResolvers<undefined>();
  await page.route(`**${script}`, async (route) => {
    await gate;
    await route.continue();
  });
  // The held script delays the load event: go on once the page's HTML is there.
  await page.goto('/en/search/', { waitUntil: 'commit' });
  await page.locator('#search-input').fill('child soldiers');
  await expect(page.locator('[data-search]')).not.toHaveAttribute('data-hydrated', /.*/);
  resolve(undefined);
  await expect(page.locator('[data-search]')).toHaveAttribute('data-hydrated', '');
  await expect(page.locator('#search-input')).toHaveValue('child soldiers');
  await expect(page.locator('li[data-result-url]').first()).toBeVisible();
  await expect(page).toHaveURL(/[?&]q=child(\+|%20)soldiers/);
});

test('the live room keeps the room code typed before it hydrated', async ({ page }) => {
  await typeBeforeHydration(page, '/en/live/', 'live-code', 'ROOM-42');
  // The island re-renders on mount (it reads the answers this device sent): the code stays.
  await page.locator('#live-code').press('End');
  await page.locator('#live-code').pressSequentially('7');
  await expect(page.locator('#live-code')).toHaveValue('ROOM-427');
});
