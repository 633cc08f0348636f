import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { StartedAttempt } from '../../src/api/assessment.ts';
import type { ItemStat, RetirementEntry } from '../../src/api/items.ts';
import type { CertificationTrack } from '../../src/server/platform/certification/rules.ts';
import {
  answersTo,
  api,
  bankQuestionOf,
  catalogOf,
  enrol,
  openCohort,
  staffLogin,
  startAttempt,
  submitAttempt,
  TEST_ENROL_LIMITS,
  trackIn,
  type EnrolledLearner,
  POLICE,
} from '../server/certification-helpers.ts';
import { axeViolations } from './support/axe.ts';
import {
  SIGN_IN_MS,
  staffSignIn,
  STAFF_PASSWORD,
  startSiteService,
  type SiteService,
} from './support/service.ts';

// Item statistics and cohort seats against the built site and the real service, on its own
// service. Learners enrol, sit the graded assessment and join cohorts through the HTTP API with
// the helpers of the server tests.
const TRAINER = 'trainer-items-e2e';
const OTHER_TRAINER = 'trainer-other-e2e';
const DPO = 'dpo-items-e2e';
const SHOTS = path.resolve('test-results/item-stats');

let server: SiteService;
let track: CertificationTrack;
/** The trainer's cohort and another trainer's, each with its learners' graded attempts. */
let mine: string;
let theirs: string;

/** Bank items of the forms sat in French. */
const french = new Set<string>();
/** Per cohort, per bank item: how many forms had it, and how many of those were answered right. */
const tally = new Map<string, Map<string, { seen: number; right: number }>>();

test.describe.configure({ mode: 'serial' });

const drawn = (started: StartedAttempt) =>
  started.questions.map((q) => bankQuestionOf(track, started.lang, q).id);

/** A learner of a cohort sits the graded assessment, all right or all wrong; tallied. */
async function sit(cohort: string, right: boolean, lang: string): Promise<void> {
  const learner = await enrol(server, { cohort, language: lang });
  const { status, started, text } = await startAttempt(server, learner, POLICE, lang);
  expect(status, text).toBe(201);
  const res = await submitAttempt(server, learner, started, answersTo(track, started, right));
  expect(res.status, res.text).toBe(200);
  expect(res.result.passed).toBe(right);
  const counts = tally.get(cohort) ?? new Map<string, { seen: number; right: number }>();
  for (const id of drawn(started)) {
    if (lang === 'fr') french.add(id);
    const c = counts.get(id) ?? { seen: 0, right: 0 };
    counts.set(id, { seen: c.seen + 1, right: c.right + (right ? 1 : 0) });
  }
  tally.set(cohort, counts);
}

/** The tally of some cohorts together. */
function tallyOf(...cohorts: string[]): Map<string, { seen: number; right: number }> {
  const sum = new Map<string, { seen: number; right: number }>();
  for (const cohort of cohorts) {
    for (const [id, c] of tally.get(cohort) ?? []) {
      const s = sum.get(id) ?? { seen: 0, right: 0 };
      sum.set(id, { seen: s.seen + c.seen, right: s.right + c.right });
    }
  }
  return sum;
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startSiteService({
    rateLimits: TEST_ENROL_LIMITS,
    staff: [
      [TRAINER, 'trainer'],
      [OTHER_TRAINER, 'trainer'],
      [DPO, 'dpo'],
    ],
  });
  track = trackIn(await catalogOf(path.resolve('.')), POLICE);
  mine = (await openCohort(server, await staffLogin(server, TRAINER, STAFF_PASSWORD), POLICE, 200))
    .code;
  theirs = (
    await openCohort(server, await staffLogin(server, OTHER_TRAINER, STAFF_PASSWORD), POLICE)
  ).code;
  // Three learners of the trainer's cohort (two right, one wrong) and two of the other (one in
  // French): the page must show these counts, per cohort and together.
  await sit(mine, true, 'en');
  await sit(mine, true, 'en');
  await sit(mine, false, 'en');
  await sit(theirs, true, 'fr');
  await sit(theirs, false, 'en');
  await mkdir(SHOTS, { recursive: true });
});

test.afterAll(async () => {
  await server.close();
});

/** A member of staff signs in and lands on their page. */
async function signIn(page: Page, name: string, lang = 'en'): Promise<void> {
  await staffSignIn(page, server.url, name, { lang });
  await expect(page).toHaveURL(/\/staff\/(trainer|dpo)\/$/, { timeout: SIGN_IN_MS });
}

/** The page does not scroll sideways at its width. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const [scroll, client] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    document.documentElement.clientWidth,
  ]);
  expect(scroll).toBeLessThanOrEqual(client);
}

/**
 * Every row of the table against a tally: the seen count of every item, and the facility of every
 * item but the orderings (a reversed order earns part of the marks; the wrong answers of the others
 * earn nothing, so their facility is right / seen).
 */
