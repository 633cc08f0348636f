import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Authenticator } from '../../lrs/auth/authenticate.ts';
import { newCredential } from '../../lrs/auth/credentials.ts';
import { formatCode, issueCode, normaliseCode, redeemCode } from './codes.ts';
import { LrsError } from '../../http/errors.ts';
import { ApiError, requireStaff, sendApiError } from '../staff/guard.ts';
import type { Store } from '../../lrs/store/types.ts';
import { agentIfi } from '../../lrs/xapi/statement-index.ts';
import type { JsonObject } from '../../lrs/xapi/types.ts';
import { courseActivityId, ENROLMENT_STATE_ID, LEARNER_SCOPES } from '../enrolment/routes.ts';

/** Options of the sign-in code routes. */
export interface SignInRouteOptions {
  store: Store;
  /** The site's public origin: the homePage of learner accounts (as for enrolment). */
  siteUrl: string;
  /** homePage of the authority account, as the LRS records it (for the Authenticator). */
  authorityHomePage?: string;
  /** Failed code attempts allowed per address and window before 429. */
  failures?: { max: number; windowMs: number };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const REDEEM_ERRORS = {
  unknown: { status: 404, message: 'no such sign-in code: check it, or ask for a new one' },
  expired: { status: 410, message: 'this sign-in code has expired: ask for a new one' },
  used: { status: 410, message: 'this sign-in code was already used: ask for a new one' },
} as const;

/**
 * Sign-in codes, so a learner can continue on another device (src/server/platform/sign-in/codes.ts):
 *
 * - POST /api/sign-in-codes, with the learner's own Basic credential: 201 { code, expiresAt }
 *   for that learner's enrolment.
 * - POST /api/cohorts/:cohort/learners/:learnerId/sign-in-code, by the trainer who owns the
 *   cohort (staff session and CSRF header): the same, for a learner of the cohort who lost
 *   their device.
 * - POST /api/sign-in { code }, no credential: 201 { key, secret, actor, registration, role,
 *   cohort, language }, a NEW credential of the same learner (so each device can be revoked on
 *   its own). 400 for text that cannot be a code, 404 unknown, 410 expired or used (the body's
 *   `reason` says which: unknown, expired, used, malformed, throttled), 429 after too many
 *   failures from one address.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
export async function signInRoutes(
  app: FastifyInstance,
  options: SignInRouteOptions,
): Promise<void> {
  const { store } = options;
  const db = store.database;
  const homePage = options.siteUrl.replace(/\/+$/, '');
  const courseId = courseActivityId(homePage);
  const auth = new Authenticator(store, options.authorityHomePage ?? 'http://localhost/xapi');
  const { max, windowMs } = options.failures ?? { max: 20, windowMs: 15 * 60 * 1000 };
  const failures = new Map<string, { count: number; since: number }>();

  const failedRecently = (address: string): number => {
    const entry = failures.get(address);
    if (!entry || Date.now() - entry.since > windowMs) return 0;
    return entry.count;
  };
  const fail = (address: string): void => {
    const now = Date.now();
    if (failures.size > 10_000) {
      for (const [key, entry] of failures) if (now - entry.since > windowMs) failures.delete(key);
    }
    const entry = failures.get(address);
    if (!entry || now - entry.since > windowMs) failures.set(address, { count: 1, since: now });
    else entry.count += 1;
  };

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.includes('sign-in')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  const send = (reply: FastifyReply, status: number, reason: string, message: string) =>
    reply.code(status).send({
      error: { 400: 'Bad Request', 404: 'Not Found', 410: 'Gone', 429: 'Too Many Requests' }[
        status
      ],
      reason,
      message,
    });

  /** The learner's registration, from their enrolment profile on this service. */
  const enrolmentOf = async (ifi: string) => {
    const rows = await db.query<{ registration: string; content: Uint8Array }>(
      `SELECT registration, content FROM state_documents
       WHERE activity_id = $1 AND agent_ifi = $2 AND state_id = $3
       ORDER BY updated DESC LIMIT 1`,
      [courseId, ifi, ENROLMENT_STATE_ID],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    let profile: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(new TextDecoder().decode(row.content));
      if (isRecord(parsed)) profile = parsed;
    } catch {
      // A damaged profile still has its registration.
    }
    return { registration: row.registration, profile };
  };

