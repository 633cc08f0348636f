import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { parse } from 'yaml';
import { SIGN_IN_MS, startSiteService } from './support/service.ts';
import {
  askTheRoom,
  firstKit,
  openCohort,
  signInFrom,
  useTrainerService,
  newPhone,
} from './support/trainer-session.ts';

// What the trainer projects while a question is live must be read from the back of a room (8 m)
// on one screen: the question, its lettered options, the join code and QR code, and the chart,
// in large type, with no scrolling, at 1920x1080 and 1280x720, in English and French.
const trainerService = useTrainerService('trainer-projector-e2e');

/** The projected view's size and its smallest reading type, as fractions of the screen. */
async function measure(page: Page) {
  return page.evaluate(() => {
    const px = (selector: string) => {
      const sizes = [...document.querySelectorAll(selector)].map((e) =>
        Number.parseFloat(getComputedStyle(e).fontSize),
      );
      return sizes.length === 0 ? 0 : Math.min(...sizes);
    };
    const h = window.innerHeight;
    const doc = document.documentElement;
    // The stage fills the screen: it or one of its areas (the question, the live room) would
    // scroll within itself if its content overflowed.
    const stage = document.querySelector('[data-testid="classroom"]');
    const areas = stage === null ? [] : [stage, ...stage.children];
    const within = Math.max(0, ...areas.map((e) => e.scrollHeight - e.clientHeight));
    return {
      scrollHeight: doc.scrollHeight + within,
      height: h,
      overflowX: doc.scrollWidth - doc.clientWidth,
      prompt: px('.classroom__prompt') / h,
      option: px('[data-testid="classroom"] ol[type="A"] li') / h,
      chartLabel: px('.live-chart__label') / h,
      chartCount: px('.live-chart__n') / h,
      code: px('[data-testid="live-code"]') / h,
    };
  });
}

/** Every element a room must see lies within the screen. */
async function allOnScreen(page: Page) {
  for (const locator of [
    page.locator('.classroom__prompt'),
    page.getByTestId('classroom').locator('ol[type="A"]').first(),
    page.getByTestId('live-code'),
    page.locator('.live-panel__qr'),
    page.getByTestId('live-chart'),
  ]) {
    await expect(locator).toBeInViewport({ ratio: 1 });
  }
}

/** The types of question the room answers on phones (the others stay on the projector). */
const LIVE = new Set(['single-choice', 'multiple-response', 'true-false', 'scenario']);

/** The module's questions as its course file holds them, in a language. */
function questions(module: string, lang: 'en' | 'fr') {
  const quiz = parse(
    readFileSync(path.resolve(`content/quizzes/${lang}/${module}.yaml`), 'utf8'),
  ) as { questions: { type: string; prompt: string }[] };
  return quiz.questions;
}

/** Labels of the steps below, in each language (src/i18n/{en,fr}/{dashboard,live}.json). */
const LABELS = {
  en: {
    start: 'Start',
    cohort: 'Cohort',
    ask: 'Ask the room live',
    answers: '0 answers',
    one: '1 answer',
    of: 'of',
    show: 'Show the answer on screen',
    reveal: 'Reveal on the phones and chart',
    right: 'Right answer',
    send: 'Send my answer',
    keys: /Page Down \(a presentation clicker\).*Page Up/,
  },
  fr: {
    start: 'Commencer',
    cohort: 'Cohorte',
    ask: 'Poser à la salle en direct',
    answers: '0 réponse',
    one: '1 réponse',
    of: 'sur',
    show: 'Montrer la réponse à l’écran',
    reveal: 'Révéler sur les téléphones et le graphique',
    right: 'Bonne réponse',
    send: 'Envoyer ma réponse',
    keys: /Page suivante \(télécommande de présentation\).*Page précédente/,
  },
} as const;

/**
 * On the trainer's dashboard in `lang`, classroom mode on `module` at the size given, and its
 * first question live to the cohort's room; a phone answers it.
 */
async function projectLive(
  page: Page,
  phone: Page,
  lang: 'en' | 'fr',
  size: { width: number; height: number },
  name: string,
): Promise<{ module: string; code: string }> {
  const service = trainerService();
  const { kit, kitUrl } = firstKit();
  const l = LABELS[lang];
  await page.setViewportSize(size);
  await signInFrom(page, service, kitUrl);
  const code = await openCohort(page, service, name, 'police-pre-deployment');
  await page.goto(`${service.base}/${lang}/staff/trainer/`);
  // The help under "Classroom mode" names the clicker's keys, which move between questions.
  await expect(page.getByText(l.keys)).toBeVisible();
  await expect(
    page.locator('astro-island', { has: page.getByRole('button', { name: l.start, exact: true }) }),
  ).not.toHaveAttribute('ssr', /.*/, { timeout: SIGN_IN_MS });
  await page.getByLabel('Module', { exact: true }).selectOption(kit.module);
  await page.getByRole('button', { name: l.start, exact: true }).click();
  await page.getByLabel(l.cohort, { exact: true }).selectOption(code);
  await page.getByRole('button', { name: l.ask }).click();
  await expect(page.getByTestId('live-code')).toHaveText(code);
  await expect(page.getByTestId('live-answers')).toHaveText(l.answers);
  await phone.goto(`${service.base}/${lang}/live/?code=${code}`);
  await phone.locator('.live-option').first().click();
  await phone.getByRole('button', { name: l.send }).click();
  await expect(page.getByTestId('live-answers')).toHaveText(l.one);
  return { module: kit.module, code };
}

