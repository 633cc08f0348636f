import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { answerAssessment, trackKey, type KeyedQuestion } from './support/assessment.ts';
import { axeViolations } from './support/axe.ts';
import {
  createCohort,
  SIGN_IN_MS,
  SITE,
  staffSignIn,
  startSiteService,
  type SiteService,
  POLICE,
} from './support/service.ts';
import { enrol, signInWithCode } from './support/tracking.ts';

// The certification journey on its own service.
const TRAINER = 'trainer-e2e';
const DPO = 'dpo-e2e';

let service: SiteService;
let base: string;
let key: KeyedQuestion[];
let modules: string[];
/** A cohort of the trainer's whose code admits the learners of the tests below to graded attempts. */
let cohort: string;

test.describe.configure({ mode: 'default' });

test.beforeAll(async () => {
  // Two scrypt hashes and a fresh embedded database: slow on a loaded machine.
  test.setTimeout(120_000);
  service = await startSiteService({
    staff: [
      [TRAINER, 'trainer'],
      [DPO, 'dpo'],
    ],
  });
  base = service.url;
  cohort = await createCohort(service, {
    by: TRAINER,
    codePrefix: 'CE2E',
    name: 'Graded attempts, e2e',
    track: POLICE,
    seats: 200,
  });
  // The key comes from the repository's item banks, never from the site: the site does not
  // have it, and the form's ids are new for every attempt, so answers go by the texts shown.
  ({ key, modules } = await trackKey(POLICE));
});

test.afterAll(async () => {
  await service.close();
});

/** Axe finds nothing on the page, once `shown` (when given) is visible. */
async function expectNoAxeViolations(page: Page, shown?: Locator): Promise<void> {
  if (shown !== undefined) await expect(shown).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
}

