import type { FastifyInstance } from 'fastify';
import { conflict, forbidden, HttpError, notFound } from '../../http/errors.ts';
import { isRecord } from '../../http/params.ts';
import { failureLimit, type Limit } from '../../http/rate-limits.ts';
import type { Authenticator } from '../../lrs/auth/authenticate.ts';
import { newCredential } from '../../lrs/auth/credentials.ts';
import type { Store } from '../../lrs/store/types.ts';
import { agentIfi } from '../../lrs/xapi/statement-index.ts';
import { LEARNER_SCOPES } from '../enrolment/routes.ts';
import type { RequireStaff } from '../staff/guard.ts';
import type { PlatformStore } from '../store/platform-store.ts';
import { learnerFacts } from '../learner-session/routes.ts';
import { mayShowSecret, type LearnerSessionService } from '../learner-session/sessions.ts';
import { formatCode, issueCode, normaliseCode, redeemCode } from './codes.ts';

/** Options of the sign-in code routes. */
export interface SignInRouteOptions {
  /** The LRS store: new credentials go there. */
  store: Store;
  /** The platform's repository: learners and their codes. */
  platform: PlatformStore;
  /** The service's one authenticator: learners ask for a code with their own credential. */
  auth: Authenticator;
  requireStaff: RequireStaff;
  /** Wrong or malformed codes allowed per address and window before 429. */
  failures: Limit;
  /** Learners' browser sessions: a code signs the browser in with a cookie. */
  sessions: LearnerSessionService;
}

/** A sign-in error: the site reads `reason` (unknown, expired, used, malformed, throttled). */
const signInError = (status: number, reason: string, message: string) =>
  new HttpError(status, message, reason, { fields: { reason } });

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
 *   cohort, language } and a session cookie, a NEW credential of the same learner (so each device
 *   can be revoked on its own; key and secret left out for a browser, which has the cookie), with their enrolment's registration, role, cohort and language. 400 for text that
 *   cannot be a code, 404 unknown, 410 expired or used (the body's `reason` says which: unknown,
 *   expired, used, malformed, throttled), 429 after too many failures from one address.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
export async function signInRoutes(
  app: FastifyInstance,
  options: SignInRouteOptions,
): Promise<void> {
  const { store, platform, auth, requireStaff, sessions } = options;
  const failures = failureLimit(app, options.failures, {
    key: (request) => `sign-in:${request.ip}`,
    message: 'too many wrong sign-in codes from this address: wait 15 minutes and try again',
    code: 'throttled',
    fields: { reason: 'throttled' },
  });

  app.post('/api/sign-in-codes', async (request, reply) => {
    const { agent, key } = await auth.authenticate(request);
    const ifi = agent === null ? null : agentIfi(agent);
    if (agent === null || ifi === null) {
      throw forbidden("only a learner's own credential can ask for a sign-in code");
    }
    const learner = await platform.learners.byAgent(ifi);
    if (learner === null) throw conflict('this learner has no enrolment on this service');
    const issued = await issueCode(platform.signInCodes, learner.learnerId, `learner:${key}`);
    return reply.code(201).send({ code: formatCode(issued.code), expiresAt: issued.expiresAt });
  });

  app.post<{ Params: { cohort: string; learnerId: string } }>(
    '/api/cohorts/:cohort/learners/:learnerId/sign-in-code',
    async (request, reply) => {
      const session = await requireStaff(request, ['trainer']);
      const code = request.params.cohort.toUpperCase();
      const cohort = await platform.cohorts.byCode(code);
      if (cohort?.createdBy !== session.user.id) throw notFound('no such cohort');
      const learner = await platform.learners.byId(request.params.learnerId);
      if (learner?.cohort !== code) throw notFound('no such learner in this cohort');
      const issued = await issueCode(
        platform.signInCodes,
        learner.learnerId,
        `staff:${session.user.id}`,
      );
      return reply.code(201).send({ code: formatCode(issued.code), expiresAt: issued.expiresAt });
    },
  );

  app.post('/api/sign-in', async (request, reply) => {
    await failures.check(request);
    const body = request.body;
    const typed = isRecord(body) && typeof body.code === 'string' ? body.code : undefined;
    const code = typed === undefined || typed.length > 40 ? null : normaliseCode(typed);
    if (code === null) {
      await failures.fail(request);
      throw signInError(
        400,
        'malformed',
        'code: a sign-in code has 10 letters and digits, like ABCDE-23456',
      );
    }
    let secret = '';
    const result = await redeemCode(
      platform.signInCodes,
      code,
      async (learnerId) => {
        const learner = await platform.learners.byId(learnerId);
        if (learner === null) throw new Error(`sign-in code of an unknown learner ${learnerId}`);
        const made = await newCredential({
          name: `learner ${learnerId} (sign-in code)`,
          scopes: LEARNER_SCOPES,
          agent: learner.actor,
        });
        secret = made.secret;
        return made.record;
      },
      (record) => store.createCredential(record),
    );
    if (typeof result === 'string') {
      if (result === 'unknown') await failures.fail(request);
      const { status, message } = REDEEM_ERRORS[result];
      throw signInError(status, result, message);
    }
    const learner = await platform.learners.byId(result.learnerId);
    if (learner === null) throw new Error(`sign-in code of an unknown learner ${result.learnerId}`);
    await sessions.open(request, reply, learner.learnerId, result.credentialKey);
    return reply.code(201).send({
      ...(mayShowSecret(request) ? { key: result.credentialKey, secret } : {}),
      ...learnerFacts(learner),
    });
  });
}
