import { expect, test } from '@playwright/test';
import { builtPages } from './support/pages.ts';

test('every page runs only its own hashed scripts, and cannot be framed', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text());
  });
  const response = await page.goto('/en/modules/cp-in-peace-operations/');
  expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  const policy = await page
    .locator('meta[http-equiv="content-security-policy"]')
    .getAttribute('content');
  expect(policy).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+;/);
  expect(policy).not.toContain('unsafe-inline');
  expect(policy).not.toContain('unsafe-eval');

  // The page's own island works under the policy: the knowledge check hydrates and answers.
  const quiz = page.locator('.cpq').first();
  await quiz.scrollIntoViewIfNeeded();
  await expect(quiz.getByRole('button').first()).toBeEnabled();
  expect(violations).toEqual([]);

  // A script injected into the page (what an XSS would do) does not run.
  const ran = await page.evaluate(async () => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.body.append(script);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return (window as { __injected?: boolean }).__injected === true;
  });
  expect(ran).toBe(false);
});

test('no page of the course trips its own Content-Security-Policy', async ({ page }) => {
  test.setTimeout(120_000);
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) {
      violations.push(`${page.url()}: ${message.text()}`);
    }
  });
  const pages = builtPages().filter((path) => /^\/(en|fr)\/(modules|glossary)\//.test(path));
  expect(pages.length).toBeGreaterThan(4);
  for (const path of pages) await page.goto(path, { waitUntil: 'load' });
  expect(violations).toEqual([]);
});
