import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import fastifyStatic from '@fastify/static';
import { expect, test, type Page } from '@playwright/test';
import Fastify, { type FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { quizDataSchema } from '../../src/quiz/validate.ts';
import {
  answerShownQuestion,
  byVerb,
  enrol,
  expectAllSaved,
  startQuiz,
  statementsOf,
} from './support/tracking.ts';

// External-LRS mode: the site built with PUBLIC_LRS_ENDPOINT, PUBLIC_LRS_KEY and
// PUBLIC_LRS_SECRET records to another LRS. Here that is a second instance of the project's own
// LRS, on another origin, holding a credential made by the credentials CLI that may only write
// statements and state. The site is built once into its own folder (about 15 s more on top of
// the usual build) and served from a third origin with nothing under /xapi/.
test.describe.configure({ mode: 'serial' });

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const quiz = quizDataSchema.parse(
  parse(readFileSync('content/quizzes/en/cp-in-peace-operations.yaml', 'utf8')),
);
const modulePath = `/en/modules/${quiz.module}/`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
}

async function credential(dataDir: string, name: string, scopes: string) {
  const { stdout } = await run(
    process.execPath,
    ['src/server/credentials-cli.ts', 'create', '--name', name, '--scopes', scopes, '--json'],
    { cwd: root, env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' } },
  );
  return JSON.parse(stdout) as { key: string; secret: string };
}

const basic = (c: { key: string; secret: string }) =>
  `Basic ${Buffer.from(`${c.key}:${c.secret}`).toString('base64')}`;

let dataDir = '';
let outDir = '';
let lrs: ChildProcess | undefined;
let lrsUrl = '';
let staticSite: FastifyInstance | undefined;
let siteUrl = '';
let admin = '';
let writer = '';

test.beforeAll(async () => {
  test.setTimeout(240_000);
  dataDir = await mkdtemp(path.join(tmpdir(), 'cp-external-lrs-'));
  outDir = await mkdtemp(path.join(tmpdir(), 'cp-external-site-'));
  const [lrsPort, sitePort] = [await freePort(), await freePort()];
  lrsUrl = `http://127.0.0.1:${String(lrsPort)}`;
  siteUrl = `http://127.0.0.1:${String(sitePort)}`;

  // Credentials first: with the embedded store, one process at a time opens the data folder.
  admin = basic(await credential(dataDir, 'test admin', 'all'));
  const siteCredential = await credential(dataDir, 'course site', 'statements/write,state');
  writer = basic(siteCredential);

  await run(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build', '--outDir', outDir], {
    cwd: root,
    env: {
      ...process.env,
      PUBLIC_LRS_ENDPOINT: `${lrsUrl}/xapi/`,
      PUBLIC_LRS_KEY: siteCredential.key,
      PUBLIC_LRS_SECRET: siteCredential.secret,
    },
    maxBuffer: 64 * 1024 * 1024,
  });

  lrs = spawn(process.execPath, ['src/server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(lrsPort),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      SITE_DIR: path.join(dataDir, 'no-site'),
      LRS_CORS_ORIGINS: siteUrl,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stdout = lrs.stdout;
  if (!stdout) throw new Error('no stdout from the LRS');
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: stdout });
    lines.on('line', (line) => {
      if (line.startsWith('LRS listening')) resolve();
    });
    lrs?.once('exit', (code) => {
      reject(new Error(`the LRS exited with ${String(code)}`));
    });
  });

  // The site alone, as any static host would serve it.
  const server = Fastify();
  await server.register(fastifyStatic, { root: outDir, preCompressed: true });
  await server.listen({ port: sitePort, host: '127.0.0.1' });
  staticSite = server;
});

test.afterAll(async () => {
  await staticSite?.close();
  if (lrs) {
    const exited = new Promise((resolve) => lrs?.once('exit', resolve));
    lrs.kill('SIGTERM');
    await exited;
  }
  await rm(dataDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

async function answerQuiz(page: Page): Promise<void> {
  await startQuiz(page);
  for (const question of quiz.questions) {
    await test.step(`question ${question.id}`, () => answerShownQuestion(page));
  }
  await expect(page.locator('.cpq-score')).toBeVisible();
}

test('a site built for another LRS records statements and state there, with a write-only credential', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const sent: string[] = [];
  const ownService: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith(`${siteUrl}/xapi/`) || url.startsWith(`${siteUrl}/api/`)) {
      ownService.push(url);
    }
    if (url.startsWith(`${lrsUrl}/xapi/statements`) && request.method() === 'POST') {
      const body = request.postDataJSON() as { id: string } | { id: string }[];
      for (const s of Array.isArray(body) ? body : [body]) sent.push(s.id);
    }
  });

  // Enrolment makes the learner's account on the device: no enrolment service there.
  const account = await enrol(page, siteUrl, 'Kofi Mensah');
  await expect(page.locator('#code-sign-in')).toBeHidden();
  await page.goto(`${siteUrl}${modulePath}`);
  await answerQuiz(page);
  await expectAllSaved(page);
  // Leaving the page sends terminated (kept through the reload) and the resume state.
  await page.reload();
  await expectAllSaved(page);

  const stored = await statementsOf({ url: lrsUrl, admin, stop: () => Promise.resolve() }, account);
  const ids = stored.map((s) => s.id);
  expect(sent.length).toBeGreaterThan(quiz.questions.length);
  for (const id of sent) expect(ids).toContain(id);
  expect(new Set(ids).size).toBe(ids.length);
  const counts = byVerb(stored);
  const followUps = quiz.questions.filter((q) => q.type === 'scenario' && q.followUp).length;
  expect(counts.answered).toBe(quiz.questions.length + followUps);
  expect((counts.passed ?? 0) + (counts.failed ?? 0)).toBe(1);
  expect(counts.launched).toBe(2);
  expect(counts.terminated).toBeGreaterThanOrEqual(1);
  expect(ownService).toEqual([]);

  // Resume state went there too: the unfinished-or-finished attempt and the place.
  const learner = JSON.parse(
    await page.evaluate(() => localStorage.getItem('cp-xapi:learner') ?? '{}'),
  ) as { actor: unknown; registration: string };
  const params = new URLSearchParams({
    activityId: `http://localhost:4321/xapi/activities/module/${quiz.module}`,
    agent: JSON.stringify(learner.actor),
    registration: learner.registration,
    stateId: 'progress',
  });
  await expect
    .poll(async () => {
      const response = await fetch(`${lrsUrl}/xapi/activities/state?${params.toString()}`, {
        headers: { Authorization: admin, 'X-Experience-API-Version': '1.0.3' },
      });
      return response.status === 200
        ? ((await response.json()) as { quiz?: unknown }).quiz !== undefined
        : false;
    })
    .toBe(true);

  // The credential the site ships cannot read anyone's statements.
  const read = await fetch(`${lrsUrl}/xapi/statements`, {
    headers: { Authorization: writer, 'X-Experience-API-Version': '1.0.3' },
  });
  expect(read.status).toBe(403);
});
