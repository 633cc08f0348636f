import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { axeViolations } from './support/axe.ts';
import {
  firstKit,
  openProjector,
  presentSlidesByKeyboard,
  signInFrom as signInAs,
  startTrainerService,
  visibleSlideTitle,
  type TrainerService,
} from './support/trainer-session.ts';

// A trainer runs a session from a kit: signs in, opens the kit, presents the slides by keyboard
// with the presenter window following, prints the cards. An anonymous visitor gets no trainer
// content from any trainer page, kit page or trainer search index, however the path is spelled.
// The kit is whichever English kit the course has first (content/trainer-kits/en/).

const TRAINER = 'trainer-kit-e2e';
const shots = 'test-results/trainer-kit';

const { kit, kitUrl } = firstKit();

const moduleText = readFileSync(path.resolve(`content/modules/en/${kit.module}.mdx`), 'utf8');

/** Texts that only a trainer may see: presenter notes, answer points. */
const secrets = [
  ...kit.slides.map((slide) => slide.notes),
  ...kit.cards.flatMap((card) => card.answerPoints),
  ...kit.discussion.flatMap((item) => item.answerPoints),
]
  .map((text) => text.slice(0, 40))
  // A note may open with words the learner's own module page also says: those are no secret.
  .filter((text) => !moduleText.includes(text));

let service: TrainerService;
let base: string;

test.describe.configure({ mode: 'default' });

test.beforeAll(async () => {
  // Opening the embedded store and hashing a staff password is slow on a busy machine.
  test.setTimeout(90_000);
  service = await startTrainerService(TRAINER, 'http://localhost:4321');
  base = service.base;
});

test.afterAll(async () => {
  await service.close();
});

async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage });
}

const signInFrom = (page: Page, target: string) => signInAs(page, service, target);

const fontSize = (page: Page, selector: string) =>
  page.locator(selector).evaluate((element) => parseFloat(getComputedStyle(element).fontSize));

test('a trainer opens a kit, presents by keyboard, and the presenter window follows', async ({
  browser,
}) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  await signInFrom(page, kitUrl);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Session kit');
  await expect(page.getByRole('heading', { name: 'Session plan' })).toBeVisible();
  // The plan's clock: the first step starts at 0:00 and the last ends at 3:00.
  await expect(page.locator('.kit-step__time').first()).toContainText('0:00');
  await expect(page.locator('.kit-step__time').last()).toContainText('3:00');
  await expect(
    page.getByRole('link', { name: 'If a participant discloses abuse or is distressed' }).first(),
  ).toHaveAttribute('href', '/en/trainer/disclosure/');
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'kit-1280');
  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, 'kit-360');
  await page.setViewportSize({ width: 1280, height: 720 });

  await openProjector(page, kit);
  // Every slide readable from the back of the room at 1280 x 720, and none overflows the window.
  const current = page.locator('.slide:not([hidden])');
  const visibleTitle = visibleSlideTitle(page);
  for (const slide of kit.slides) {
    await expect(current.locator('.slide__title')).toHaveText(slide.title);
    expect(await fontSize(page, '.slide:not([hidden]) .slide__title')).toBeGreaterThanOrEqual(64);
    if ((slide.points ?? []).length > 0) {
      expect(
        await fontSize(page, '.slide:not([hidden]) .slide__points li >> nth=0'),
      ).toBeGreaterThanOrEqual(40);
    }
    const box = await current.boundingBox();
    expect(box?.height, slide.id).toBe(720);
    expect(
      await current.evaluate((element) => element.scrollHeight - element.clientHeight),
      `slide ${slide.id} overflows`,
    ).toBeLessThanOrEqual(0);
    await page.keyboard.press('ArrowRight');
  }
  await page.keyboard.press('Home');
  await screenshot(page, 'projector-1280x720', false);
  await presentSlidesByKeyboard(page, kit);

  // The presenter window opens from the projector view and shows the current slide's notes.
  const [presenter] = await Promise.all([
    context.waitForEvent('page'),
    page.getByRole('link', { name: 'Presenter window' }).click(),
  ]);
  await presenter.waitForLoadState();
  const notes = presenter.locator('.presenter__step:not([hidden]) .presenter__notes');
  await expect(notes).toHaveText(kit.slides[0]?.notes ?? '');
  await expect(presenter.locator('[data-clock]')).toHaveText(/^\d\d:\d\d$/);
  // The projector moves: the presenter follows.
  await page.bringToFront();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('PageDown');
  await expect(notes).toHaveText(kit.slides[2]?.notes ?? '');
  await expect(
    presenter.locator('.presenter__step:not([hidden]) .presenter__next strong'),
  ).toHaveText(kit.slides[3]?.title ?? '');
  // The presenter moves: the projector follows.
  await presenter.bringToFront();
  await presenter.keyboard.press('ArrowRight');
  await expect(visibleTitle).toHaveText(kit.slides[3]?.title ?? '');
  await expect(notes).toHaveText(kit.slides[3]?.notes ?? '');
  await presenter.getByRole('button', { name: 'Previous' }).click();
  await expect(visibleTitle).toHaveText(kit.slides[2]?.title ?? '');
  await screenshot(presenter, 'presenter-1100', false);
  await context.close();
});