/** Checks the projected view fits the screen in type at least `least` of its height. */
async function fits(page: Page, least: number, label: string) {
  const m = await measure(page);
  console.log(JSON.stringify({ label, ...m }));
  expect(m.scrollHeight, `${label}: the page scrolls`).toBeLessThanOrEqual(m.height);
  expect(m.overflowX, `${label}: the page scrolls sideways`).toBeLessThanOrEqual(0);
  expect(m.prompt, `${label}: the question's type`).toBeGreaterThanOrEqual(least);
  expect(m.option, `${label}: the options' type`).toBeGreaterThanOrEqual(least);
  expect(m.chartLabel, `${label}: the chart's letters`).toBeGreaterThanOrEqual(least);
  expect(m.chartCount, `${label}: the chart's counts`).toBeGreaterThanOrEqual(least);
}

// Body text read from 8 m: 3.5% of the screen's height (38 px at 1080, 25 px at 720).
const LARGE = 0.035;

for (const [width, height] of [
  [1920, 1080],
  [1280, 720],
] as const) {
  test(`at ${String(width)}x${String(height)} the live question, its options, the join code and the chart fit one screen in large type`, async ({
    page,
    browser,
  }) => {
    test.setTimeout(180_000);
    const phone = await newPhone(browser);
    await projectLive(page, phone, 'en', { width, height }, `Projector ${String(width)}`);
    await page.screenshot({ path: `test-results/projector-${String(width)}-en.png` });
    await fits(page, LARGE, `${String(width)}x${String(height)} en`);
    await allOnScreen(page);
    // The page behind the stage is out of reach (Tab cannot wander there) until Escape leaves,
    // back to the Start button, and the page scrolls again.
    const behind = () =>
      page
        .locator('header')
        .first()
        .evaluate((e) => e.closest('[inert]') !== null);
    expect(await behind()).toBe(true);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('classroom')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeFocused();
    expect(await behind()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeGreaterThan(
      height,
    );
    await phone.context().close();
  });
}

test('in French at 1920x1080 the live question fits one screen in large type, and so does every question of the module with its answer shown and revealed', async ({
  page,
  browser,
}) => {
  test.setTimeout(300_000);
  const phone = await newPhone(browser);
  const size = { width: 1920, height: 1080 };
  const { module } = await projectLive(page, phone, 'fr', size, 'Projecteur');
  await page.screenshot({ path: 'test-results/projector-1920-fr.png' });
  await fits(page, LARGE, '1920x1080 fr');
  await allOnScreen(page);

  // Every question, its answer shown on screen and, when live, revealed to the room: the type may
  // shrink to fit a long one (down to 60% of its size) but the page never scrolls.
  const l = LABELS.fr;
  const all = questions(module, 'fr');
  const stage = page.getByTestId('classroom');
  for (const [i, q] of all.entries()) {
    if (i > 0) {
      await stage.focus();
      await page.keyboard.press('PageDown');
    }
    await expect(stage).toContainText(`Question ${String(i + 1)} ${l.of} ${String(all.length)}`);
    await expect(page.getByRole('button', { name: l.show })).toBeVisible();
    await stage.focus();
    await page.keyboard.press('Space');
    await expect(page.getByRole('button', { name: 'Masquer la réponse' })).toBeVisible();
    // French puts a space before a colon, unbreakable so the colon never starts a line.
    await expect(stage).toContainText('Réponse\u00a0: ');
    if (LIVE.has(q.type)) {
      await expect(page.getByTestId('live-answers')).toHaveText(i === 0 ? l.one : l.answers);
      await page.getByRole('button', { name: l.reveal }).click();
      await expect(page.getByTestId('live-panel')).toContainText(l.right);
      await expect(page.getByTestId('live-panel')).toContainText(
        /[A-F]( ✓ Bonne réponse)?\u00a0: /,
      );
    }
    const m = await measure(page);
    console.log(JSON.stringify({ question: i + 1, type: q.type, ...m }));
    expect(m.scrollHeight, `question ${String(i + 1)} scrolls`).toBeLessThanOrEqual(size.height);
    expect(m.overflowX, `question ${String(i + 1)} scrolls sideways`).toBeLessThanOrEqual(0);
    expect(m.prompt, `question ${String(i + 1)}'s type`).toBeGreaterThanOrEqual(0.6 * 0.04);
    if (i < 3) {
      await page.screenshot({ path: `test-results/projector-1920-fr-q${String(i + 1)}.png` });
    }
  }
  await phone.context().close();
});

test('with SITE_URL left at its loopback default, the screen shows the address the service answers on, no QR code phones cannot reach, and why', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const trainer = 'trainer-loopback-e2e';
  // SITE_URL's default, while the service listens on another port (as with PORT=8080).
  const site = await startSiteService({
    siteUrl: 'http://localhost:4321',
    staff: [[trainer, 'trainer']],
  });
  try {
    const room = { base: site.url, trainer, close: () => site.close() };
    const { kit, kitUrl } = firstKit();
    await page.setViewportSize({ width: 1280, height: 720 });
    await signInFrom(page, room, kitUrl);
    const code = await openCohort(page, room, 'Loopback room e2e', 'police-pre-deployment');
    await askTheRoom(page, room, kit.module, code, site.url);
    const panel = page.getByTestId('live-panel');
    await expect(panel).toContainText(`open ${site.url}/en/live/ and type`);
    await expect(panel).not.toContainText('localhost:4321');
    await expect(panel).not.toContainText('scan the code');
    await expect(page.getByRole('img', { name: 'QR code of the join address' })).toHaveCount(0);
    await expect(panel.getByRole('alert')).toContainText('No QR code: SITE_URL is a loopback');
    await page.screenshot({ path: 'test-results/projector-1280-loopback.png' });
    await fits(page, LARGE, '1280x720 loopback');
  } finally {
    await site.close();
  }
});
