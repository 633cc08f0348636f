import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../../lrs/auth/authenticate.ts';
import type { SqlDatabase } from '../../db/sql-database.ts';
import { findSession, type StaffRole, type StaffSession } from './accounts.ts';

/** The session cookie's name; the __Host- prefix (HTTPS only) pins it to this origin and path. */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-cp_staff' : 'cp_staff';
}

/** The header that carries the CSRF token on every change (synchronizer token pattern). */
export const CSRF_HEADER = 'x-csrf-token';

/** An API error: a status and a message that reveals nothing beyond what the caller sent. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Whether the request reached us over HTTPS (directly; no proxy is trusted). */
export function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

/** The value of one cookie of the request. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The staff session of a request with one of the roles, or an ApiError: 403 for a learner's (or
 * any) Basic credential, 401 without a live session, 403 for the wrong role, and 403 for a change
 * whose CSRF header does not match the session's token.
 */
export async function requireStaff(
  request: FastifyRequest,
  db: SqlDatabase,
  auth: Authenticator,
  roles: readonly StaffRole[],
): Promise<StaffSession> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined && authorization !== '') {
    // Check it so an invalid one is a 401 as everywhere else, but no credential opens staff data.
    try {
      await auth.authenticate(authorization, request.ip);
    } catch {
      throw new ApiError(401, 'sign in as staff');
    }
    throw new ApiError(403, 'an LRS credential cannot use the staff API; sign in as staff');
  }
  const token = readCookie(request, sessionCookieName(isHttps(request)));
  const session = token === undefined ? null : await findSession(db, token);
  if (session === null) throw new ApiError(401, 'sign in as staff (no session, or it expired)');
  if (!roles.includes(session.user.role)) {
    throw new ApiError(403, 'your role does not give access to this');
  }
  if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
    const sent = request.headers[CSRF_HEADER];
    if (sent !== session.csrfToken) throw new ApiError(403, 'missing or wrong CSRF token');
  }
  return session;
}

/** Sends an ApiError as JSON; other errors go to the server's handler. */
export function sendApiError(error: unknown, reply: FastifyReply): FastifyReply | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return reply.code(error.status).send({
    error:
      error.status === 401
        ? 'Unauthorized'
        : error.status === 403
          ? 'Forbidden'
          : error.status === 404
            ? 'Not Found'
            : error.status === 429
              ? 'Too Many Requests'
              : 'Bad Request',
    message: error.message,
  });
}
