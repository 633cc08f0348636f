import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { AttemptResult, PublicQuestion, StartedAttempt } from '../../src/api/assessment.ts';
import type { FollowUp, Question } from '../../src/schemas/quiz.ts';
import type { ServerOptions } from '../../src/server/app.ts';
import type { SqlDatabase } from '../../src/server/db/sql-database.ts';
import { databaseOf } from '../../src/server/lrs/store/open-store.ts';
import type { Store } from '../../src/server/lrs/store/types.ts';
import {
  loadCatalog,
  type CertificationCatalog,
  type CertificationTrack,
} from '../../src/server/platform/certification/rules.ts';
import {
  openPlatformStore,
  type PlatformStore,
} from '../../src/server/platform/store/platform-store.ts';
import { createStaffUser, type StaffRole } from '../../src/server/platform/staff/accounts.ts';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  parseOrUndefined,
  startServer,
  storeKinds,
  xapi,
  type StoreKind,
  type TestServer,
  type XapiResponse,
} from './helpers.ts';

/** The site origin the certification tests enrol learners under. */
export const SITE = 'https://peacekeeping.example.org';

/** The two tracks of the fixture banks. */
export const POLICE = 'police-pre-deployment';
export const MILITARY = 'military-pre-deployment';

/** The service with the platform on a store, and the platform's repository and database. */
export interface PlatformServer {
  server: TestServer;
  platform: PlatformStore;
  /** The database under both stores, for tests that change records behind the service's back. */
  db: SqlDatabase;
  /** usePlatform's cohorts (200 seats, its fixture trainer's): a code per track. */
  cohorts: Record<string, string>;
}

/**
 * Enrolments the tests' service allows per address when a test sets no limits: every test
 * enrols from 127.0.0.1, far more than a real address should. The harvest test runs with the
 * service's own defaults (DEFAULT_LIMITS).
 */
export const TEST_ENROL_LIMITS = {
  enrol: { max: 1000, windowMs: 60_000 },
  enrolWithCohort: { max: 1000, windowMs: 60_000 },
};

/** Starts the service with the platform (siteUrl SITE, the fixture banks) on a store. */
export async function startPlatform(
  store: Store,
  options: Omit<ServerOptions, 'store' | 'platform'> = {},
): Promise<PlatformServer> {
  const db = databaseOf(store);
  const platform = await openPlatformStore(db);
  const server = await startServer(store, {
    siteUrl: SITE,
    contentRoot: FIXTURE_ROOT,
    ...options,
    rateLimits: { ...TEST_ENROL_LIMITS, ...options.rateLimits },
    platform,
  });
  return { server, platform, db, cohorts: {} };
}

/** The trainer usePlatform makes, whose cohorts admit the tests' learners to graded attempts. */
export const FIXTURE_TRAINER = 'fixture-trainer';

/** Each test server's fixture cohorts: the code of a 200-seat cohort per track. */
const fixtureCohorts = new WeakMap<TestServer, Record<string, string>>();

/** Opens a cohort over HTTP as a signed-in trainer; its summary (code, seats, ...). */
export async function openCohort(
  server: TestServer,
  trainer: { cookie: string; csrf: string },
  track: string,
  seats?: number,
): Promise<{ code: string; seats: number; name: string; track: string }> {
  const res = await api(server, '/api/cohorts', {
    headers: { Cookie: trainer.cookie, 'X-CSRF-Token': trainer.csrf },
    body: {
      name: `Cohort ${randomUUID().slice(0, 8)}`,
      track,
      ...(seats === undefined ? {} : { seats }),
    },
  });
  if (res.status !== 201) throw new Error(`cohort: ${res.status} ${res.text}`);
  return res.json as { code: string; seats: number; name: string; track: string };
}

/** The password of the staff accounts usePlatform makes. */
export const STAFF_PASSWORD = 'correct horse battery staple';

/**
 * One describe block per store (embedded, and PostgreSQL when DATABASE_URL is set), named
 * `title (store)`, each with the platform started as usePlatform does. `body` gets the platform
 * as an object its tests read once the suite has started (its fields are filled in then).
 */