test('the slides read as a list without JavaScript; cards print two a page without answers', async ({
  browser,
}) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  await signInFrom(page, `${kitUrl}cards/`);
  // Cards: the cases and questions, never the answer points.
  const cardsText = await page.locator('main').innerText();
  for (const card of kit.cards) {
    expect(cardsText).toContain(card.title);
    for (const point of card.answerPoints) expect(cardsText).not.toContain(point.slice(0, 40));
  }
  await page.emulateMedia({ media: 'print' });
  const cardHeights = await page
    .locator('.case-card')
    .evaluateAll((cards) => cards.map((card) => card.getBoundingClientRect().height));
  // 135 mm at 96 px per inch, so that two fit on an A4 page.
  for (const height of cardHeights) expect(Math.round(height)).toBe(510);
  await screenshot(page, 'cards-print');
  await page.emulateMedia({ media: 'screen' });

  // The answers page has them.
  await page.goto(`${base}${kitUrl}answers/`);
  await expect(page.locator('main')).toContainText(kit.cards[0]?.answerPoints[0] ?? '');

  const noScript = await browser.newContext({
    viewport: { width: 1280, height: 720 },
    javaScriptEnabled: false,
    storageState: await context.storageState(),
  });
  const plain = await noScript.newPage();
  await plain.goto(`${base}${kitUrl}slides/`);
  await expect(plain.locator('.slide')).toHaveCount(kit.slides.length);
  for (const slide of await plain.locator('.slide').all()) await expect(slide).toBeVisible();
  await noScript.close();
  await context.close();
});

test("a trainer's print of a module carries the answer key", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInFrom(page, '/en/trainer/modules/police-coordination-cp-actors/');
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('heading', { name: 'Trainer notes' })).toBeVisible();
  await expect(page.locator('[data-static-question-id]').first()).toBeVisible();
  expect(await page.getByText('Correct answer').count()).toBeGreaterThanOrEqual(5);
  await expect(page.getByText('The right order:')).toBeVisible();
  await context.close();
});

test('axe finds no violations on the trainer pages', async ({ browser }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInFrom(page, '/en/trainer/');
  const paths = [
    '/en/trainer/',
    '/fr/trainer/',
    '/en/trainer/disclosure/',
    '/fr/trainer/disclosure/',
    ...['', 'slides/', 'presenter/', 'handouts/', 'cards/', 'answers/'].map(
      (page) => `${kitUrl}${page}`,
    ),
  ];
  for (const target of paths) {
    await page.goto(`${base}${target}`);
    expect(await axeViolations(page), target).toEqual([]);
  }
  await context.close();
});

