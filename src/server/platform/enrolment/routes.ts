import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { badRequest, conflict, forbidden, HttpError, notFound } from '../../http/errors.ts';
import { isPlainText, isRecord as isObject, queryParams } from '../../http/params.ts';
import { failureLimit, type Limit } from '../../http/rate-limits.ts';
import type { Authenticator } from '../../lrs/auth/authenticate.ts';
import type { NotAdded } from '../store/learners.ts';
import { countryCode } from './countries.ts';
import { newCredential } from '../../lrs/auth/credentials.ts';
import type { Store } from '../../lrs/store/types.ts';
import type { PlatformStore } from '../store/platform-store.ts';
import {
  LEARNER_SCOPES,
  mayShowSecret,
  type LearnerSessionService,
} from '../learner-session/sessions.ts';
import { agentIfi } from '../../lrs/xapi/statement-index.ts';
import type { JsonObject } from '../../lrs/xapi/types.ts';

/** Options of the enrolment routes. */
export interface EnrolmentOptions {
  /** The LRS store: the learner's credential goes there. */
  store: Store;
  /** The platform's repository: the learner's row goes there. */
  platform: PlatformStore;
  /** The certification track for a role, if one is meant for it. */
  trackForRole: (role: string) => string | null;
  /**
   * The site's public origin (astro.config's `site`, SITE_URL): the homePage of learner
   * accounts and the root of the course activity IRI. It must match the site the tracker runs on.
   */
  siteUrl: string;
  /** Enrolments without a cohort code (and wrong codes) allowed per client address and window. */
  limit: Limit;
  /**
   * Enrolments with a cohort's code allowed per client address and window: room for the largest
   * cohort behind one address (the seats are the real limit).
   */
  cohortLimit: Limit;
  /** The service's one authenticator: a learner joins a cohort with their own credential. */
  auth: Authenticator;
  /** Learners' browser sessions: enrolment signs the browser in with a cookie. */
  sessions: LearnerSessionService;
}

export { LEARNER_SCOPES };

/** The roles a learner can enrol with. */
export const ROLES = ['police', 'military', 'other'] as const;

/** The course languages a learner can choose. */
export const LANGUAGES = ['en', 'fr'] as const;

/** An enrolment as validated from the request body. */
export interface Enrolment {
  name: string;
  serviceNumber: string;
  role: (typeof ROLES)[number];
  country: string;
  unit: string;
  mission: string;
  language: (typeof LANGUAGES)[number];
  cohort?: string;
}

/** A field of the enrolment that is wrong: a 400 whose message starts with the field's name. */
const invalid = (message: string) => badRequest(message, 'invalid_field');

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function text(body: Record<string, unknown>, field: string, max: number): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(`${field}: required, as non-empty text`);
  }
  const trimmed = value.trim();
  if (trimmed.length > max) throw invalid(`${field}: at most ${max} characters`);
  // Control characters have no place in a name or a unit and would corrupt CSV exports; an
  // unpaired surrogate is not text at all.
  if (!isPlainText(trimmed))
    throw invalid(`${field}: contains control characters or broken Unicode`);
  return trimmed;
}

