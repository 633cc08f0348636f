import type { FastifyRequest } from 'fastify';
import { forbidden, HttpError, unauthorized } from '../../http/errors.ts';
import type { Authenticator } from '../../lrs/auth/authenticate.ts';
import type { StaffRole, StaffSession } from './accounts.ts';
import { isHttps, readCookie, sessionCookieName as cookieName } from '../../http/cookies.ts';

export { isHttps, readCookie };

/** The session cookie's name; the __Host- prefix (HTTPS only) pins it to this origin and path. */
export function sessionCookieName(secure: boolean): string {
  return cookieName('cp_staff', secure);
}

/** The code of the 403 a session gets until its holder has chosen their own password. */
export const PASSWORD_CHANGE_REQUIRED = 'password_change_required';

/** The header that carries the CSRF token on every change (synchronizer token pattern). */
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Finds the staff session of a request, or throws 401 or 403. A session whose password was made
 * by someone else gets 403 `password_change_required`, except where `ownPassword` says the route
 * is one it needs to choose its own (who am I, change the password, sign out).
 */
export type RequireStaff = (
  request: FastifyRequest,
  roles: readonly StaffRole[],
  options?: { ownPassword?: boolean },
) => Promise<StaffSession>;

/**
 * The guard of the staff API: the session of a request with one of the roles, or 403 for a
 * learner's (or any) Basic credential, 401 without a live session, 403 for the wrong role, and 403
 * for a change whose CSRF header does not match the session's token.
 */
export function staffGuard(
  findSession: (token: string) => Promise<StaffSession | null>,
  auth: Authenticator,
): RequireStaff {
  return async (request, roles, options = {}) => {
    if (request.headers.authorization !== undefined && request.headers.authorization !== '') {
      // Checked so an invalid one is a 401 as everywhere else, but no credential opens staff data.
      try {
        await auth.authenticate(request);
      } catch (error) {
        if (error instanceof HttpError && error.status === 429) throw error;
        throw unauthorized('sign in as staff');
      }
      throw forbidden('an LRS credential cannot use the staff API; sign in as staff');
    }
    const token = readCookie(request, sessionCookieName(isHttps(request)));
    const session = token === undefined ? null : await findSession(token);
    if (session === null) throw unauthorized('sign in as staff (no session, or it expired)');
    if (!roles.includes(session.user.role)) {
      throw forbidden('your role does not give access to this');
    }
    if (session.mustChangePassword && options.ownPassword !== true) {
      throw forbidden(
        'choose your own password first: the one you signed in with was made for you',
        PASSWORD_CHANGE_REQUIRED,
      );
    }
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (sent !== session.csrfToken) throw forbidden('missing or wrong CSRF token');
    }
    return session;
  };
}