export function describePlatform(
  title: string,
  staff: readonly (readonly [string, StaffRole])[],
  body: (p: PlatformServer, kind: StoreKind) => void,
  options: Omit<ServerOptions, 'store' | 'platform'> = {},
): void {
  for (const kind of storeKinds()) {
    describe(`${title} (${kind.name})`, () => {
      const p = {} as PlatformServer;
      usePlatform(
        kind,
        staff,
        (started) => {
          Object.assign(p, started);
        },
        options,
      );
      body(p, kind);
    });
  }
}

/**
 * Starts the service with the platform on a fresh store of `kind` before the suite's tests, with
 * these staff accounts (password STAFF_PASSWORD), hands it to `use`, and stops it after them.
 */
export function usePlatform(
  kind: StoreKind,
  staff: readonly (readonly [string, StaffRole])[],
  use: (started: PlatformServer) => void,
  options: Omit<ServerOptions, 'store' | 'platform'> = {},
): void {
  let started: PlatformServer | undefined;
  let cleanup = (): Promise<void> => Promise.resolve();
  beforeAll(async () => {
    const opened = await kind.open();
    cleanup = () => opened.cleanup();
    started = await startPlatform(opened.store, options);
    for (const [name, role] of [...staff, [FIXTURE_TRAINER, 'trainer'] as const]) {
      await createStaffUser(started.platform.staff, name, role, STAFF_PASSWORD);
    }
    // Graded attempts need a seat in a cohort: one cohort per track admits the tests' learners.
    const trainer = await staffLogin(started.server, FIXTURE_TRAINER);
    const cohorts: Record<string, string> = {};
    for (const track of [POLICE, MILITARY]) {
      cohorts[track] = (await openCohort(started.server, trainer, track, 200)).code;
    }
    fixtureCohorts.set(started.server, cohorts);
    started.cohorts = cohorts;
    use(started);
  }, 60_000);
  afterAll(async () => {
    await started?.server.close();
    await cleanup();
  });
}

/** The fixture content root of the certification tests: small banks under tests/fixtures/. */
export const FIXTURE_ROOT = path.resolve('tests/fixtures/certification');

/**
 * The bank question a form's question was drawn from, found by its text as a reader of the bank
 * files would (the form's ids are random): its prompt, and its choices' texts.
 */
export function bankQuestionOf(
  track: CertificationTrack,
  lang: string,
  q: PublicQuestion,
): Question {
  const texts = (list: readonly { text: string }[]) =>
    list
      .map((x) => x.text)
      .sort()
      .join('\n');
  const shown = 'options' in q ? texts(q.options) : q.type === 'ordering' ? texts(q.steps) : '';
  for (const module of track.modules) {
    const bank = module.banks[lang] ?? module.banks.en;
    for (const item of bank?.items ?? []) {
      if (item.type !== q.type || item.prompt !== q.prompt) continue;
      const own =
        'options' in item ? texts(item.options) : item.type === 'ordering' ? texts(item.steps) : '';
      if (own === shown) return item;
    }
  }
  throw new Error(`no bank item has the prompt ${q.prompt}`);
}

/** The answer to a form's question, right or wrong, in the form's ids (read from the bank). */
export function answerOf(bankQ: Question | FollowUp, q: PublicQuestion, right: boolean): unknown {
  const byText = <T extends { text: string }>(list: readonly T[], text: string) =>
    list.find((x) => x.text === text);
  switch (q.type) {
    case 'single-choice':
    case 'multiple-response':
    case 'scenario': {
      const options = 'options' in bankQ ? bankQ.options : [];
      const wanted = options.filter((o) => o.correct === right);
      const picks = (q.type === 'multiple-response' ? wanted : wanted.slice(0, 1)).map(
        (o) => byText(q.options, o.text)?.id ?? '',
      );
      if (q.type !== 'scenario') return picks;
      const followUp =
        bankQ.type === 'scenario' && bankQ.followUp !== undefined && q.followUp !== undefined
          ? answerOf(bankQ.followUp, q.followUp, right)
          : undefined;
      return { decision: picks[0], ...(followUp === undefined ? {} : { followUp }) };
    }
    case 'true-false':
      return bankQ.type === 'true-false' ? bankQ.answer === right : right;
    case 'matching': {
      if (bankQ.type !== 'matching') throw new Error('not a matching item');
      return Object.fromEntries(
        bankQ.items.map((item) => {
          const target = bankQ.targets.find((t) => (t.id === item.target) === right);
          return [byText(q.items, item.text)?.id, byText(q.targets, target?.text ?? '')?.id];
        }),
      );
    }
    case 'ordering': {
      if (bankQ.type !== 'ordering') throw new Error('not an ordering item');
      const order = bankQ.steps.map((s) => byText(q.steps, s.text)?.id ?? '');
      return right ? order : order.reverse();
    }
  }
}

