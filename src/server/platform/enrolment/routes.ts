import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { newCredential, type Scope } from '../../lrs/auth/credentials.ts';
import { storeEnrolment } from './learner-records.ts';
import type { Store } from '../../lrs/store/types.ts';
import { agentIfi } from '../../lrs/xapi/statement-index.ts';
import type { JsonObject } from '../../lrs/xapi/types.ts';

/** Options of the enrolment routes. */
export interface EnrolmentOptions {
  /** The open store the LRS uses: the learner's credential and profile go there. */
  store: Store;
  /**
   * The site's public origin (astro.config's `site`, SITE_URL): the homePage of learner
   * accounts and the root of the course activity IRI. It must match the site the tracker runs on.
   */
  siteUrl: string;
  /** Enrolments allowed per client address and window; a classroom behind one NAT needs room. */
  rateLimit?: { max: number; windowMs: number };
}

/** What a learner's own credential may do: send their statements, read them, keep their state. */
export const LEARNER_SCOPES: Scope[] = ['statements/write', 'statements/read/mine', 'state'];

/** The stateId of the enrolment profile, on the course activity, for the learner's registration. */
export const ENROLMENT_STATE_ID = 'enrolment';

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

class InvalidField extends Error {}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function text(body: Record<string, unknown>, field: string, max: number): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidField(`${field}: required, as non-empty text`);
  }
  const trimmed = value.trim();
  if (trimmed.length > max) throw new InvalidField(`${field}: at most ${max} characters`);
  // Control characters have no place in a name or a unit and would corrupt CSV exports.
  if (/\p{Cc}/u.test(trimmed)) throw new InvalidField(`${field}: contains control characters`);
  return trimmed;
}

function oneOf<T extends string>(
  body: Record<string, unknown>,
  field: string,
  allowed: readonly T[],
): T {
  const value = body[field];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidField(`${field}: must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Validates an enrolment request body; throws an error naming the first bad field. */
export function parseEnrolment(body: unknown): Enrolment {
  if (!isRecord(body)) throw new InvalidField('body: must be a JSON object');
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
  if (unknown !== undefined) throw new InvalidField(`${unknown}: unknown field`);
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
      throw new InvalidField('cohort: letters, digits and hyphens only, at most 40');
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
 * hashed). The enrolment itself is kept as a State document ("enrolment") on the course activity
 * for that agent and registration, as the store has no agent profiles: the learner can read it
 * with their own credential, an administrator with theirs. The credential and the profile are
 * written in one transaction, so a failure leaves neither. Bad input, and a cohort code no trainer
 * created, gets 400 naming the field;
 * more than `rateLimit.max` enrolments per address per window get 429.
 *
 * Register it with `await app.register(enrolmentRoutes, { store, siteUrl })`.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
export async function enrolmentRoutes(
  app: FastifyInstance,
  options: EnrolmentOptions,
): Promise<void> {
  const { store } = options;
  const homePage = options.siteUrl.replace(/\/+$/, '');
  const { max, windowMs } = options.rateLimit ?? { max: 60, windowMs: 10 * 60 * 1000 };
  const recent = new Map<string, { count: number; since: number }>();

  const limited = (address: string): boolean => {
    const now = Date.now();
    if (recent.size > 10_000) {
      for (const [key, entry] of recent) if (now - entry.since > windowMs) recent.delete(key);
    }
    const entry = recent.get(address);
    if (!entry || now - entry.since > windowMs) {
      recent.set(address, { count: 1, since: now });
      return false;
    }
    entry.count += 1;
    return entry.count > max;
  };

  app.post('/api/enrol', async (request: FastifyRequest, reply: FastifyReply) => {
    if (limited(request.ip)) {
      return reply
        .code(429)
        .header('Retry-After', String(Math.ceil(windowMs / 1000)))
        .send({ error: 'Too Many Requests', message: 'too many enrolments from this address' });
    }
    let enrolment: Enrolment;
    try {
      enrolment = parseEnrolment(request.body);
    } catch (error) {
      if (!(error instanceof InvalidField)) throw error;
      return reply.code(400).send({ error: 'Bad Request', message: error.message });
    }
    // A mistyped code would leave the learner out of their trainer's cohort view for good.
    if (enrolment.cohort !== undefined) {
      const known = await store.database.query('SELECT 1 FROM cohorts WHERE code = $1', [
        enrolment.cohort,
      ]);
      if (known.length === 0) {
        return reply.code(400).send({
          error: 'Bad Request',
          message: 'cohort: no cohort has this code; ask your trainer for it',
        });
      }
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
    const profile = { ...enrolment, learnerId, registration, enrolledAt: new Date().toISOString() };
    // One transaction: a profile that cannot be written leaves no credential behind.
    await storeEnrolment(
      store.database,
      record,
      { activityId: courseActivityId(homePage), agentIfi: agentIfi(actor) ?? '', registration },
      ENROLMENT_STATE_ID,
      {
        contentType: 'application/json',
        content: new TextEncoder().encode(JSON.stringify(profile)),
      },
    );
    return reply.code(201).send({ key: record.key, secret, actor, registration });
  });
}