async function expectCounts(
  page: Page,
  counts: Map<string, { seen: number; right: number }>,
  lang: string,
): Promise<void> {
  const table = page.getByTestId('items-table');
  const rows = await table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      item: tr.getAttribute('data-item') ?? '',
      seen: tr.querySelector('[data-col="seen"]')?.textContent.trim() ?? '',
      facility: tr.querySelector('[data-col="facility"]')?.textContent.trim() ?? '',
    })),
  );
  const bank = track.modules.flatMap((m) => m.banks.en?.items ?? []);
  expect(rows.map((r) => r.item).sort()).toEqual(bank.map((i) => i.id).sort());
  const pct = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  let checkedFacility = 0;
  for (const row of rows) {
    const c = counts.get(row.item) ?? { seen: 0, right: 0 };
    expect(row.seen, row.item).toBe(String(c.seen));
    const type = bank.find((i) => i.id === row.item)?.type;
    if (c.seen > 0 && type !== 'ordering') {
      expect(row.facility, row.item).toBe(pct.format(Math.round((c.right / c.seen) * 1000) / 1000));
      checkedFacility += 1;
    }
  }
  expect(checkedFacility).toBeGreaterThan(0);
  const seenItems = [...counts.values()].filter((c) => c.seen > 0).length;
  expect(seenItems).toBeGreaterThan(0);
  await expect(page.getByTestId('items-summary')).toContainText(
    lang === 'fr'
      ? `${String(seenItems)} questions sur ${String(bank.length)}`
      : `${String(seenItems)} of ${String(bank.length)}`,
  );
}

test('a trainer sees their own cohort’s figures, without the key, at 1280 and 360 px', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, TRAINER);
  await page.getByRole('link', { name: 'Open the statistics of assessment questions' }).click();
  await expect(page).toHaveURL(/\/en\/staff\/items\//);
  await expect(page.getByLabel('Cohort', { exact: true })).toHaveValue(mine);
  await expect(page.getByTestId('items-table')).toBeVisible();
  await expectCounts(page, tallyOf(mine), 'en');
  // How often each option was chosen, never which one is right; no retire button.
  const seen = [...(tally.get(mine) ?? new Map<string, { seen: number }>())].find(
    ([id]) => bankTypeOf(id) === 'single-choice' || bankTypeOf(id) === 'scenario',
  );
  const row = page.locator(`tr[data-item="${seen?.[0] ?? ''}"]`);
  const chosen = await row.locator('[data-col="options"] li').allTextContents();
  // The helpers answer rightly with the right option and wrongly with the bank's first wrong one.
  const bankItem = track.modules
    .flatMap((m) => m.banks.en?.items ?? [])
    .find((i) => i.id === seen?.[0]);
  const options = bankItem !== undefined && 'options' in bankItem ? bankItem.options : [];
  const firstWrong = options.find((o) => !o.correct);
  const mineCount = tally.get(mine)?.get(seen?.[0] ?? '') ?? { seen: 0, right: 0 };
  expect(chosen).toEqual(
    options.map((o) => {
      const count = o.correct
        ? mineCount.right
        : o === firstWrong
          ? mineCount.seen - mineCount.right
          : 0;
      return `${String(count)} × ${o.text}`;
    }),
  );
  await expect(page.getByTestId('items-table')).not.toContainText('(right answer)');
  await expect(page.getByRole('button', { name: /^Retire question/ })).toHaveCount(0);
  await expect(page.getByText('Only the DPO can retire a question')).toBeVisible();
  // The CSV link is the API's, for this cohort.
  const csv = page.getByRole('link', { name: 'Download as CSV' });
  await expect(csv).toHaveAttribute(
    'href',
    `/api/reports/items.csv?track=${POLICE}&cohort=${mine}&lang=en`,
  );
  const file = await page.request.get(
    `${server.url}/api/reports/items.csv?track=${POLICE}&cohort=${mine}`,
  );
  expect(file.status()).toBe(200);
  expect(await file.text()).toContain(seen?.[0] ?? 'nothing');
  expect(await axeViolations(page)).toEqual([]);
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: path.join(SHOTS, 'trainer-1280.png'), fullPage: false });
  await row.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'trainer-1280-table.png'), fullPage: false });
  await page.setViewportSize({ width: 360, height: 780 });
  await expectNoSidewaysScroll(page);
  await row.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'trainer-360.png'), fullPage: false });
  expect(await axeViolations(page)).toEqual([]);
  // Another trainer's cohort, typed into the address, is not offered: the page shows their own.
  await page.goto(`${server.url}/en/staff/items/?cohort=${theirs}`);
  await expect(page.getByLabel('Cohort', { exact: true })).toHaveValue(mine);
  await expect(page.getByTestId('items-table')).toBeVisible();
  await expect(page.getByRole('table')).toHaveAccessibleName(new RegExp(`cohort ${mine}$`));
});

