// The steps of a trainer's session that several end-to-end specs share: a service of their own
// with a trainer account, the first English session kit, signing in from a trainer page,
// presenting the slides by keyboard, opening a cohort, putting the module's first question to the
// room live, and a phone answering it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { parse } from 'yaml';
import { SIGN_IN_MS, STAFF_PASSWORD, startSiteService } from './service.ts';

/** A session kit as its course file holds it (the parts the specs read). */
export interface Kit {
  module: string;
  slides: { id: string; title: string; points?: string[]; notes: string }[];
  cards: { id: string; title: string; situation: string; answerPoints: string[] }[];
  discussion: { answerPoints: string[] }[];
}

/** Whichever English kit the course has first (content/trainer-kits/en/), and its page. */
export function firstKit(): { kit: Kit; kitUrl: string } {
  const kitDir = path.resolve('content/trainer-kits/en');
  const kitFile = readdirSync(kitDir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()[0];
  if (kitFile === undefined) {
    throw new Error(`no kit in ${kitDir}: the kit pages have nothing to show`);
  }
  const kit = parse(readFileSync(path.join(kitDir, kitFile), 'utf8')) as Kit;
  return { kit, kitUrl: `/en/trainer/kits/${kit.module}/` };
}

/** The first question of a module's knowledge check, with its key, from the course file. */
export function firstQuestion(module: string): {
  prompt: string;
  options: { text: string; correct?: boolean }[];
} {
  const quiz = parse(readFileSync(path.resolve(`content/quizzes/en/${module}.yaml`), 'utf8')) as {
    questions: { prompt: string; options: { text: string; correct?: boolean }[] }[];
  };
  const q = quiz.questions[0];
  if (q === undefined) throw new Error(`no question in the ${module} knowledge check`);
  return q;
}

/** A running service on an embedded store of its own, with one trainer account. */
export interface TrainerService {
  base: string;
  trainer: string;
  close(): Promise<void>;
}

/** Starts the service over the built site on a fresh embedded store, with a trainer account. */
export async function startTrainerService(
  trainer: string,
  siteUrl: string,
): Promise<TrainerService> {
  const service = await startSiteService({ siteUrl, staff: [[trainer, 'trainer']] });
  return { base: service.url, trainer, close: () => service.close() };
}

/** The service's address on a classroom network, as the trainer's SITE_URL would say it. */
export const CLASSROOM_SITE = 'http://192.168.1.10:8080';

/** A learner's phone: a browser context of its own at 360x740. */
export async function newPhone(browser: Browser): Promise<Page> {
  return (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
}

/**
 * Gives the spec file a service of its own with a trainer account, started once before its tests
 * and closed after them (the tests run one after another). Returns a getter for the service.
 */
export function useTrainerService(
  trainer: string,
  siteUrl: string = CLASSROOM_SITE,
): () => TrainerService {
  let service: TrainerService | undefined;
  test.describe.configure({ mode: 'default' });
  test.beforeAll(async () => {
    // Opening the embedded store and hashing the password (scrypt) take long on a busy machine.
    test.setTimeout(120_000);
    service = await startTrainerService(trainer, siteUrl);
  });
  test.afterAll(async () => {
    await service?.close();
  });
  return () => {
    if (service === undefined) throw new Error('the trainer service did not start');
    return service;
  };
}

/**
 * Opens a trainer page anonymously: the service sends the browser to the staff sign-in page,
 * the trainer signs in, and comes back to the page.
 */
export async function signInFrom(page: Page, service: TrainerService, target: string) {
  await page.goto(`${service.base}${target}`);
  await expect(page).toHaveURL(/\/en\/staff\/login\/\?next=/);
  await page.getByLabel('Name', { exact: true }).fill(service.trainer);
  await page.getByLabel('Password').fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${service.base}${target}`, { timeout: SIGN_IN_MS });
}

/** The title of the slide the projector view shows. */
export const visibleSlideTitle = (page: Page) => page.locator('.slide:not([hidden]) .slide__title');

/** From the kit's page, opens the projector view: the first slide alone. */
export async function openProjector(page: Page, kit: Kit): Promise<void> {
  await page.getByRole('link', { name: 'Present the slides' }).click();
  await expect(page).toHaveURL(/\/slides\/#slide-1$/);
  await expect(visibleSlideTitle(page)).toHaveText(kit.slides[0]?.title ?? '');
  await expect(page.locator('.slide:not([hidden])')).toHaveCount(1);
}

/**
 * In the projector view, on the first slide, presents by keyboard: forward and back with the
 * arrows and a clicker's Page Down and Page Up, End and Home. Ends on the first slide.
 */
export async function presentSlidesByKeyboard(page: Page, kit: Kit): Promise<void> {
  const visibleTitle = visibleSlideTitle(page);
  await page.keyboard.press('ArrowRight');
  await expect(visibleTitle).toHaveText(kit.slides[1]?.title ?? '');
  await page.keyboard.press('PageDown');
  await expect(visibleTitle).toHaveText(kit.slides[2]?.title ?? '');
  await page.keyboard.press('PageUp');
  await expect(visibleTitle).toHaveText(kit.slides[1]?.title ?? '');
  await page.keyboard.press('ArrowLeft');
  await expect(visibleTitle).toHaveText(kit.slides[0]?.title ?? '');
  await page.keyboard.press('End');
  await expect(visibleTitle).toHaveText(kit.slides.at(-1)?.title ?? '');
  await expect(page.locator('[data-status]')).toHaveText(
    `Slide ${kit.slides.length} of ${kit.slides.length}`,
  );
  await page.keyboard.press('Home');
  await expect(page).toHaveURL(/#slide-1$/);
  await expect(visibleTitle).toHaveText(kit.slides[0]?.title ?? '');
}

/** A signed-in trainer opens a cohort on a track; its code is the live room's code. */
export async function openCohort(
  page: Page,
  service: TrainerService,
  name: string,
  track: string,
): Promise<string> {
  const session = (await (await page.request.get(`${service.base}/api/staff/session`)).json()) as {
    csrfToken: string;
  };
  const created = await page.request.post(`${service.base}/api/cohorts`, {
    headers: { 'x-csrf-token': session.csrfToken },
    data: { name, track },
  });
  expect(created.status()).toBe(201);
  return ((await created.json()) as { code: string }).code;
}

/**
 * On the trainer's dashboard (/en/staff/trainer/), classroom mode on `module`, whose first
 * question then goes live to the cohort's room; the room is open with no answer yet.
 */
export async function askTheRoom(
  page: Page,
  service: TrainerService,
  module: string,
  code: string,
  siteUrl: string,
): Promise<void> {
  if (!page.url().endsWith('/en/staff/trainer/')) {
    await page.goto(`${service.base}/en/staff/trainer/`);
  }
  // Pressed before the classroom island hydrates, Start would do nothing: wait for it (Astro
  // drops the island's ssr attribute once it has hydrated).
  await expect(
    page.locator('astro-island', {
      has: page.getByRole('button', { name: 'Start', exact: true }),
    }),
  ).not.toHaveAttribute('ssr', /.*/, { timeout: SIGN_IN_MS });
  await page.getByLabel('Module', { exact: true }).selectOption(module);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.getByTestId('classroom')).toContainText(
    firstQuestion(module).prompt.slice(0, 40),
  );
  await page.getByLabel('Cohort', { exact: true }).selectOption(code);
  await page.getByRole('button', { name: 'Ask the room live' }).click();
  await expect(page.getByTestId('live-code')).toHaveText(code);
  await expect(page.getByTestId('live-panel')).toContainText(`${siteUrl}/en/live/`);
  await expect(page.getByTestId('live-answers')).toHaveText('0 answers');
}

/** A phone joins a room by typing its code (as it is shown, or loosely). */
export async function joinByCode(phone: Page, base: string, typed: string): Promise<void> {
  await phone.goto(`${base}/en/live/`);
  await phone.getByLabel('Room code').fill(typed);
  await phone.getByRole('button', { name: 'Join' }).click();
}

/** A phone picks an option and sends it. */
export async function answerOnPhone(phone: Page, text: string): Promise<void> {
  await phone.getByRole('button', { name: text }).click();
  await phone.getByRole('button', { name: 'Send my answer' }).click();
  await expect(phone.getByText('Answer sent.')).toBeVisible();
}
