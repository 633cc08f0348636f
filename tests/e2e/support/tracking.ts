import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { expect, type Page } from '@playwright/test';

/** The built site and the LRS in one process, on a free port with an empty data folder. */
export interface TrackingService {
  url: string;
  /** Basic Authorization value of an administrator credential (scope "all"). */
  admin: string;
  stop(): Promise<void>;
}

/** Starts tests/e2e/support/tracking-server.ts under the project's Node. */
export async function startService(): Promise<TrackingService> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cp-tracking-e2e-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [path.resolve(import.meta.dirname, 'tracking-server.ts')],
    {
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, SITE_DIR: path.resolve('dist') },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const stdout = child.stdout;
  if (!stdout) throw new Error('no stdout from the service');
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: stdout });
    lines.once('line', resolve);
    child.once('exit', (code) => {
      reject(new Error(`the service exited with ${String(code)}`));
    });
  });
  const ready = JSON.parse(line) as { url: string; admin: { key: string; secret: string } };
  return {
    url: ready.url,
    admin: `Basic ${Buffer.from(`${ready.admin.key}:${ready.admin.secret}`).toString('base64')}`,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A statement as the LRS returns it, reduced to what the tests count. */
export interface StoredStatement {
  id: string;
  verb: { id: string };
  object: { id: string };
}

/** Every statement the LRS holds for an account name, following `more` links. */
export async function statementsOf(
  service: TrackingService,
  accountName: string,
  homePage = 'http://localhost:4321',
): Promise<StoredStatement[]> {
  const agent = JSON.stringify({ objectType: 'Agent', account: { homePage, name: accountName } });
  let next = `/xapi/statements?agent=${encodeURIComponent(agent)}&limit=500&ascending=true`;
  const all: StoredStatement[] = [];
  while (next !== '') {
    const response = await fetch(`${service.url}${next}`, {
      headers: { Authorization: service.admin, 'X-Experience-API-Version': '1.0.3' },
    });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { statements: StoredStatement[]; more: string };
    all.push(...page.statements);
    next = page.more;
  }
  return all;
}

/** The short name of a verb IRI ("answered"). */
export const verbName = (s: StoredStatement): string => s.verb.id.split('/').pop() ?? '';

/** Counts statements per verb. */
export function byVerb(list: StoredStatement[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of list) counts[verbName(s)] = (counts[verbName(s)] ?? 0) + 1;
  return counts;
}

/**
 * Enrols through the enrolment page and returns the learner's account name. A cohort code, when
 * given, must be one a trainer created: the service refuses unknown codes.
 */
export async function enrol(
  page: Page,
  base: string,
  name = 'Amina Diallo',
  cohort = '',
  // One learner per person: each enrolment is a new person unless a test names the number.
  serviceNumber = `SN-${String(Math.floor(Math.random() * 1e9))}`,
): Promise<string> {
  await page.goto(`${base}/en/enrol/`);
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Service or UN index number').fill(serviceNumber);
  await page.getByLabel('Police').check();
  await page.getByLabel('Contributing country').selectOption('SN');
  await page.getByLabel('Unit').fill('FPU 2');
  await page.getByLabel('Mission').fill('MINUSCA');
  if (cohort) await page.getByLabel('Cohort code (optional)').fill(cohort);
  await page.getByRole('button', { name: 'Enrol' }).click();
  await expect(page.getByRole('heading', { name: `You are enrolled, ${name}.` })).toBeVisible();
  return page.evaluate(() => {
    const learner = JSON.parse(localStorage.getItem('cp-xapi:learner') ?? '{}') as {
      actor?: { account?: { name?: string } };
    };
    return learner.actor?.account?.name ?? '';
  });
}

/**
 * Fills the enrolment form for one person by the fields' names, in either language (the country
 * from a list or, where it is a text field, as `countryText`).
 */
export async function fillEnrolment(
  page: Page,
  serviceNumber: string,
  countryText = 'Sénégal',
): Promise<void> {
  await page.locator('[name=name]').fill('Awa Ndiaye');
  await page.locator('[name=serviceNumber]').fill(serviceNumber);
  await page.locator('[name=role]').first().check();
  const country = page.locator('[name=country]');
  if ((await country.evaluate((element) => element.tagName)) === 'SELECT') {
    await country.selectOption({ index: 1 });
  } else {
    await country.fill(countryText);
  }
  await page.locator('[name=unit]').fill('FPU 2');
  await page.locator('[name=mission]').fill('MINUSCA');
}

/** Waits until the status says everything reached the record store. */
export async function expectAllSaved(page: Page, timeout = 30_000): Promise<void> {
  await expect(page.locator('.cp-sync[data-sync="saved"]')).toHaveText(
    /^(All progress saved|Toute votre progression est enregistrée)$/,
    { timeout },
  );
}

/** The ids of the statements waiting in this browser's outbox. */
export async function outboxIds(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('cp-xapi');
        open.onerror = () => {
          reject(new Error('cannot open the outbox'));
        };
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('outbox')) {
            resolve([]);
            return;
          }
          const request = db.transaction('outbox').objectStore('outbox').getAllKeys();
          request.onsuccess = () => {
            resolve(request.result.map(String));
            db.close();
          };
        };
      }),
  );
}

/** Asks for a sign-in code on the enrolment page of a signed-in learner; returns it as shown. */
export async function getSignInCode(page: Page, base: string): Promise<string> {
  await page.goto(`${base}/en/enrol/`);
  await page.getByRole('button', { name: 'Get a sign-in code' }).click();
  const value = page.locator('#code-value');
  await expect(value).toHaveText(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
  return (await value.textContent()) ?? '';
}

/** Signs in on the enrolment page with a code, as a learner types it on another device. */
export async function signInWithCode(page: Page, base: string, code: string): Promise<void> {
  await page.goto(`${base}/en/enrol/`);
  await page.getByLabel('Sign-in code').fill(code);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Brings the knowledge check into view (the island hydrates when visible) and starts it. */
export async function startQuiz(page: Page): Promise<void> {
  // The island's root sits just above the static check's heading: bring that heading into view.
  await page.locator('#knowledge-check h2').first().scrollIntoViewIfNeeded();
  await page.getByRole('button', { name: 'Start the knowledge check' }).click();
}

/** Answers the question shown with its first choices, checks it and moves on. */
export async function answerShownQuestion(page: Page): Promise<void> {
  const quizRoot = page.locator('.cpq');
  const fields = quizRoot.locator('fieldset.cpq-field:not([disabled])');
  for (const field of await fields.all()) {
    const radio = field.locator('input[type=radio]').first();
    if ((await radio.count()) > 0) await radio.check();
    const box = field.locator('input[type=checkbox]').first();
    if ((await box.count()) > 0) await box.check();
    for (const select of await field.locator('select').all()) {
      await select.selectOption({ index: 1 });
    }
    // An ordering question counts as answered once the learner keeps (or moves) the order.
    const keep = field.getByRole('button', { name: 'Keep this order' });
    if ((await keep.count()) > 0) await keep.click();
  }
  await quizRoot.getByRole('button', { name: 'Check answer' }).click();
  const next = quizRoot.getByRole('button', { name: /Next question|See your score/ });
  await next.click();
}
