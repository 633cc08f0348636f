import type { FastifyInstance } from 'fastify';
import { sessionCookie } from '../../http/cookies.ts';
import { badRequest, unauthorized } from '../../http/errors.ts';
import { isPlainText } from '../../http/params.ts';
import { failureLimit, type Limit } from '../../http/rate-limits.ts';
import type { Staff } from '../store/staff.ts';
import {
  changeOwnPassword,
  checkPassword,
  closeSession,
  openSession,
  ownPasswordProblem,
  SESSION_TTL_MS,
  STAFF_ROLES,
} from './accounts.ts';
import { isHttps, readCookie, sessionCookieName, type RequireStaff } from './guard.ts';

/** Options of the staff sign-in routes. */
export interface StaffRouteOptions {
  staff: Staff;
  requireStaff: RequireStaff;
  /** Failed sign-ins allowed per client address, and per account name, in a window. */
  limits: { perAddress: Limit; perName: Limit };
}

const cookie = sessionCookie;

const nameOf = (body: unknown): string => {
  const name = (body as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name.trim() : '';
};

/**
 * POST /api/staff/login { name, password } opens a session (HttpOnly, SameSite=Strict cookie,
 * Secure over HTTPS) and answers the CSRF token; GET /api/staff/session answers who is signed in
 * and the token again; POST /api/staff/logout ends the session. Sign-in attempts are limited per
 * client address and per account name, counted before the password is checked: past either limit
 * every attempt is answered 429 with Retry-After, right passwords included, until the window ends.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
export async function staffRoutes(app: FastifyInstance, options: StaffRouteOptions): Promise<void> {
  const { staff, requireStaff } = options;
  const message = 'too many sign-in attempts; wait before trying again';
  const perAddress = failureLimit(app, options.limits.perAddress, {
    key: (request) => `staff-address:${request.ip}`,
    message,
  });
  const perName = failureLimit(app, options.limits.perName, {
    key: (request) => `staff-name:${nameOf(request.body).toLowerCase()}`,
    message,
  });

  app.post('/api/staff/login', async (request, reply) => {
    const body = request.body as { name?: unknown; password?: unknown } | null;
    const name = nameOf(body);
    const password = typeof body?.password === 'string' ? body.password : '';
    if (
      name === '' ||
      password === '' ||
      name.length > 80 ||
      password.length > 200 ||
      !isPlainText(name)
    ) {
      throw badRequest('name and password are required');
    }
    // Every attempt counts before its password is checked: parallel guesses get no more tries
    // than one client would.
    await perAddress.spend(request);
    await perName.spend(request);
    const user = await checkPassword(staff, name, password);
    if (user === null) throw unauthorized('wrong name or password');
    const session = await openSession(staff, user);
    const secure = isHttps(request);
    return reply
      .header(
        'Set-Cookie',
        cookie(sessionCookieName(secure), session.token, SESSION_TTL_MS / 1000, secure),
      )
      .send({
        name: user.name,
        role: user.role,
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt,
        mustChangePassword: user.mustChangePassword,
      });
  });

  app.get('/api/staff/session', async (request) => {
    const session = await requireStaff(request, STAFF_ROLES, { ownPassword: true });
    return {
      name: session.user.name,
      role: session.user.role,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
      mustChangePassword: session.mustChangePassword,
    };
  });

  // Any member of staff may choose a new password; one whose password was made by someone else
  // (an administrator's one-time password) must, before anything else opens. The current
  // password is asked again, and wrong guesses count against the same limits as sign-in.
  app.post('/api/staff/password', async (request) => {
    const session = await requireStaff(request, STAFF_ROLES, { ownPassword: true });
    const body = request.body as { current?: unknown; password?: unknown } | null;
    if (
      typeof body?.current !== 'string' ||
      typeof body.password !== 'string' ||
      Object.keys(body).some((k) => k !== 'current' && k !== 'password')
    ) {
      throw badRequest('body: { "current": "...", "password": "..." }');
    }
    const problem = ownPasswordProblem(body.password, session.user.name);
    if (problem !== null) throw badRequest(problem, 'weak_password');
    if (body.password === body.current) {
      throw badRequest('password: choose one other than the current password', 'same_password');
    }
    await perAddress.spend(request);
    const token = readCookie(request, sessionCookieName(isHttps(request))) ?? '';
    const result = await changeOwnPassword(staff, session, token, body.current, body.password);
    if (result === 'wrong') throw unauthorized('the current password is wrong', 'wrong_password');
    if (result === 'missing') throw unauthorized('sign in as staff (no session, or it expired)');
    return { name: session.user.name, role: session.user.role, mustChangePassword: false };
  });

  app.post('/api/staff/logout', async (request, reply) => {
    await requireStaff(request, STAFF_ROLES, { ownPassword: true });
    const secure = isHttps(request);
    const token = readCookie(request, sessionCookieName(secure));
    if (token !== undefined) await closeSession(staff, token);
    return reply
      .header('Set-Cookie', cookie(sessionCookieName(secure), '', 0, secure))
      .code(204)
      .send();
  });
}
