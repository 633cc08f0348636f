import { expect, test } from '@playwright/test';

// The search box in every page's header shows its whole placeholder ("Search the course"), in
// English and French, on a 1280 px screen as on a 360 px phone, without the page scrolling sideways.
for (const lang of ['en', 'fr'] as const) {
  for (const width of [1280, 360]) {
    test(`the header's search box shows its whole placeholder at ${String(width)} px (${lang})`, async ({
      page,
    }) => {
      await page.setViewportSize({ width, height: 720 });
      await page.goto(`/${lang}/`);
      const box = page.locator('#site-search-q');
      await expect(box).toBeVisible();
      const fit = await box.evaluate((input: HTMLInputElement) => {
        const style = getComputedStyle(input);
        const context = document.createElement('canvas').getContext('2d');
        if (context === null) throw new Error('no 2d canvas');
        context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const room =
          input.clientWidth -
          Number.parseFloat(style.paddingLeft) -
          Number.parseFloat(style.paddingRight);
        return {
          placeholder: input.placeholder,
          text: context.measureText(input.placeholder).width,
          room,
        };
      });
      console.log(JSON.stringify({ lang, width, ...fit }));
      expect(fit.placeholder.length).toBeGreaterThan(0);
      expect(fit.text, `"${fit.placeholder}" is cut`).toBeLessThanOrEqual(fit.room);
      const sideways = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(sideways).toBeLessThanOrEqual(0);
      await page
        .locator('header')
        .first()
        .screenshot({ path: `test-results/header-search-${lang}-${String(width)}.png` });
    });
  }
}
