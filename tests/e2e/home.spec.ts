import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { parse } from 'yaml';
import { passKnowledgeCheck } from './support/answers.ts';
import { answerAssessment, trackKey } from './support/assessment.ts';
import { axeViolations } from './support/axe.ts';
import { createCohort, POLICE, startSiteService, type SiteService } from './support/service.ts';
import { enrol, expectAllSaved, getSignInCode, signInWithCode } from './support/tracking.ts';

async function trackModules(lang: 'en' | 'fr'): Promise<{ id: string; title: string }[]> {
  const track = parse(await readFile(`content/tracks/${lang}/${POLICE}.yaml`, 'utf8')) as {
    modules: string[];
  };
  const titles = new Map<string, string>();
  for (const file of await readdir(`content/modules/${lang}`)) {
    const text = await readFile(`content/modules/${lang}/${file}`, 'utf8');
    const id = /^id: (.+)$/m.exec(text)?.[1]?.trim();
    const title = /^title: (.+)$/m
      .exec(text)?.[1]
      ?.trim()
      .replace(/^['"]|['"]$/g, '');
    if (id !== undefined && title !== undefined) titles.set(id, title);
  }
  return track.modules.map((id) => ({ id, title: titles.get(id) ?? id }));
}

/** Whether the page scrolls sideways (at 360 px nothing should). */
const scrollsSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

test('a visitor learns what the course is and how to enrol, by keyboard, in both languages', async ({
  page,
}) => {
  await page.setViewportSize({ width: 360, height: 740 });
  for (const [lang, name] of [
    ['en', 'Enrol to start the course'],
    ['fr', 'S’inscrire pour commencer la formation'],
  ] as const) {
    await page.goto(`/${lang}/`);
    await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
    await expect(page.locator('[data-home-learner]')).toBeHidden();
    const link = page.getByRole('link', { name });
    await expect(link).toBeVisible();
    await expect(link).toHaveAttribute('href', `/${lang}/enrol/`);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    // Keyboard: Tab from the top reaches the link, and Enter follows it.
    let presses = 0;
    while (!(await link.evaluate((el) => el === document.activeElement)) && presses < 40) {
      await page.keyboard.press('Tab');
      presses += 1;
    }
    await expect(link).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`/${lang}/enrol/$`));
  }
});

test('an enrolled learner sees the check they passed, on another device too, and offline', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const modules = await trackModules('en');
  const [first, second] = modules;
  if (!first || !second) throw new Error(`${POLICE} has fewer than two modules`);
  await enrol(page, '', 'Amina Diallo');
  const base = new URL(page.url()).origin;
  await passKnowledgeCheck(page, base, first.id);
  await expectAllSaved(page);

  const expectHome = async (on: Page) => {
    await on.goto(`${base}/en/`);
    const home = on.locator('[data-home-learner]');
    await expect(home).toBeVisible();
    await expect(on.locator('[data-home-visitor]')).toBeHidden();
    await expect(home).toHaveAttribute('data-home-fresh', 'true');
    await expect(home.locator('[data-home-refresh]')).toHaveText('Up to date.');
    await expect(home).toContainText('Your track: ');
    const row = home.locator(`li[data-home-module="${first.id}"]`);
    await expect(row).toHaveAttribute('data-state', 'passed');
    await expect(row).toContainText('Check passed');
    await expect(home.locator(`li[data-home-module="${second.id}"]`)).toContainText('Not started');
    await expect(home.locator('li[data-home-module][data-state="passed"]')).toHaveCount(1);
    // The next step is the first module whose check is not passed.
    await expect(
      home.getByRole('link', { name: `Start the module “${second.title}”` }),
    ).toHaveAttribute('href', `/en/modules/${second.id}/`);
    // Enrolled without a cohort: the graded assessment waits for a trainer's code.
    await expect(home.locator('[data-home-assessment]')).toContainText('ask your trainer');
    await expect(home.locator('[data-home-certificate]')).toHaveText(
      'No certificate yet: it is issued when you pass the graded assessment.',
    );
    await expect(home.locator('[data-home-expiry-warning]')).toHaveCount(0);
    return home;
  };
  await expectHome(page);
  expect(await axeViolations(page)).toEqual([]);
  await page.goto(`${base}/fr/`);
  await expect(page.locator(`li[data-home-module="${first.id}"]`)).toContainText('Contrôle réussi');
  await expect(page.locator('[data-home-refresh]')).toHaveText('À jour.');
  expect(await axeViolations(page)).toEqual([]);

  // Another device of the same learner knows nothing locally: the pass comes from the LRS.
  const code = await getSignInCode(page, base);
  const other = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const phone = await other.newPage();
  await signInWithCode(phone, base, code);
  await expect(phone.getByRole('heading', { name: /Signed in as Amina Diallo/ })).toBeVisible();
  await expectHome(phone);
  expect(await scrollsSideways(phone)).toBe(false);
  await phone.screenshot({ path: test.info().outputPath('home-learner-360.png'), fullPage: true });

  // The service out of reach: the page shows what the device knows and says it could not refresh.
  await phone.route(/\/(xapi|api)\//, (route) => route.abort('internetdisconnected'));
  await phone.reload();
  const home = phone.locator('[data-home-learner]');
  await expect(home).toHaveAttribute('data-home-fresh', 'false');
  await expect(home.locator('[data-home-refresh]')).toContainText(
    'Could not refresh: this shows what this device knew on',
  );
  await expect(home.locator(`li[data-home-module="${first.id}"]`)).toHaveAttribute(
    'data-state',
    'passed',
  );
  await other.close();
});

