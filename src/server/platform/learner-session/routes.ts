import type { FastifyInstance } from 'fastify';
import { conflict, forbidden, HttpError, unauthorized } from '../../http/errors.ts';
import { queryParams } from '../../http/params.ts';
import type { Authenticator } from '../../lrs/auth/authenticate.ts';
import { newCredential } from '../../lrs/auth/credentials.ts';
import type { Store } from '../../lrs/store/types.ts';
import { agentIfi } from '../../lrs/xapi/statement-index.ts';
import type { PlatformStore } from '../store/platform-store.ts';
import type { Learner } from '../store/learners.ts';
import { LEARNER_SCOPES, type LearnerSessionService } from './sessions.ts';

/** Options of the learner session routes. */
export interface LearnerSessionRouteOptions {
  store: Store;
  platform: PlatformStore;
  auth: Authenticator;
  sessions: LearnerSessionService;
}

/** What the site keeps about its learner: facts, no secret. */
export function learnerFacts(learner: Learner) {
  return {
    actor: learner.actor,
    registration: learner.registration,
    role: learner.role,
    ...(learner.cohort === null ? {} : { cohort: learner.cohort }),
    language: learner.language,
  };
}

/**
 * The learner's browser session (src/server/platform/learner-session/sessions.ts):
 *
 * - GET /api/learner-session: who the session cookie (or a learner's Basic credential) signs in,
 *   200 { actor, registration, role, cohort, language }; 401 signed_out when the session ended.
 * - POST /api/learner-session, with a learner's own Basic credential: exchanges it for a session
 *   cookie (a browser that kept the credential in its storage does this once). The credential is
 *   revoked and the session acts as a new one of the same learner, whose secret nobody is given.
 *   201 with the learner's facts and the session's end (expiresAt).
 * - DELETE /api/learner-session: signs out: ends the session and revokes the credential it acted
 *   as, on every service process at once, and removes the cookie. 204, also when the session had
 *   ended already.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
export async function learnerSessionRoutes(
  app: FastifyInstance,
  options: LearnerSessionRouteOptions,
): Promise<void> {
  const { store, platform, auth, sessions } = options;

  const learnerOf = async (agent: Parameters<typeof agentIfi>[0] | null) => {
    const ifi = agent === null ? null : agentIfi(agent);
    if (ifi === null) throw forbidden("this needs a learner's own credential");
    const learner = await platform.learners.byAgent(ifi);
    if (learner === null) throw conflict('this learner has no enrolment on this service');
    return learner;
  };

  app.get('/api/learner-session', async (request) => {
    queryParams(request, []);
    const principal = await auth.authenticate(request);
    return learnerFacts(await learnerOf(principal.agent));
  });

  app.post('/api/learner-session', async (request, reply) => {
    queryParams(request, []);
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      throw unauthorized("send the learner's Basic credential to exchange it for a session");
    }
    const principal = await auth.authenticate(request);
    const learner = await learnerOf(principal.agent);
    const { record } = await newCredential({
      name: `learner ${learner.learnerId} (session)`,
      scopes: LEARNER_SCOPES,
      agent: learner.actor,
    });
    await store.createCredential(record);
    const expiresAt = await sessions.open(request, reply, learner.learnerId, record.key);
    // The old secret may have been read by a script that ran on the page: it stops working.
    await store.revokeCredential(principal.key);
    return reply.code(201).send({ ...learnerFacts(learner), expiresAt });
  });

  app.delete('/api/learner-session', async (request, reply) => {
    queryParams(request, []);
    if (sessions.tokenOf(request) !== undefined) {
      try {
        // The same checks as any call with the cookie: the header only the site's scripts send.
        await auth.authenticate(request);
      } catch (error) {
        if (!(error instanceof HttpError && error.status === 401)) throw error;
      }
    }
    const key = await sessions.close(request, reply);
    if (key !== null) await store.revokeCredential(key);
    return reply.code(204).send();
  });
}
