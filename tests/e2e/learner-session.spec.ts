import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import {
  enrol,
  expectAllSaved,
  startService,
  statementsOf,
  type TrackingService,
} from './support/tracking.ts';

// The learner's credential out of script reach: after enrolling, the browser holds an HttpOnly
// session cookie and only facts in its storage; an older stored credential is exchanged once;
// switching learner signs out through the service; a session the service ended shows as signed
// out. Against the built site served by the real service.
test.describe.configure({ mode: 'serial' });

const modulePath = '/en/modules/cp-in-peace-operations/';

let service: TrackingService;

test.beforeAll(async () => {
  service = await startService();
});

test.afterAll(async () => {
  await service.stop();
});

/** The learner session cookie of a browser context, if it has one. */
async function sessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((cookie) => cookie.name === 'cp_learner');
}

/** Everything scripts on the page can read: both storages and document.cookie, as one text. */
function scriptReadable(page: Page): Promise<string> {
  return page.evaluate(() => {
    const dump = (storage: Storage) =>
      Array.from({ length: storage.length }, (_, i) => {
        const key = storage.key(i) ?? '';
        return `${key}=${storage.getItem(key) ?? ''}`;
      }).join('\n');
    return [dump(localStorage), dump(sessionStorage), document.cookie].join('\n');
  });
}

test('after enrolling, no credential secret is in localStorage, sessionStorage or document.cookie', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const account = await enrol(page, service.url, 'Kofi Mensah');
  const cookie = await sessionCookie(context);
  expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });

  // Tracking works with the cookie alone: a module page's statements reach the record store.
  await page.goto(`${service.url}${modulePath}`);
  await expectAllSaved(page);
  expect((await statementsOf(service, account)).length).toBeGreaterThan(0);

  const readable = await scriptReadable(page);
  expect(readable).not.toContain(cookie?.value ?? '');
  expect(readable).not.toMatch(/Basic |"auth"|secret/);
  const stored = await page.evaluate(() => localStorage.getItem('cp-xapi:learner') ?? '{}');
  expect(Object.keys(JSON.parse(stored) as object).sort()).toEqual(
    ['actor', 'endpoint', 'registration', 'trackId'].sort(),
  );
  await context.close();
});

test('a browser that kept a credential from before exchanges it once for the cookie and deletes it', async ({
  browser,
}) => {
  // An enrolment as an older version of the site made it: the secret in localStorage.
  const res = await fetch(`${service.url}/api/enrol`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: 'Awa Sow',
      serviceNumber: `SN-${String(Math.floor(Math.random() * 1e9))}`,
      role: 'police',
      country: 'SN',
      unit: 'FPU 2',
      mission: 'MINUSCA',
      language: 'en',
    }),
  });
  expect(res.status).toBe(201);
  const old = (await res.json()) as {
    key: string;
    secret: string;
    actor: { account: { name: string } };
    registration: string;
  };
  const auth = `Basic ${Buffer.from(`${old.key}:${old.secret}`).toString('base64')}`;
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${service.url}/en/`);
  await page.evaluate(
    (entry) => {
      localStorage.setItem('cp-xapi:learner', JSON.stringify(entry));
    },
    {
      endpoint: `${service.url}/xapi/`,
      auth,
      actor: old.actor,
      registration: old.registration,
    },
  );

  await page.goto(`${service.url}${modulePath}`);
  await expectAllSaved(page);
  expect(await sessionCookie(context)).toBeDefined();
  expect(await scriptReadable(page)).not.toContain(old.secret);
  expect((await statementsOf(service, old.actor.account.name)).length).toBeGreaterThan(0);
  // The exchanged credential is revoked: a script that read it earlier holds nothing that works.
  const withOld = await fetch(`${service.url}/xapi/statements?limit=1`, {
    headers: { Authorization: auth, 'X-Experience-API-Version': '1.0.3' },
  });
  expect(withOld.status).toBe(401);
  await context.close();
});

test('switching learner signs out through the service; a session it ended shows as signed out', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await enrol(page, service.url, 'Ibrahim Keita');
  await page.goto(`${service.url}${modulePath}`);
  await expectAllSaved(page);

  // The session ends on the service (as when the device was signed out elsewhere or it expired).
  const cookie = await sessionCookie(context);
  const ended = await fetch(`${service.url}/api/learner-session`, {
    method: 'DELETE',
    headers: { Cookie: `cp_learner=${cookie?.value ?? ''}`, 'X-Requested-With': 'fetch' },
  });
  expect(ended.status).toBe(204);
  await page.reload();
  await expect(page.locator('.cp-sync')).toContainText(/signed out/i, { timeout: 20_000 });
  // The enrolment page says so and offers the code form to sign in again.
  await page.goto(`${service.url}/en/enrol/`);
  await expect(page.locator('#enrol-error')).toContainText('You are signed out on this device');
  await expect(page.locator('#code-form')).toBeVisible();
  await context.close();

  // Another device: enrolled, all saved, then "Switch learner": the service removes the cookie.
  const shared = await browser.newContext();
  const device = await shared.newPage();
  await enrol(device, service.url, 'Fanta Camara');
  expect(await sessionCookie(shared)).toBeDefined();
  await device.getByRole('button', { name: 'Switch learner' }).click();
  await expect(
    device.getByText('Signed out. This device no longer holds your progress.'),
  ).toBeVisible();
  expect(await sessionCookie(shared)).toBeUndefined();
  await shared.close();
});
