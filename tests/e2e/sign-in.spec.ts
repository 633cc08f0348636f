import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { axeViolations } from './support/axe.ts';
import {
  enrol,
  getSignInCode,
  signInWithCode,
  startService,
  type TrackingService,
} from './support/tracking.ts';

// Signing in on another device with a one-time code, on the enrolment page: what a learner sees
// when the code is right, wrong, used or mistyped, with the keyboard only, in both languages.
test.describe.configure({ mode: 'serial' });

let service: TrackingService;

test.beforeAll(async () => {
  service = await startService();
});

test.afterAll(async () => {
  await service.stop();
});

const shots = 'test-results/sign-in';

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

test('a code shown on one device signs the learner in on another; wrong codes say why', async ({
  browser,
}) => {
  const laptop = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await laptop.newPage();
  await enrol(page, service.url, 'Mariam Traoré');
  const code = await getSignInCode(page, service.url);
  // Shown large, spelled out for screen readers, announced in a live region with its expiry.
  await expect(page.locator('#code-result')).toHaveAttribute('role', 'status');
  await expect(page.locator('#code-spelled')).toHaveText(
    `Spelled out: ${code.replace('-', '').split('').join(' ')}`,
  );
  await expect(page.locator('#code-expiry')).toContainText('Valid until');
  const size = await page
    .locator('#code-value')
    .evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
  expect(size).toBeGreaterThanOrEqual(28);
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'code-shown-360');

  const phone = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const other = await phone.newPage();
  await other.goto(`${service.url}/en/enrol/`);
  // Keyboard only: the link at the top of the form leads to the code form.
  await other.getByRole('link', { name: /Sign in with a code/ }).focus();
  await other.keyboard.press('Enter');
  await expect(other.locator('#code-sign-in-heading')).toBeFocused();
  await other.keyboard.press('Tab');
  await expect(other.getByLabel('Sign-in code')).toBeFocused();
  // The message sits next to the field, is announced there (role=alert) and describes the field.
  const error = other.locator('#code-input-error');

  await other.keyboard.press('Enter');
  await expect(error).toHaveText('Type the sign-in code.');
  await other.keyboard.type('ABCD-2345');
  await other.keyboard.press('Enter');
  await expect(error).toHaveText(/This is not a sign-in code/);
  await expect(other.getByLabel('Sign-in code')).toHaveAttribute('aria-invalid', 'true');
  await expect(other.getByLabel('Sign-in code')).toHaveAttribute(
    'aria-describedby',
    /\bcode-input-error\b/,
  );
  await expect(error).toHaveAttribute('role', 'alert');
  await other.getByLabel('Sign-in code').fill('ABCDE-FGHJK');
  await other.keyboard.press('Enter');
  await expect(error).toHaveText(/This code is not known/);
  expect(await axeViolations(other)).toEqual([]);
  await screenshot(other, 'code-error-360');

  // Typed in lower case without the hyphen: still the code.
  await other.getByLabel('Sign-in code').fill(code.replace('-', '').toLowerCase());
  await other.keyboard.press('Enter');
  const heading = other.getByRole('heading', {
    name: 'Signed in as Mariam Traoré. Your progress continues on this device.',
  });
  await expect(heading).toBeFocused();
  await expect(other.locator('#code-sign-in')).toBeHidden();
  await other.reload();
  await expect(
    other.getByRole('heading', { name: 'Recording progress for Mariam Traoré' }),
  ).toBeVisible();

  // The code worked once: a third device is told it was used.
  const third = await (await browser.newContext()).newPage();
  await signInWithCode(third, service.url, code);
  await expect(third.locator('#code-input-error')).toHaveText(
    'This code was already used. Ask for a new one.',
  );
  await laptop.close();
  await phone.close();
  await third.context().close();
});

test('in French', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await enrol(page, service.url, 'Jean Kabila');
  const code = await getSignInCode(page, service.url);
  const other = await (await browser.newContext()).newPage();
  await other.goto(`${service.url}/fr/enrol/`);
  await expect(other.getByRole('heading', { name: 'Se connecter avec un code' })).toBeVisible();
  await other.getByLabel('Code de connexion').fill('ZZZZZ-ZZZZZ');
  await other.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await expect(other.locator('#code-input-error')).toHaveText(/Ce code est inconnu/);
  await other.getByLabel('Code de connexion').fill(code);
  await other.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await expect(
    other.getByRole('heading', {
      name: 'Connecté en tant que Jean Kabila. Votre progression continue sur cet appareil.',
    }),
  ).toBeFocused();
  await other.goto(`${service.url}/fr/enrol/`);
  await other.getByRole('button', { name: 'Obtenir un code de connexion' }).click();
  await expect(other.locator('#code-expiry')).toContainText('Valable jusqu’à');
  expect(await axeViolations(other)).toEqual([]);
  await screenshot(other, 'fr-code-shown');
  await context.close();
  await other.context().close();
});

test('a module page on a new device offers the code, not only a second enrolment', async ({
  browser,
}) => {
  // A learner who enrols again on a second device becomes a second learner in the reports.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${service.url}/en/modules/cp-in-peace-operations/`);
  const link = page.getByRole('link', { name: 'Enrol, or sign in with a code' });
  await expect(link).toBeVisible();
  await link.click();
  await expect(page).toHaveURL(/\/en\/enrol\/$/);
  await expect(page.getByRole('link', { name: /Sign in with a code/ })).toBeVisible();
  await page.goto(`${service.url}/fr/modules/cp-in-peace-operations/`);
  await expect(
    page.getByRole('link', { name: 'Inscrivez-vous, ou connectez-vous avec un code' }),
  ).toBeVisible();
  await context.close();
});