function bankTypeOf(id: string): string | undefined {
  return track.modules.flatMap((m) => m.banks.en?.items ?? []).find((i) => i.id === id)?.type;
}

test('the DPO sees every cohort together and one cohort, in French', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, DPO, 'fr');
  await page
    .getByRole('link', { name: 'Ouvrir les statistiques des questions de l’évaluation' })
    .click();
  await expect(page).toHaveURL(/\/fr\/staff\/items\//);
  await expect(page.getByTestId('items-table')).toBeVisible();
  await expectCounts(page, tallyOf(mine, theirs), 'fr');
  // English and French side by side: the one French attempt (all right) counts under French.
  const pct = new Intl.NumberFormat('fr', { style: 'percent', maximumFractionDigits: 0 });
  const frenchItem = [...french][0] ?? '';
  await expect(page.locator(`tr[data-item="${frenchItem}"] [data-col="languages"]`)).toContainText(
    `Français : ${pct.format(1)} (n = 1)`,
  );
  // The DPO sees which option is right.
  await expect(page.getByTestId('items-table')).toContainText('(bonne réponse)');
  expect(await axeViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(SHOTS, 'dpo-fr-1280.png'), fullPage: false });
  // One cohort: only its learners' attempts.
  await page.getByLabel('Code de la promotion').fill(theirs.toLowerCase());
  await page.getByRole('button', { name: 'Afficher' }).click();
  await expect(page.getByRole('table')).toHaveAccessibleName(new RegExp(`promotion ${theirs}`));
  await expectCounts(page, tallyOf(theirs), 'fr');
  await page.getByLabel('Code de la promotion').fill('NOPE-0000');
  await page.getByRole('button', { name: 'Afficher' }).click();
  await expect(
    page.getByRole('alert').filter({ hasText: 'Aucune promotion n’a ce code' }),
  ).toBeVisible();
  await page.setViewportSize({ width: 360, height: 780 });
  await page.getByLabel('Code de la promotion').fill('');
  await page.getByRole('button', { name: 'Afficher' }).click();
  await expect(page.getByTestId('items-table')).toBeVisible();
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: path.join(SHOTS, 'dpo-fr-360.png'), fullPage: false });
});

