import type { Question } from '../../src/schemas/quiz.ts';
import type { QuestionResponse } from '../../src/quiz/scoring.ts';
import type { ServerOptions } from '../../src/server/app.ts';
import type { SqlDatabase } from '../../src/server/db/sql-database.ts';
import { databaseOf } from '../../src/server/lrs/store/open-store.ts';
import type { Store } from '../../src/server/lrs/store/types.ts';
import { loadCatalog } from '../../src/server/platform/certification/rules.ts';
import {
  openPlatformStore,
  type PlatformStore,
} from '../../src/server/platform/store/platform-store.ts';
import { createStaffUser, type StaffRole } from '../../src/server/platform/staff/accounts.ts';
import { afterAll, beforeAll } from 'vitest';
import { startServer, xapi, type StoreKind, type TestServer } from './helpers.ts';

/** The site origin the certification tests enrol learners under. */
export const SITE = 'https://peacekeeping.example.org';

/** The service with the platform on a store, and the platform's repository and database. */
export interface PlatformServer {
  server: TestServer;
  platform: PlatformStore;
  /** The database under both stores, for tests that change records behind the service's back. */
  db: SqlDatabase;
}

/** Starts the service with the platform (siteUrl SITE) on a store. */
export async function startPlatform(
  store: Store,
  options: Omit<ServerOptions, 'store' | 'platform'> = {},
): Promise<PlatformServer> {
  const db = databaseOf(store);
  const platform = await openPlatformStore(db);
  const server = await startServer(store, { siteUrl: SITE, ...options, platform });
  return { server, platform, db };
}

/** The password of the staff accounts usePlatform makes. */
export const STAFF_PASSWORD = 'correct horse battery staple';

/**
 * Starts the service with the platform on a fresh store of `kind` before the suite's tests, with
 * these staff accounts (password STAFF_PASSWORD), hands it to `use`, and stops it after them.
 */
export function usePlatform(
  kind: StoreKind,
  staff: readonly (readonly [string, StaffRole])[],
  use: (started: PlatformServer) => void,
): void {
  let started: PlatformServer | undefined;
  let cleanup = (): Promise<void> => Promise.resolve();
  beforeAll(async () => {
    const opened = await kind.open();
    cleanup = () => opened.cleanup();
    started = await startPlatform(opened.store);
    for (const [name, role] of staff) {
      await createStaffUser(started.platform.staff, name, role, STAFF_PASSWORD);
    }
    use(started);
  }, 60_000);
  afterAll(async () => {
    await started?.server.close();
    await cleanup();
  });
}

/** The right response to a question, read from its answer key. */
export function rightResponse(q: Question): QuestionResponse {
  switch (q.type) {
    case 'single-choice':
    case 'multiple-response':
      return q.options.filter((o) => o.correct).map((o) => o.id);
    case 'true-false':
      return q.answer;
    case 'matching':
      return Object.fromEntries(q.items.map((i) => [i.id, i.target]));
    case 'ordering':
      return q.steps.map((s) => s.id);
    case 'scenario':
      return { decision: q.options.find((o) => o.correct)?.id ?? '' };
  }
}

/** Right answers to every question of a track's English assessment. */
export async function rightAnswers(trackId: string): Promise<Record<string, QuestionResponse>> {
  const track = (await loadCatalog()).get(trackId);
  if (track?.assessments.en === undefined) throw new Error(`no track ${trackId}`);
  return Object.fromEntries(track.assessments.en.questions.map((q) => [q.id, rightResponse(q)]));
}

/** A learner enrolled through POST /api/enrol. */
export interface EnrolledLearner {
  key: string;
  secret: string;
  authorization: string;
  actor: Record<string, unknown>;
  learnerId: string;
  registration: string;
}

/** The enrolment form of the tests' default learner. */
export const PROFILE = {
  name: 'Aminata Diallo',
  serviceNumber: 'SN-1001',
  role: 'police',
  country: 'Senegal',
  unit: 'FPU 3',
  mission: 'MINUSCA',
  language: 'en',
};

/** Enrols a learner through the real endpoint. */
export async function enrol(
  server: TestServer,
  profile: Partial<Record<string, string>> = {},
): Promise<EnrolledLearner> {
  const res = await fetch(`${server.url}/api/enrol`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...PROFILE, ...profile }),
  });
  if (res.status !== 201) throw new Error(`enrol: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as {
    key: string;
    secret: string;
    actor: { account: { name: string } };
    registration: string;
  };
  return {
    key: body.key,
    secret: body.secret,
    authorization: `Basic ${Buffer.from(`${body.key}:${body.secret}`).toString('base64')}`,
    actor: body.actor,
    learnerId: body.actor.account.name,
    registration: body.registration,
  };
}

/** Sends the learner's own completed statements for modules, as their tracker would. */
export async function completeModules(
  server: TestServer,
  learner: EnrolledLearner,
  modules: readonly string[],
): Promise<void> {
  const statements = modules.map((m) => ({
    actor: learner.actor,
    verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { en: 'completed' } },
    object: { id: `${SITE}/xapi/activities/module/${m}` },
  }));
  const res = await xapi(
    server,
    { key: learner.key, secret: learner.secret, authorization: learner.authorization },
    '/xapi/statements',
    { body: statements },
  );
  if (res.status !== 200) throw new Error(`statements: ${res.status} ${res.text}`);
}

/** Calls the JSON API with a learner's Basic credential (or none). */
export async function api(
  server: TestServer,
  path: string,
  init: {
    method?: string;
    body?: unknown;
    authorization?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.authorization !== undefined) headers.Authorization = init.authorization;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${server.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** Signs a staff account in: the answer, its session cookie ("name=value") and CSRF token. */
export async function staffLogin(server: TestServer, name: string, password = STAFF_PASSWORD) {
  const res = await api(server, '/api/staff/login', { body: { name, password } });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { res, cookie, csrf: (res.json as { csrfToken?: string } | undefined)?.csrfToken ?? '' };
}
