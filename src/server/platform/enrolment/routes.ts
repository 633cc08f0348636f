import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { badRequest, conflict, tooManyRequests } from '../../http/errors.ts';
import { isPlainText } from '../../http/params.ts';
import type { Limit } from '../../http/rate-limits.ts';
import { newCredential, type Scope } from '../../lrs/auth/credentials.ts';
import type { Store } from '../../lrs/store/types.ts';
import type { PlatformStore } from '../store/platform-store.ts';
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
  /** Enrolments allowed per client address and window; a classroom behind one NAT needs room. */
  limit: Limit;
}

/** What a learner's own credential may do: send their statements, read them, keep their state. */
export const LEARNER_SCOPES: Scope[] = ['statements/write', 'statements/read/mine', 'state'];

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
    country: text(body, 'country', 80),
    unit: text(body, 'unit', 120),
    mission: text(body, 'mission', 80),
    language: oneOf(body, 'language', LANGUAGES),
  };
  const cohort = body.cohort;
  if (cohort !== undefined && cohort !== null && cohort !== '') {
    if (typeof cohort !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/.test(cohort.trim())) {
      throw invalid('cohort: letters, digits and hyphens only, at most 40');
    }
    enrolment.cohort = cohort.trim().toUpperCase();
  }
  return enrolment;
}

/** The xAPI activity id of the whole course (same scheme as src/xapi/vocabulary.ts). */
export function courseActivityId(siteUrl: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/xapi/activities/course`;
}

/**
 * POST /api/enrol: enrols a learner. The body is JSON: name, serviceNumber, role (police,
 * military, other), country, unit, mission, language (en, fr) and an optional cohort code. The
 * answer (201) is { key, secret, actor, registration }: a new credential bound to the actor
 * { objectType: "Agent", account: { homePage: siteUrl, name: <opaque id> }, name } with the
 * scopes statements/write, statements/read/mine and state (the secret is shown once, stored
 * hashed). The enrolment is a row of the platform's learners table, with the track it puts the
 * learner on; nothing the learner later sends to the LRS changes it. The credential is stored
 * first and revoked if the learner's row cannot be written, so a failure leaves no credential
 * that works (and a crash between the two, one whose secret nobody was given). Bad input, and a
 * cohort code no trainer created, gets 400 naming the field; a second enrolment of a person (the
 * same service number and country, without case, spaces or hyphens) gets 409 already_enrolled
 * and no credential: that person signs in with a one-time code instead; more than `limit.max` enrolments per
 * address per window get 429 with Retry-After.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
export async function enrolmentRoutes(
  app: FastifyInstance,
  options: EnrolmentOptions,
): Promise<void> {
  const { store, platform, trackForRole } = options;
  const homePage = options.siteUrl.replace(/\/+$/, '');
  const { max, windowMs } = options.limit;

  const config = {
    rateLimit: {
      max,
      timeWindow: windowMs,
      keyGenerator: (request: { ip: string }) => `enrol:${request.ip}`,
      errorResponseBuilder: (_request: unknown, context: { ttl: number }) =>
        tooManyRequests('too many enrolments from this address', context.ttl / 1000),
    },
  };
  app.post('/api/enrol', { config }, async (request, reply) => {
    const enrolment = parseEnrolment(request.body);
    // A mistyped code would leave the learner out of their trainer's cohort view for good.
    const cohort =
      enrolment.cohort === undefined ? null : await platform.cohorts.byCode(enrolment.cohort);
    if (enrolment.cohort !== undefined && cohort === null) {
      throw invalid('cohort: no cohort has this code; ask your trainer for it');
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
    if (added === null) {
      // One learner per person, so one attempt quota: the same person continues as the learner
      // they are, on this device too, with a one-time sign-in code.
      await store.revokeCredential(record.key);
      throw conflict(
        'someone with this service number and country is enrolled already: sign in with a one-time code from your other device or from your trainer',
        'already_enrolled',
      );
    }
    return reply.code(201).send({ key: record.key, secret, actor, registration });
  });
}