test('the DPO retires questions by keyboard: new forms stop drawing them, and it is logged', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  // An outcome of three questions: two retired, new forms must draw the third every time.
  const items = track.modules[0]?.banks.en?.items ?? [];
  const outcome = items[0]?.outcomes[0] ?? '';
  const ofOutcome = items.filter((i) => i.outcomes[0] === outcome).map((i) => i.id);
  expect(ofOutcome.length).toBeGreaterThanOrEqual(3);
  const [keep = '', first = '', second = ''] = ofOutcome;
  await signIn(page, DPO);
  await page.goto(`${server.url}/en/staff/items/`);
  await expect(page.getByTestId('items-table')).toBeVisible();
  for (const id of [first, second]) {
    const button = page.getByRole('button', { name: `Retire question ${id}` });
    await button.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Retire question ${id}?` });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Retire it' })).toBeFocused();
    if (id === first) {
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, 'dpo-confirm-1280.png') });
      // Escape cancels: nothing changes, and focus returns to the button.
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
      await expect(button).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(dialog).toBeVisible();
    }
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('items-announce')).toHaveText(
      `Question ${id} is retired: new forms no longer draw it.`,
    );
    await expect(page.getByRole('button', { name: `Restore question ${id}` })).toBeFocused();
    await expect(page.locator(`tr[data-item="${id}"] [data-col="status"]`)).toContainText(
      'Retired from new forms',
    );
  }
  await expect(page.getByTestId('items-log').locator('li').first()).toContainText(
    `${DPO} retired question ${second}`,
  );
  await expect(page.getByTestId('items-log')).toContainText(`${DPO} retired question ${first}`);
  // The service's answer, and the next drawn forms.
  const dpo = await staffLogin(server, DPO, STAFF_PASSWORD);
  const stats = await api(server, `/api/reports/items?track=${POLICE}`, {
    headers: { Cookie: dpo.cookie },
  });
  const retired = (stats.json as { items: ItemStat[] }).items.filter((i) => i.retired);
  expect(retired.map((i) => i.item).sort()).toEqual([first, second].sort());
  for (let n = 0; n < 3; n += 1) {
    const learner: EnrolledLearner = await enrol(server, { cohort: mine });
    const { started } = await startAttempt(server, learner, POLICE);
    const ids = drawn(started);
    expect(ids).toContain(keep);
    expect(ids).not.toContain(first);
    expect(ids).not.toContain(second);
  }
  // Restored, by keyboard too; the log keeps both.
  for (const id of [first, second]) {
    await page.getByRole('button', { name: `Restore question ${id}` }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: `Restore question ${id}?` }).waitFor();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('items-announce')).toHaveText(
      `Question ${id} is restored: new forms may draw it again.`,
    );
  }
  const log = await api(server, '/api/reports/items/retirements', {
    headers: { Cookie: dpo.cookie },
  });
  const entries = (log.json as { entries: RetirementEntry[] }).entries;
  expect(entries.map((e) => [e.item, e.retired, e.by])).toEqual([
    [second, false, DPO],
    [first, false, DPO],
    [second, true, DPO],
    [first, true, DPO],
  ]);
});

test('a trainer sets a cohort’s seats: the next join beyond them is refused; closed, none', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  const cohort = await openCohort(
    server,
    await staffLogin(server, TRAINER, STAFF_PASSWORD),
    POLICE,
  );
  const learners: EnrolledLearner[] = [];
  for (let n = 0; n < 4; n += 1) learners.push(await enrol(server));
  const [one, two, three, four] = learners as [
    EnrolledLearner,
    EnrolledLearner,
    EnrolledLearner,
    EnrolledLearner,
  ];
  const join = (learner: EnrolledLearner) =>
    api(server, '/api/cohorts/join', {
      authorization: learner.authorization,
      body: { code: cohort.code },
    });
  expect((await join(one)).status).toBe(200);
  await signIn(page, TRAINER);
  await page.getByRole('button', { name: `Open cohort ${cohort.name}` }).click();
  const seats = page.getByTestId('cohort-seats');
  await expect(seats.getByTestId('seats-summary')).toHaveText('1 of 40 seats taken, 39 left.');
  const field = seats.getByLabel('Seats', { exact: true });
  // Fewer seats than learners in it: refused, with the error beside the field.
  await field.fill('0');
  await field.press('Enter');
  await expect(seats.getByRole('alert')).toHaveText('Enter a whole number from 1 to 200.');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toBeFocused();
  const n = 2;
  await field.fill(String(n));
  await field.press('Enter');
  await expect(seats.getByTestId('seats-announce')).toHaveText(
    `The cohort now has ${String(n)} seats.`,
  );
  await expect(seats.getByTestId('seats-summary')).toHaveText(
    `1 of ${String(n)} seats taken, 1 left.`,
  );
  await expect(seats.getByRole('alert')).toHaveText('');
  expect((await join(two)).status).toBe(200);
  const refused = await join(three);
  expect(refused.status, refused.text).toBe(409);
  expect((refused.json as { code: string }).code).toBe('cohort_full');
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(seats.getByTestId('seats-summary')).toHaveText(
    `2 of ${String(n)} seats taken, 0 left.`,
  );
  // Below the seats taken: the field's error says why, and nothing is sent.
  await field.fill('1');
  await field.press('Enter');
  await expect(seats.getByRole('alert')).toHaveText(
    '2 learners hold a seat already: the cohort cannot have fewer seats.',
  );
  // A seat more, but admission closed: the code admits nobody; reopened, it does.
  await field.fill('3');
  await field.press('Enter');
  await expect(seats.getByTestId('seats-summary')).toHaveText('2 of 3 seats taken, 1 left.');
  await seats.getByRole('button', { name: 'Close admission' }).click();
  await expect(seats.getByTestId('seats-announce')).toHaveText(
    'Admission is closed: the code admits nobody new.',
  );
  await expect(seats.getByTestId('admission')).toContainText('Admission is closed');
  const closed = await join(three);
  expect((closed.json as { code: string }).code).toBe('cohort_closed');
  await seats.getByRole('button', { name: 'Reopen admission' }).click();
  await expect(seats.getByTestId('admission')).toContainText('Admission is open');
  expect((await join(three)).status).toBe(200);
  expect((await join(four)).status).toBe(409);
  // The list of cohorts shows the seats as they now are.
  await expect(page.getByRole('table', { name: 'My cohorts' })).toContainText(
    '2 of 3 seats taken, 1 left.',
  );
  expect(await axeViolations(page)).toEqual([]);
  await expectNoSidewaysScroll(page);
  await seats.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'seats-1280.png') });
  await page.setViewportSize({ width: 360, height: 780 });
  await expectNoSidewaysScroll(page);
  await seats.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'seats-360.png') });
});