  app.post('/api/sign-in-codes', async (request: FastifyRequest, reply: FastifyReply) => {
    let agent: JsonObject | null;
    let key: string;
    try {
      const principal = await auth.authenticate(request.headers.authorization, request.ip);
      agent = principal.agent;
      key = principal.key;
    } catch (error) {
      if (!(error instanceof LrsError)) throw error;
      return reply.code(error.status).send({ error: 'Unauthorized', message: error.message });
    }
    const ifi = agent === null ? null : agentIfi(agent);
    if (agent === null || ifi === null) {
      return reply.code(403).send({
        error: 'Forbidden',
        message: "only a learner's own credential can ask for a sign-in code",
      });
    }
    const enrolment = await enrolmentOf(ifi);
    if (enrolment === undefined) {
      return reply.code(409).send({
        error: 'Conflict',
        message: 'this learner has no enrolment on this service',
      });
    }
    const issued = await issueCode(db, {
      actor: agent,
      agentIfi: ifi,
      registration: enrolment.registration,
      createdBy: `learner:${key}`,
    });
    return reply.code(201).send({ code: formatCode(issued.code), expiresAt: issued.expiresAt });
  });

  app.post<{ Params: { cohort: string; learnerId: string } }>(
    '/api/cohorts/:cohort/learners/:learnerId/sign-in-code',
    async (request, reply) => {
      try {
        const session = await requireStaff(request, db, auth, ['trainer']);
        const cohort = request.params.cohort.toUpperCase();
        const { learnerId } = request.params;
        const owned = await db.query('SELECT 1 FROM cohorts WHERE code = $1 AND created_by = $2', [
          cohort,
          session.user.id,
        ]);
        if (owned.length === 0) throw new ApiError(404, 'no such cohort');
        const actor: JsonObject = {
          objectType: 'Agent',
          account: { homePage, name: learnerId },
        };
        const ifi = agentIfi(actor) ?? '';
        const enrolment = await enrolmentOf(ifi);
        if (enrolment?.profile.cohort !== cohort) {
          throw new ApiError(404, 'no such learner in this cohort');
        }
        if (typeof enrolment.profile.name === 'string') actor.name = enrolment.profile.name;
        const issued = await issueCode(db, {
          actor,
          agentIfi: ifi,
          registration: enrolment.registration,
          createdBy: `staff:${session.user.id}`,
        });
        return await reply
          .code(201)
          .send({ code: formatCode(issued.code), expiresAt: issued.expiresAt });
      } catch (error) {
        const sent = sendApiError(error, reply);
        if (sent) return sent;
        throw error;
      }
    },
  );

  app.post('/api/sign-in', async (request: FastifyRequest, reply: FastifyReply) => {
    if (failedRecently(request.ip) >= max) {
      reply.header('Retry-After', String(Math.ceil(windowMs / 1000)));
      return send(
        reply,
        429,
        'throttled',
        'too many wrong sign-in codes from this address: wait 15 minutes and try again',
      );
    }
    const body = request.body;
    const typed = isRecord(body) && typeof body.code === 'string' ? body.code : undefined;
    const code = typed === undefined || typed.length > 40 ? null : normaliseCode(typed);
    if (code === null) {
      fail(request.ip);
      return send(
        reply,
        400,
        'malformed',
        'code: a sign-in code has 10 letters and digits, like ABCDE-23456',
      );
    }
    let secret = '';
    const result = await redeemCode(db, code, async (actor) => {
      const name = isRecord(actor.account) ? actor.account.name : undefined;
      const learnerId = typeof name === 'string' ? name : 'unknown';
      const made = await newCredential({
        name: `learner ${learnerId} (sign-in code)`,
        scopes: LEARNER_SCOPES,
        agent: actor,
      });
      secret = made.secret;
      return made.record;
    });
    if (typeof result === 'string') {
      if (result === 'unknown') fail(request.ip);
      const { status, message } = REDEEM_ERRORS[result];
      return send(reply, status, result, message);
    }
    const enrolment = await enrolmentOf(result.agentIfi);
    const profile = enrolment?.profile ?? {};
    return reply.code(201).send({
      key: result.credentialKey,
      secret,
      actor: result.actor,
      registration: result.registration,
      ...(typeof profile.role === 'string' ? { role: profile.role } : {}),
      ...(typeof profile.cohort === 'string' ? { cohort: profile.cohort } : {}),
      ...(typeof profile.language === 'string' ? { language: profile.language } : {}),
    });
  });
}