test('trainer, learner and DPO: cohort, enrolment, graded pass, certificate, reports and verification', async ({
  page,
  browser,
}) => {
  test.setTimeout(90_000);

  // A trainer opens a cohort.
  await staffSignIn(page, base, TRAINER);
  await expect(page).toHaveURL(/\/en\/staff\/trainer\/$/, { timeout: SIGN_IN_MS });
  await page.getByLabel('Cohort name').fill('UNPOL course, e2e');
  await page.getByLabel('Track').selectOption(POLICE);
  await page.getByRole('button', { name: 'Create cohort' }).click();
  const code = (await page.getByTestId('cohort-code').textContent()) ?? '';
  expect(code).toMatch(/^[A-Z0-9-]+$/);
  await expect(page.getByRole('table', { name: 'My cohorts' })).toContainText(code);

  // A learner enrols with the code in a browser of their own.
  const learnerContext = await browser.newContext();
  const learner = await learnerContext.newPage();
  const name = 'Amina Diallo';
  const account = await enrol(learner, base, name, code, 'SN-448812');
  expect(account).toMatch(/^l-/);

  // Admitted by the cohort's code: the assessment offers an attempt.
  await learner.goto(`${base}/en/assessment/${POLICE}/`);
  await expect(learner.getByText(`Signed in as ${name}.`)).toBeVisible();

  // Completion statements come from the learner's own tracker credential, as the tracker sends
  // them: reported progress, on which the certificate does not depend.
  const status = await learner.evaluate(
    async ({ site, ids }) => {
      const me = JSON.parse(localStorage.getItem('cp-xapi:learner') ?? '{}') as {
        actor: unknown;
        registration: string;
      };
      // Signed in by the session cookie, as the tracker is.
      const res = await fetch('/xapi/statements', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Experience-API-Version': '1.0.3',
        },
        body: JSON.stringify(
          ids.map((id) => ({
            id: crypto.randomUUID(),
            actor: me.actor,
            verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { en: 'completed' } },
            object: { objectType: 'Activity', id: `${site}/xapi/activities/module/${id}` },
            context: { registration: me.registration },
          })),
        ),
      });
      return res.status;
    },
    { site: SITE, ids: modules },
  );
  expect(status).toBe(200);

  await learner.reload();
  await learner.getByRole('button', { name: 'Start an attempt' }).click();
  const asked = await answerAssessment(learner, key);
  // Nothing on the page tells the key: no bank id, and the form's ids are random.
  const html = await learner.content();
  for (const q of key) expect(html).not.toContain(q.id);
  await learner.getByRole('button', { name: 'Submit my answers' }).click();
  await expect(learner.getByRole('heading', { name: 'Your result' })).toBeFocused();
  await expect(learner.getByTestId('assessment-score')).toContainText('100%');
  await expect(learner.locator('[data-outcome="passed"]')).toBeVisible();
  await expect(learner.locator('[data-met="met"]')).toHaveCount(asked);
  await expect(learner.getByText('Your certificate has been issued.')).toBeVisible();
  await learner.getByRole('link', { name: 'View and print your certificate' }).click();

  // The certificate page shows the code and a QR image that loads.
  const certCode = (await learner.locator('.certificate__code').textContent()) ?? '';
  expect(certCode).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
  await expect(learner.locator('.certificate__name')).toHaveText(name);
  const qr = learner.getByRole('img', { name: /QR code/ });
  await expect(qr).toBeVisible();
  expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

  // The learner keeps it as a file: a PDF from the service, fetched with their own credential.
  const [download] = await Promise.all([
    learner.waitForEvent('download'),
    learner.getByRole('link', { name: 'Download the certificate (PDF)' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`certificate-${certCode}.pdf`);
  const file = await readFile(await download.path());
  expect(file.subarray(0, 5).toString('latin1')).toBe('%PDF-');

  // It prints on one page on A4 and on Letter, without the site's navigation.
  await learner.emulateMedia({ media: 'print' });
  await expect(learner.locator('.site-header')).toBeHidden();
  await expect(learner.locator('.certificate__print')).toBeHidden();
  for (const format of ['A4', 'Letter'] as const) {
    const pdf = (await learner.pdf({ format, printBackground: true })).toString('latin1');
    expect(pdf.match(/\/Type\s*\/Page\b/g), `${format}: one page`).toHaveLength(1);
  }
  await learner.emulateMedia({ media: 'screen' });
  await learnerContext.close();

  // The trainer sees the learner, certified, in the live cohort view.
  await page.getByRole('button', { name: 'Open cohort UNPOL course, e2e' }).click();
  const view = page.getByTestId('cohort-view');
  await expect(view.getByRole('row', { name: new RegExp(name) })).toContainText(certCode);
  await expect(view.getByRole('row', { name: new RegExp(name) })).toContainText('Completed');

  // The learner lost her phone: the trainer gives her a sign-in code for the new one.
  await view.getByRole('button', { name: `Give ${name} a sign-in code` }).click();
  const issued = page.getByTestId('sign-in-code');
  await expect(issued).toContainText(`Sign-in code for ${name}`);
  const signInCode = (await issued.locator('.staff-signin__value').textContent()) ?? '';
  expect(signInCode).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
  expect(await axeViolations(page)).toEqual([]);
  const newPhone = await browser.newContext();
  const phonePage = await newPhone.newPage();
  await signInWithCode(phonePage, base, signInCode);
  await expect(
    phonePage.getByRole('heading', {
      name: `Signed in as ${name}. Your progress continues on this device.`,
    }),
  ).toBeVisible();
  expect(
    await phonePage.evaluate(() => {
      const me = JSON.parse(localStorage.getItem('cp-xapi:learner') ?? '{}') as {
        actor?: { account?: { name?: string } };
        cohort?: string;
      };
      return [me.actor?.account?.name, me.cohort];
    }),
  ).toEqual([account, code]);
  await newPhone.close();

  // A second learner whose name a spreadsheet would run as a formula.
  const res = await fetch(`${base}/api/enrol`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: '=cmd|calc',
      serviceNumber: 'SN-1',
      role: 'police',
      country: 'SN',
      unit: 'FPU 2',
      mission: 'MINUSCA',
      language: 'en',
      cohort: code,
    }),
  });
  expect(res.status).toBe(201);

  // A DPO finds the learner, drills down, exports the CSV and verifies the certificate.
  const dpoContext = await browser.newContext({ acceptDownloads: true });
  const dpo = await dpoContext.newPage();
  await staffSignIn(dpo, base, DPO);
  await expect(dpo).toHaveURL(/\/en\/staff\/dpo\/$/, { timeout: SIGN_IN_MS });
  await expect(dpo.getByTestId('dpo-summary')).toContainText('2 enrolled');
  await dpo.getByLabel('Name or service number').fill('Amina');
  await dpo.getByRole('button', { name: 'Apply filters' }).click();
  const learners = dpo.getByTestId('learners-table');
  await expect(learners.locator('tbody tr')).toHaveCount(1);
  await expect(learners).toContainText(certCode);
  // The country is stored as its code and named in the page's language.
  await expect(learners.locator('tbody tr').first()).toContainText('Senegal');
  await dpo.getByRole('button', { name: `Details for ${name}` }).click();
  const detail = dpo.getByTestId('learner-detail');
  await expect(detail.getByRole('heading', { name: `Learner: ${name}` })).toBeFocused();
  await expect(detail).toContainText(certCode);
  // Completions and check scores are what the learner's device reported, and say so.
  await expect(detail.getByRole('columnheader', { name: /Knowledge check score/ })).toContainText(
    'reported by the device',
  );
  await expect(dpo.getByTestId('device-reported')).toContainText(
    "Reported by the learner's device",
  );
  await expect(detail.getByRole('row')).toHaveCount(1 + modules.length);
  await dpo.getByRole('button', { name: 'Clear filters' }).click();
  await expect(learners.locator('tbody tr')).toHaveCount(2);
  const senegal = dpo.locator('[data-chart="chart-countries"] li').filter({ hasText: 'Senegal' });
  await expect(senegal.locator('.staff-chart__value')).toHaveText('1');

  const downloading = dpo.waitForEvent('download');
  await dpo.getByRole('link', { name: 'Download CSV' }).click();
  const csv = await readFile(await (await downloading).path(), 'utf8');
  const lines = csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  expect(lines[0]).toContain('learner_id,name,service_number');
  expect(lines).toHaveLength(3);
  expect(csv).toContain(`${account},${name},SN-448812,MINUSCA,SN,FPU 2,police,${code}`);
  expect(csv).toContain(certCode);
  expect(csv).toContain(",'=cmd|calc,");
  expect(csv).not.toMatch(/,=cmd/);

  await dpo.goto(`${base}/en/verify/`);
  // Typed before the lookup island hydrates, the code would be replaced by its empty field.
  await expect(
    dpo.locator('astro-island', { has: dpo.getByRole('button', { name: 'Check' }) }),
  ).not.toHaveAttribute('ssr', /.*/, { timeout: SIGN_IN_MS });
  await dpo.getByLabel('Verification code').fill(certCode);
  await dpo.getByRole('button', { name: 'Check' }).click();
  await expect(dpo.getByRole('heading', { name: 'Valid certificate' })).toBeVisible();
  await expect(dpo.getByRole('status')).toContainText(name);
  await dpoContext.close();
});

