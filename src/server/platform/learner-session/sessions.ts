// Learners' browser sessions: on enrolment and on sign-in with a code the service sets an
// HttpOnly, SameSite=Strict cookie, so the site's own calls are signed in without a secret that a
// script on the page could read. A session acts as one LRS credential of the learner (made at
// enrolment or sign-in, bound to their Agent), so the cookie has exactly that credential's scopes,
// Agent binding, authority and quotas; the session's row (platform table learner_sessions) holds
// only a hash of the token, the credential's key and when it ends.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isHttps, readCookie, sessionCookie, sessionCookieName } from '../../http/cookies.ts';
import type { CookieSessions } from '../../lrs/auth/authenticate.ts';
import type { Scope } from '../../lrs/auth/credentials.ts';
import type { LearnerSessions as SessionRows } from '../store/learner-sessions.ts';

/** How long a learner session lasts by default (LEARNER_SESSION_DAYS): a pre-deployment course and its certificate. */
export const DEFAULT_LEARNER_SESSION_DAYS = 180;

/** What a learner's own credential may do: send their statements, read them, keep their state. */
export const LEARNER_SCOPES: Scope[] = ['statements/write', 'statements/read/mine', 'state'];

const DAY_MS = 24 * 60 * 60 * 1000;

/** The cookie's name, with the __Host- prefix over HTTPS. */
export function learnerCookieName(secure: boolean): string {
  return sessionCookieName('cp_learner', secure);
}

const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A token as the service makes them: 32 random bytes, base64url (43 characters). */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Opening, finding and ending learner sessions, and their cookie. */
export class LearnerSessionService {
  readonly #rows: SessionRows;
  readonly #ttlMs: number;

  constructor(rows: SessionRows, ttlMs: number = DEFAULT_LEARNER_SESSION_DAYS * DAY_MS) {
    this.#rows = rows;
    this.#ttlMs = ttlMs;
  }

  /** The request's session token, if its cookie carries one that can be a token. */
  tokenOf(request: FastifyRequest): string | undefined {
    const token = readCookie(request, learnerCookieName(isHttps(request)));
    return token !== undefined && TOKEN.test(token) ? token : undefined;
  }

  /** What the LRS's authenticator asks of sessions. */
  get cookieSessions(): CookieSessions {
    return {
      tokenOf: (request) => this.tokenOf(request),
      credentialOf: async (token) =>
        (await this.#rows.find(tokenHash(token)))?.credentialKey ?? null,
    };
  }

  /**
   * Opens a session of a learner acting as one of their credentials, and sets its cookie on the
   * reply (Secure when the request came over HTTPS). Returns when it ends.
   */
  async open(
    request: FastifyRequest,
    reply: FastifyReply,
    learnerId: string,
    credentialKey: string,
  ): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.#ttlMs).toISOString();
    await this.#rows.open({ tokenHash: tokenHash(token), learnerId, credentialKey, expiresAt });
    const secure = isHttps(request);
    reply.header(
      'Set-Cookie',
      sessionCookie(learnerCookieName(secure), token, Math.floor(this.#ttlMs / 1000), secure),
    );
    return expiresAt;
  }

  /** The live session of the request's cookie, or null. */
  async find(request: FastifyRequest) {
    const token = this.tokenOf(request);
    return token === undefined ? null : this.#rows.find(tokenHash(token));
  }

  /** Ends the request's session (the credential it acted as, or null) and removes the cookie. */
  async close(request: FastifyRequest, reply: FastifyReply): Promise<string | null> {
    const token = this.tokenOf(request);
    const key = token === undefined ? null : await this.#rows.close(tokenHash(token));
    const secure = isHttps(request);
    reply.header('Set-Cookie', sessionCookie(learnerCookieName(secure), '', 0, secure));
    return key;
  }
}

/**
 * Whether the answer may carry a credential's secret: not to a browser. A browser marks every
 * request with Fetch Metadata (Sec-Fetch-Site), which no script can set or remove; the site's
 * learners get the cookie only, and API clients (which send no such header) get key and secret.
 */
export function mayShowSecret(request: FastifyRequest): boolean {
  return request.headers['sec-fetch-site'] === undefined;
}