/** Answers to every question of a started attempt, all right or all wrong. */
export function answersTo(
  track: CertificationTrack,
  started: StartedAttempt,
  right: boolean,
): Record<string, unknown> {
  return Object.fromEntries(
    started.questions.map((q) => [
      q.id,
      answerOf(bankQuestionOf(track, started.lang, q), q, right),
    ]),
  );
}

/** The fixture catalog (or another root's), for answering forms from the bank files. */
export async function catalogOf(root = FIXTURE_ROOT): Promise<CertificationCatalog> {
  return loadCatalog(root);
}

/** A track of a catalog; throws for an unknown id. */
export function trackIn(catalog: CertificationCatalog, id: string): CertificationTrack {
  const track = catalog.get(id);
  if (track === undefined) throw new Error(`no track ${id}`);
  return track;
}

/** Starts an attempt over HTTP with the learner's credential. */
export async function startAttempt(
  server: TestServer,
  learner: { authorization: string },
  track: string,
  lang = 'en',
): Promise<{ status: number; started: StartedAttempt; text: string; headers: Headers }> {
  const res = await api(server, `/api/assessments/${track}/attempts`, {
    authorization: learner.authorization,
    body: { lang },
  });
  return {
    status: res.status,
    started: res.json as StartedAttempt,
    text: res.text,
    headers: res.headers,
  };
}

/** Submits responses to an attempt over HTTP with the learner's credential. */
export async function submitAttempt(
  server: TestServer,
  learner: { authorization: string },
  started: StartedAttempt,
  responses: unknown,
): Promise<{ status: number; result: AttemptResult; text: string }> {
  const res = await api(server, `/api/assessments/${started.track}/attempts/${started.attempt}`, {
    authorization: learner.authorization,
    body: { responses },
  });
  return { status: res.status, result: res.json as AttemptResult, text: res.text };
}

/** Submits every answer of a started attempt, all right or all wrong (read from the bank). */
export function answerAttempt(
  server: TestServer,
  learner: { authorization: string },
  track: CertificationTrack,
  started: StartedAttempt,
  right: boolean,
): Promise<{ status: number; result: AttemptResult; text: string }> {
  return submitAttempt(server, learner, started, answersTo(track, started, right));
}

/**
 * Sits a graded assessment through the API: starts an attempt (201) and submits every answer
 * right or every answer wrong (200). Returns the attempt and its result.
 */