test('a learner without a cohort is asked for a code, joins, answers wrongly, fails and gets no certificate', async ({
  page,
}) => {
  await enrol(page, base, 'Jean Mbeki');
  // Enrolled without a cohort code: studying is open, graded attempts are not, in both languages.
  await page.goto(`${base}/fr/assessment/${POLICE}/`);
  await expect(page.getByTestId('cohort-required')).toContainText(
    'Demandez un code de cohorte à votre formateur',
  );
  await page.goto(`${base}/en/assessment/${POLICE}/`);
  await expect(page.getByTestId('cohort-required')).toContainText(
    'Ask your trainer for a cohort code',
  );
  await expect(page.getByRole('button', { name: 'Start an attempt' })).toHaveCount(0);
  await expectNoAxeViolations(page);
  await page.getByLabel('Cohort code').fill('CNONE-0000');
  await page.getByRole('button', { name: 'Join the cohort' }).click();
  await expect(
    page.getByRole('alert').filter({ hasText: 'No cohort has this code' }),
  ).toBeVisible();
  await page.getByLabel('Cohort code').fill(cohort.toLowerCase());
  await page.getByRole('button', { name: 'Join the cohort' }).click();
  await expect(page.getByText('You joined the cohort Graded attempts, e2e.')).toBeVisible();
  await page.getByRole('button', { name: 'Start an attempt' }).click();
  const asked = await answerAssessment(page, key, true);
  await page.getByRole('button', { name: 'Submit my answers' }).click();
  await expect(page.locator('[data-outcome="failed"]')).toContainText('Not passed');
  // Per learning outcome, not met, with the module section to review; never which item was right.
  const outcomes = page.getByTestId('assessment-outcomes');
  await expect(outcomes.locator('li')).toHaveCount(asked);
  await expect(outcomes.locator('[data-met="not-met"]').first()).toContainText('Not met');
  await expect(outcomes.getByRole('link').first()).toHaveAttribute(
    'href',
    /^\/en\/modules\/[a-z-]+\/#outcome-[a-z0-9-]+$/,
  );
  await expect(page.getByText('Attempts left in the current 24 hours: 2.')).toBeVisible();
  await expectNoAxeViolations(
    page,
    page.getByRole('button', { name: 'Take the assessment again' }),
  );
  await expect(page.getByRole('link', { name: 'View and print your certificate' })).toHaveCount(0);
  const certificate = await page.evaluate(async (track) => {
    const res = await fetch(`/api/certification/${track}/status`, {
      headers: { 'X-Requested-With': 'fetch' },
    });
    return ((await res.json()) as { certificate: unknown }).certificate;
  }, POLICE);
  expect(certificate).toBeNull();
});