test.describe('a certificate near its expiry', () => {
  // The service of these tests reads a certification rule whose certificates last one month, so
  // the certificate the learner earns is within two months of its expiry from the start.
  let service: SiteService;
  let root: string;
  let base: string;
  let cohort: string;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    root = await mkdtemp(path.join(tmpdir(), 'cp-home-content-'));
    await mkdir(path.join(root, 'content', 'certification'), { recursive: true });
    for (const entry of await readdir('content')) {
      if (entry === 'certification') continue;
      await symlink(path.resolve('content', entry), path.join(root, 'content', entry));
    }
    for (const file of await readdir('content/certification')) {
      const text = await readFile(path.join('content/certification', file), 'utf8');
      const short = text.replace(/^validityMonths: \d+$/m, 'validityMonths: 1');
      await writeFile(path.join(root, 'content', 'certification', file), short);
    }
    await symlink(path.resolve('assessments'), path.join(root, 'assessments'));
    service = await startSiteService({ contentRoot: root, staff: [['trainer-home', 'trainer']] });
    base = service.url;
    cohort = await createCohort(service, {
      by: 'trainer-home',
      codePrefix: 'HOME',
      name: 'Home page, e2e',
      track: POLICE,
      seats: 10,
    });
  });

  test.afterAll(async () => {
    await service.close();
    await rm(root, { recursive: true, force: true });
  });

  test('the home warns two months before the certificate expires, in both languages', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const { key } = await trackKey(POLICE);
    await enrol(page, base, 'Fatou Ndiaye', cohort);
    await page.goto(`${base}/en/`);
    await expect(page.locator('[data-home-assessment]')).toHaveText(
      'Not taken yet. You may start up to 3 attempts in 24 hours.',
    );

    await page.goto(`${base}/en/assessment/${POLICE}/`);
    await page.getByRole('button', { name: 'Start an attempt' }).click();
    await answerAssessment(page, key);
    await page.getByRole('button', { name: 'Submit my answers' }).click();
    await expect(page.getByText('Your certificate has been issued.')).toBeVisible();

    await page.goto(`${base}/en/`);
    const home = page.locator('[data-home-learner]');
    await expect(home).toHaveAttribute('data-home-fresh', 'true');
    await expect(home.locator('[data-home-assessment]')).toHaveText('Passed.');
    const certificate = home.locator('[data-home-certificate]');
    await expect(certificate).toContainText(
      /^Certificate [A-Z0-9]{4}(-[A-Z0-9]{4}){3}, valid until /,
    );
    const code = /Certificate ([A-Z0-9-]+),/.exec((await certificate.textContent()) ?? '')?.[1];
    await expect(
      certificate.getByRole('link', { name: 'View, print or download your certificate' }),
    ).toHaveAttribute('href', `/en/certificate/?code=${code ?? ''}`);
    const warning = home.locator('[data-home-expiry-warning]');
    await expect(warning).toContainText('Your certificate expires on');
    await expect(warning).toContainText('in less than two months');
    expect(await axeViolations(page)).toEqual([]);

    await page.goto(`${base}/fr/`);
    await expect(page.locator('[data-home-expiry-warning]')).toContainText(
      'Votre certificat expire le',
    );
    await expect(page.locator('[data-home-assessment]')).toHaveText('Réussie.');
    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await scrollsSideways(page)).toBe(false);
    await page.screenshot({
      path: test.info().outputPath('home-fr-warning-360.png'),
      fullPage: true,
    });
  });
});
