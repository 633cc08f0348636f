import { expect, test } from '@playwright/test';

/** Width and height of a PNG, read from its IHDR chunk. */
function pngSize(bytes: Buffer): string {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

for (const lang of ['en', 'fr'] as const) {
  test(`the ${lang} pages link a manifest that Chromium reads without errors and finds installable`, async ({
    page,
    request,
  }) => {
    const pages = [`/${lang}/`, `/${lang}/modules/cp-in-peace-operations/`, `/${lang}/glossary/`];
    for (const path of pages) {
      await page.goto(path);
      await expect(page.locator('link[rel=manifest]')).toHaveAttribute(
        'href',
        `/${lang}/manifest.webmanifest`,
      );
      await expect(page.locator('meta[name=theme-color]')).toHaveAttribute('content', '#0b5cad');
    }

    const cdp = await page.context().newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest', {});
    expect(manifest.url).toMatch(new RegExp(`/${lang}/manifest\\.webmanifest$`));
    expect(manifest.errors).toEqual([]);
    const data = JSON.parse(manifest.data ?? '{}') as {
      start_url: string;
      display: string;
      lang: string;
      icons: { src: string; sizes: string; purpose: string }[];
    };
    expect(data.start_url).toBe(`/${lang}/`);
    expect(data.display).toBe('standalone');
    expect(data.lang).toBe(lang);

    // Every icon is a PNG of the size the manifest says, and one of them is maskable.
    for (const icon of data.icons) {
      const response = await request.get(icon.src);
      expect(response.status()).toBe(200);
      expect(pngSize(await response.body())).toBe(icon.sizes);
    }
    expect(data.icons.map((icon) => icon.sizes)).toEqual(
      expect.arrayContaining(['192x192', '512x512']),
    );
    expect(data.icons.some((icon) => icon.purpose === 'maskable')).toBe(true);

    // With the service worker in control, Chromium has nothing left against installing the site
    // but the private profile every test runs in.
    await page.evaluate(async () => navigator.serviceWorker.ready);
    await expect
      .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null))
      .toBe(true);
    await page.reload();
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(
      installabilityErrors.map((error) => error.errorId).filter((id) => id !== 'in-incognito'),
    ).toEqual([]);
  });
}