export async function sitAttempt(
  server: TestServer,
  learner: { authorization: string },
  track: CertificationTrack,
  right: boolean,
  lang = 'en',
): Promise<{ started: StartedAttempt; result: AttemptResult; text: string }> {
  const { status, started, text } = await startAttempt(server, learner, track.rule.track, lang);
  expect(status, text).toBe(201);
  const submitted = await answerAttempt(server, learner, track, started, right);
  expect(submitted.status, submitted.text).toBe(200);
  return { started, result: submitted.result, text: submitted.text };
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
  country: 'SN',
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
    // One learner per person: each enrolment is a new person unless the test names one.
    body: JSON.stringify({ ...PROFILE, serviceNumber: `SN-${randomUUID()}`, ...profile }),
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

/**
 * Enrols a learner through the real endpoint with the code of usePlatform's cohort for their
 * role's track, so that they may start graded attempts.
 */
export async function enrolAdmitted(
  server: TestServer,
  profile: Partial<Record<string, string>> = {},
): Promise<EnrolledLearner> {
  const track = `${profile.role ?? PROFILE.role}-pre-deployment`;
  const cohort = fixtureCohorts.get(server)?.[track];
  if (cohort === undefined) throw new Error(`no fixture cohort for ${track}: use usePlatform`);
  return enrol(server, { cohort, ...profile });
}

/** Sends statements (one or a batch) with the learner's own credential, as their tracker would. */
export function sendAsLearner(
  server: TestServer,
  learner: EnrolledLearner,
  statements: unknown,
): Promise<XapiResponse> {
  return xapi(server, learner, '/xapi/statements', { body: statements });
}

/** A statement of the learner's own about a module of the course: `verb` is its last word. */
export function moduleStatement(learner: EnrolledLearner, verb: string, module: string) {
  return {
    actor: learner.actor,
    verb: { id: `http://adlnet.gov/expapi/verbs/${verb}`, display: { en: verb } },
    object: { id: `${SITE}/xapi/activities/module/${module}` },
  };
}

/** Sends the learner's own completed statements for modules, as their tracker would. */
export async function completeModules(
  server: TestServer,
  learner: EnrolledLearner,
  modules: readonly string[],
): Promise<void> {
  const statements = modules.map((m) => moduleStatement(learner, 'completed', m));
  const res = await sendAsLearner(server, learner, statements);
  if (res.status !== 200) throw new Error(`statements: ${res.status} ${res.text}`);
}

/** The learner's certification status on a track (GET /api/certification/<track>/status). */
export function certificationStatus(
  server: TestServer,
  learner: { authorization: string },
  track = POLICE,
) {
  return api(server, `/api/certification/${track}/status`, {
    authorization: learner.authorization,
  });
}

/** A certificate as the learner's status shows it. */
export interface IssuedCertificate {
  code: string;
  learnerName: string;
  issuedAt: string;
  expiresAt: string;
}

/**
 * Certifies a learner admitted to a cohort of the track: passes a graded attempt in `lang`,
 * completes the track's modules, and returns the certificate their status shows.
 */
export async function certify(
  server: TestServer,
  learner: EnrolledLearner,
  track: CertificationTrack,
  lang = 'en',
): Promise<IssuedCertificate> {
  const { result } = await sitAttempt(server, learner, track, true, lang);
  expect(result.passed).toBe(true);
  await completeModules(server, learner, track.rule.requiredModules);
  const status = await certificationStatus(server, learner, track.rule.track);
  const { certificate } = status.json as { certificate: IssuedCertificate | null };
  if (certificate === null) throw new Error(`no certificate: ${status.text}`);
  return certificate;
}

/**
 * Calls the JSON API with a learner's Basic credential (or none). `body` is sent as JSON, `raw` as
 * it is; Content-Type is application/json unless the headers name another.
 */
export async function api(
  server: TestServer,
  path: string,
  init: {
    method?: string;
    body?: unknown;
    raw?: string;
    authorization?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.authorization !== undefined) headers.Authorization = init.authorization;
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  if (body !== undefined) headers['Content-Type'] ??= 'application/json';
  const res = await fetch(`${server.url}${path}`, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  return { status: res.status, json: parseOrUndefined(text), text, headers: res.headers };
}

/** Signs a staff account in: the answer, its session cookie ("name=value") and CSRF token. */
export async function staffLogin(server: TestServer, name: string, password = STAFF_PASSWORD) {
  const res = await api(server, '/api/staff/login', { body: { name, password } });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { res, cookie, csrf: (res.json as { csrfToken?: string } | undefined)?.csrfToken ?? '' };
}

/** A signed-in member of staff's calls to the JSON API, with the CSRF token on changes. */
export function asStaff(server: TestServer, who: { cookie: string; csrf: string }) {
  return {
    get: (path: string) => api(server, path, { headers: { Cookie: who.cookie } }),
    post: (path: string, body?: unknown) =>
      api(server, path, {
        method: 'POST',
        headers: { Cookie: who.cookie, 'X-CSRF-Token': who.csrf },
        ...(body === undefined ? {} : { body }),
      }),
  };
}

/** A guesser: answers one question of a form without knowing anything but the form. */
export type Guesser = (q: PublicQuestion, random: () => number) => unknown;

const pickOne = <T>(list: readonly T[], random: () => number): T =>
  list[Math.floor(random() * list.length)] as T;

const permutation = <T>(list: readonly T[], random: () => number): T[] => {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
};

/** Answers uniformly at random: a random option, subset, order, match or truth value. */
export const uniformGuesser: Guesser = (q, random) => {
  switch (q.type) {
    case 'single-choice':
      return [pickOne(q.options, random).id];
    case 'multiple-response': {
      const picks = q.options.filter(() => random() < 0.5).map((o) => o.id);
      return picks.length > 0 ? picks : [pickOne(q.options, random).id];
    }
    case 'true-false':
      return random() < 0.5;
    case 'matching':
      return Object.fromEntries(q.items.map((i) => [i.id, pickOne(q.targets, random).id]));
    case 'ordering':
      return permutation(q.steps, random).map((s) => s.id);
    case 'scenario':
      return {
        decision: pickOne(q.options, random).id,
        ...(q.followUp === undefined ? {} : { followUp: uniformGuesser(q.followUp, random) }),
      };
  }
};

const longest = (options: readonly { id: string; text: string }[], random: () => number) => {
  const max = Math.max(...options.map((o) => o.text.length));
  return pickOne(
    options.filter((o) => o.text.length === max),
    random,
  ).id;
};

/** Chooses the longest option everywhere (ties at random), the longer half where several may be right. */
export const longestGuesser: Guesser = (q, random) => {
  switch (q.type) {
    case 'single-choice':
      return [longest(q.options, random)];
    case 'multiple-response': {
      const mean = q.options.reduce((a, o) => a + o.text.length, 0) / q.options.length;
      const picks = q.options.filter((o) => o.text.length >= mean).map((o) => o.id);
      return picks.length > 0 ? picks : [longest(q.options, random)];
    }
    case 'scenario':
      return {
        decision: longest(q.options, random),
        ...(q.followUp === undefined ? {} : { followUp: longestGuesser(q.followUp, random) }),
      };
    case 'ordering':
      return [...q.steps].sort((a, b) => b.text.length - a.text.length).map((s) => s.id);
    default:
      return uniformGuesser(q, random);
  }
};

/**
 * Answers from the form's ids and order alone: the first option shown, or the one whose id sorts
 * first or last; steps as shown or sorted by id; each item to the target at its own place.
 */
export const idGuessers: Record<string, Guesser> = {
  firstShown: (q) =>
    fromChoice(
      q,
      (list) => list[0]?.id ?? '',
      (steps) => steps,
    ),
  lowestId: (q) =>
    fromChoice(
      q,
      (list) => [...list].sort((a, b) => a.id.localeCompare(b.id))[0]?.id ?? '',
      (steps) => [...steps].sort((a, b) => a.id.localeCompare(b.id)),
    ),
  highestId: (q) =>
    fromChoice(
      q,
      (list) => [...list].sort((a, b) => b.id.localeCompare(a.id))[0]?.id ?? '',
      (steps) => [...steps].sort((a, b) => b.id.localeCompare(a.id)),
    ),
  lastShown: (q) =>
    fromChoice(
      q,
      (list) => list.at(-1)?.id ?? '',
      (steps) => [...steps].reverse(),
    ),
};

function fromChoice(
  q: PublicQuestion,
  choose: (list: readonly { id: string }[]) => string,
  order: (steps: readonly { id: string }[]) => readonly { id: string }[],
): unknown {
  switch (q.type) {
    case 'single-choice':
    case 'multiple-response':
      return [choose(q.options)];
    case 'true-false':
      return false;
    case 'matching':
      return Object.fromEntries(
        q.items.map((item, i) => [item.id, (q.targets[i % q.targets.length] ?? q.targets[0])?.id]),
      );
    case 'ordering':
      return order(q.steps).map((s) => s.id);
    case 'scenario':
      return {
        decision: choose(q.options),
        ...(q.followUp === undefined ? {} : { followUp: fromChoice(q.followUp, choose, order) }),
      };
  }
}

/** The answers of a guesser to every question of a form. */
export function guess(
  questions: readonly PublicQuestion[],
  guesser: Guesser,
  random: () => number = Math.random,
): Record<string, unknown> {
  return Object.fromEntries(questions.map((q) => [q.id, guesser(q, random)]));
}