/** Every file of the private build, as the path a browser asks for. */
function privatePaths(): string[] {
  const root = path.resolve('dist-private');
  return readdirSync(root, { recursive: true })
    .map(String)
    .filter((file) => /\.(html|json)(\.br|\.gz)?$/.test(file))
    .map((file) => `/${file.split(path.sep).join('/')}`);
}

/** Spellings of one path that a careless static server might map to the same file. */
function variants(file: string): string[] {
  const page = file.replace(/index\.html$/, '');
  const [, lang, , ...rest] = file.split('/');
  const tail = rest.join('/');
  return [
    file,
    page,
    page.replace(/\/$/, ''),
    `/${lang}//trainer/${tail}`,
    `//${lang}/trainer/${tail}`,
    `/${lang}/modules/%2e%2e/trainer/${tail}`,
    `/${lang}/modules/..%2ftrainer/${tail}`,
    `/${lang}/%74rainer/${tail}`,
    `/${lang?.toUpperCase()}/TRAINER/${tail}`,
    `/${lang}/Trainer/${tail}`,
  ];
}

function rawGet(target: string, headers: Record<string, string>) {
  const url = new URL(base);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: target, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('an anonymous request for any trainer page, kit or index gets no trainer content', async () => {
  test.setTimeout(240_000);
  const files = privatePaths();
  expect(files).toContain(`${kitUrl}index.html`);
  expect(files).toContain('/en/trainer/search-index.json.br');
  expect(files).toContain('/fr/trainer/disclosure/index.html');
  const seen = new Map<number, number>();
  // Checked with plain comparisons and reported once: some 3,000 requests, each against every
  // secret, would spend minutes in expect() alone.
  const leaks: string[] = [];
  const allowed = new Set([301, 303, 400, 401, 403, 404]);
  for (const file of files) {
    // Every spelling of each page and index as a browser navigation, and each file as it is
    // named as a plain request; both accept the compressed copies.
    const compressed = { 'accept-encoding': 'br, gzip' };
    const navigation = { ...compressed, accept: 'text/html', 'sec-fetch-mode': 'navigate' };
    const requests: [string, Record<string, string>][] = [
      [file, compressed],
      ...(/\.(br|gz)$/.test(file) ? [] : variants(file)).map(
        (target): [string, Record<string, string>] => [target, navigation],
      ),
    ];
    const answers = await Promise.all(
      requests.map(async ([target, headers]) => ({ target, ...(await rawGet(target, headers)) })),
    );
    for (const { target, status, body } of answers) {
      seen.set(status, (seen.get(status) ?? 0) + 1);
      if (!allowed.has(status)) leaks.push(`${target} → ${status}`);
      // Not one byte of a trainer page: the 404 page is the public one.
      for (const secret of [...secrets, 'trainer-notes-heading']) {
        if (body.includes(secret)) leaks.push(`${target} shows "${secret}"`);
      }
    }
  }
  expect(leaks).toEqual([]);
  // Most spellings reach the guard, which asks for a sign-in.
  expect((seen.get(401) ?? 0) + (seen.get(303) ?? 0)).toBeGreaterThan(files.length);
});

test('the public build holds no trainer page and the service worker lists none', () => {
  const dist = path.resolve('dist');
  const files = readdirSync(dist, { recursive: true }).map(String);
  expect(
    files.filter((file) => /(^|[\\/])trainer([\\/]|$)/i.test(file) && !file.includes('staff')),
  ).toEqual([]);
  const sw = readFileSync(path.join(dist, 'sw.js'), 'utf8');
  expect(sw).not.toMatch(/"\/(en|fr)\/trainer\//);
  for (const file of files.filter((name) => /\.(html|js|json)$/.test(name))) {
    const text = readFileSync(path.join(dist, file), 'utf8');
    for (const secret of secrets) expect(text, file).not.toContain(secret);
  }
});