function oneOf<T extends string>(
  body: Record<string, unknown>,
  field: string,
  allowed: readonly T[],
): T {
  const value = body[field];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(`${field}: must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function country(body: Record<string, unknown>): string {
  const value = body.country;
  const code = typeof value === 'string' ? countryCode(value) : null;
  if (code === null) {
    throw invalid('country: an ISO 3166-1 alpha-2 code, such as SN or NP, as the form offers');
  }
  return code;
}

/** A cohort code as typed: trimmed, upper case; null when it cannot be one. */
export function cohortCodeOf(value: unknown): string | null {
  if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/.test(value.trim())) {
    return null;
  }
  return value.trim().toUpperCase();
}

/** The answer to a cohort that did not admit a learner (unknown codes: the caller's 400). */
export function refusal(reason: NotAdded): HttpError {
  switch (reason) {
    case 'closed':
      return conflict(
        'cohort: this cohort is closed to new members; ask your trainer',
        'cohort_closed',
      );
    case 'full':
      return conflict(
        'cohort: every seat of this cohort is taken; ask your trainer',
        'cohort_full',
      );
    case 'other-track':
      return conflict(
        "cohort: this cohort is for another track than yours; ask your trainer for your track's cohort",
        'cohort_other_track',
      );
    case 'already-enrolled':
      return conflict('you hold a seat in a cohort already', 'cohort_member');
    case 'unknown':
      return invalid('cohort: no cohort has this code; ask your trainer for it');
  }
}

/** Validates an enrolment request body; throws an error naming the first bad field. */
export function parseEnrolment(body: unknown): Enrolment {
  if (!isRecord(body)) throw invalid('body: must be a JSON object');
  const known = [
    'name',
    'serviceNumber',
    'role',
    'country',
    'unit',
    'mission',
    'language',
    'cohort',
  ];
  const unknown = Object.keys(body).find((key) => !known.includes(key));
  if (unknown !== undefined) throw invalid(`${unknown}: unknown field`);
  const enrolment: Enrolment = {
    name: text(body, 'name', 120),
    serviceNumber: text(body, 'serviceNumber', 40),
    role: oneOf(body, 'role', ROLES),
    country: country(body),
    unit: text(body, 'unit', 120),
    mission: text(body, 'mission', 80),
    language: oneOf(body, 'language', LANGUAGES),
  };
  const cohort = body.cohort;
  if (cohort !== undefined && cohort !== null && cohort !== '') {
    const code = cohortCodeOf(cohort);
    if (code === null) throw invalid('cohort: letters, digits and hyphens only, at most 40');
    enrolment.cohort = code;
  }
  return enrolment;
}

/** The xAPI activity id of the whole course (same scheme as src/xapi/vocabulary.ts). */
export function courseActivityId(siteUrl: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/xapi/activities/course`;
}

/**
 * POST /api/enrol: enrols a learner. The body is JSON: name, serviceNumber, role (police,
 * military, other), country (an ISO 3166-1 alpha-2 code), unit, mission, language (en, fr) and
 * an optional cohort code. The
 * answer (201) is { key, secret, actor, registration } and a session cookie (learner-session/),
 * key and secret left out for a browser (a request with Fetch Metadata): a new credential bound to the actor
 * { objectType: "Agent", account: { homePage: siteUrl, name: <opaque id> }, name } with the
 * scopes statements/write, statements/read/mine and state (the secret is shown once, stored
 * hashed). The enrolment is a row of the platform's learners table, with the track it puts the
 * learner on; nothing the learner later sends to the LRS changes it. The credential is stored
 * first and revoked if the learner's row cannot be written, so a failure leaves no credential
 * that works (and a crash between the two, one whose secret nobody was given). Bad input, and a
 * cohort code no trainer created, gets 400 naming the field; a closed or full cohort 409
 * cohort_closed or cohort_full; a second enrolment of a person (the same country and service
 * number, compared as personKey folds it) gets 409 already_enrolled and no credential: that
 * person signs in with a one-time code instead. Per address and window, at most `limit.max`
 * enrolments without a code (a wrong code counts as one), and `cohortLimit.max` with a code: past
 * them 429 with Retry-After. POST /api/cohorts/join { code } seats an enrolled learner (their own
 * credential) in a cohort later: 200 with the cohort's code, name and track.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
export async function enrolmentRoutes(
  app: FastifyInstance,
  options: EnrolmentOptions,
): Promise<void> {
  const { store, platform, trackForRole, auth, sessions } = options;
  const homePage = options.siteUrl.replace(/\/+$/, '');
  const message = 'too many enrolments from this address';
  // Without a code anyone may enrol, so few per address: throwaway learners harvest nothing
  // (graded attempts need a seat in a cohort) but cost the service a row each. With a code, a
  // classroom behind one address enrols together, up to its cohort's seats.
  const open = failureLimit(app, options.limit, {
    key: (request) => `enrol:${request.ip}`,
    message,
  });
  const withCode = failureLimit(app, options.cohortLimit, {
    key: (request) => `enrol-cohort:${request.ip}`,
    message,
  });

  app.post('/api/enrol', async (request, reply) => {
    const enrolment = parseEnrolment(request.body);
    if (enrolment.cohort === undefined) await open.spend(request);
    else await withCode.spend(request);
    // A mistyped code would leave the learner out of their trainer's cohort view for good; a
    // wrong code also counts against the address's enrolments without one (no guessing codes).
    const cohort =
      enrolment.cohort === undefined ? null : await platform.cohorts.byCode(enrolment.cohort);
    if (enrolment.cohort !== undefined && cohort === null) {
      await open.spend(request);
      throw refusal('unknown');
    }
    const learnerId = `l-${randomBytes(12).toString('base64url')}`;
    const actor: JsonObject = {
      objectType: 'Agent',
      account: { homePage, name: learnerId },
      name: enrolment.name,
    };
    const registration = randomUUID();
    const { record, secret } = await newCredential({
      name: `learner ${learnerId}`,
      scopes: LEARNER_SCOPES,
      agent: actor,
    });
    await store.createCredential(record);
    let added;
    try {
      added = await platform.learners.add({
        learnerId,
        agentIfi: agentIfi(actor) ?? '',
        actor,
        registration,
        name: enrolment.name,
        serviceNumber: enrolment.serviceNumber,
        mission: enrolment.mission,
        country: enrolment.country,
        unit: enrolment.unit,
        role: enrolment.role,
        language: enrolment.language,
        cohort: cohort?.code ?? null,
        trackId: cohort?.trackId ?? trackForRole(enrolment.role),
      });
    } catch (error) {
      await store.revokeCredential(record.key);
      throw error;
    }
    if ('notAdded' in added) {
      await store.revokeCredential(record.key);
      if (added.notAdded !== 'already-enrolled') throw refusal(added.notAdded);
      // One learner per person, so one attempt quota: the same person continues as the learner
      // they are, on this device too, with a one-time sign-in code.
      throw conflict(
        'someone with this service number and country is enrolled already: sign in with a one-time code from your other device or from your trainer',
        'already_enrolled',
      );
    }
    await sessions.open(request, reply, learnerId, record.key);
    return reply.code(201).send({
      ...(mayShowSecret(request) ? { key: record.key, secret } : {}),
      actor,
      registration,
    });
  });

  app.post('/api/cohorts/join', async (request) => {
    queryParams(request, []);
    const principal = await auth.authenticate(request);
    if (principal.agent === null) throw forbidden('this needs a learner credential');
    const learner = await platform.learners.byAgent(agentIfi(principal.agent) ?? '');
    if (learner === null) throw notFound('no enrolment on this service has your credential');
    const body = request.body;
    if (!isObject(body) || Object.keys(body).some((k) => k !== 'code')) {
      throw badRequest('body: { "code": "<cohort code>" }');
    }
    const code = cohortCodeOf(body.code);
    if (code === null) throw invalid('code: letters, digits and hyphens only, at most 40');
    // Codes are guessed no faster here than at enrolment.
    await withCode.spend(request);
    const joined = await platform.learners.join(learner.learnerId, code);
    if ('notAdded' in joined) {
      if (joined.notAdded === 'unknown') await open.spend(request);
      throw refusal(joined.notAdded);
    }
    return { code: joined.cohort.code, name: joined.cohort.name, track: joined.cohort.trackId };
  });
}