test('an unanswered question is announced, and a visitor who has not enrolled is sent to enrol', async ({
  page,
}) => {
  await page.goto(`${base}/en/assessment/${POLICE}/`);
  await expect(page.getByRole('link', { name: 'Enrol in the course' })).toHaveAttribute(
    'href',
    '/en/enrol/',
  );
  await enrol(page, base, 'Ana Pereira', cohort);
  await page.goto(`${base}/en/assessment/${POLICE}/`);
  await page.getByRole('button', { name: 'Start an attempt' }).click();
  await expect(page.getByText(/Submit your answers before/)).toBeVisible();
  await page.getByRole('button', { name: 'Submit my answers' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Answer every question' })).toBeVisible();
});

test('classroom mode: one question at a time, arrows and space', async ({ page }) => {
  await page.goto(`${base}/en/staff/trainer/`);
  await page.getByRole('button', { name: 'Start' }).click();
  const stage = page.getByTestId('classroom');
  await expect(stage).toBeFocused();
  await expect(stage).toContainText('Question 1 of');
  await page.keyboard.press('ArrowRight');
  await expect(stage).toContainText('Question 2 of');
  await expect(stage.getByText('Correct', { exact: false })).toHaveCount(0);
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Hide the answer' })).toBeVisible();
  await expect(stage.locator('.classroom__right, strong').first()).toBeVisible();
  await page.keyboard.press('ArrowLeft');
  await expect(stage).toContainText('Question 1 of');
  await expect(page.getByRole('button', { name: 'Show the answer on screen' })).toBeVisible();
});

test('classroom mode letters the right option differently from one question to the next', async ({
  page,
}) => {
  // The course files list each question's right option first; the room must not learn that
  // the answer is A.
  await page.goto(`${base}/en/staff/trainer/`);
  await page.getByRole('button', { name: 'Start' }).click();
  const stage = page.getByTestId('classroom');
  await expect(stage).toBeFocused();
  const total = Number(/of (\d+)/.exec(await stage.locator('.classroom__count').innerText())?.[1]);
  const places = new Set<number>();
  for (let n = 1; n <= total; n += 1) {
    await expect(stage).toContainText(`Question ${String(n)} of`);
    await page.keyboard.press('Space');
    const options = stage.locator('ol[type="A"]').first().locator(':scope > li');
    if ((await options.count()) > 2) {
      const marked = await options.evaluateAll((items) =>
        items.findIndex((li) => li.querySelector('.classroom__right') !== null),
      );
      places.add(marked);
    }
    await page.keyboard.press('ArrowRight');
  }
  expect(places.size).toBeGreaterThan(1);
});

for (const lang of ['en', 'fr'] as const) {
  test(`axe finds no violations on the certification and staff pages (${lang})`, async ({
    browser,
  }) => {
    test.setTimeout(60_000);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/${lang}/assessment/${POLICE}/`);
    await expectNoAxeViolations(page, page.locator('a[href$="/enrol/"]').last());

    await staffSignIn(page, base, TRAINER, { lang });
    await expect(page).toHaveURL(new RegExp(`/${lang}/staff/trainer/$`), { timeout: SIGN_IN_MS });
    await page.locator('#cohort-name').fill(`Axe ${lang} ${randomUUID().slice(0, 4)}`);
    await page.locator('#cohort-name').press('Enter');
    await expect(page.getByTestId('cohort-code')).toBeVisible();
    await page.locator('table button').first().click();
    await expect(page.getByTestId('cohort-view')).toBeVisible();
    await page
      .getByRole('button', { name: lang === 'fr' ? 'Commencer' : 'Start', exact: true })
      .click();
    await expectNoAxeViolations(page, page.getByTestId('classroom'));

    await page.goto(`${base}/${lang}/staff/login/`);
    await expectNoAxeViolations(page, page.getByRole('status'));
    await context.clearCookies();
    await page.reload();
    await expectNoAxeViolations(page, page.locator('#staff-name'));

    await staffSignIn(page, base, DPO, { lang });
    await expect(page).toHaveURL(new RegExp(`/${lang}/staff/dpo/$`), { timeout: SIGN_IN_MS });
    await expect(page.getByTestId('dpo-summary')).toBeVisible();
    // Usable on a 360 px phone: wide tables scroll inside their own box, not the page.
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      360,
    );
    await page.setViewportSize({ width: 1280, height: 720 });
    const details = page.locator('table button').first();
    if ((await details.count()) > 0) {
      await details.click();
      await expect(page.getByTestId('learner-detail')).toBeVisible();
    }
    await expectNoAxeViolations(page);

    // Signed in, but the wrong role for the trainer page.
    await page.goto(`${base}/${lang}/staff/trainer/`);
    await expectNoAxeViolations(page, page.locator('.staff-bar'));
    await context.close();
  });
}
