import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../../lrs/auth/authenticate.ts';
import { checkPassword, closeSession, openSession, SESSION_TTL_MS } from './accounts.ts';
import { ApiError, isHttps, readCookie, requireStaff, sessionCookieName } from './guard.ts';
import type { SqlDatabase } from '../../db/sql-database.ts';

/** Options of the staff sign-in routes. */
export interface StaffRouteOptions {
  db: SqlDatabase;
  auth: Authenticator;
  /** Failed sign-ins per address (and per name) before each further one waits. */
  freeFailures?: number;
}

const FORGET_MS = 15 * 60 * 1000;

function cookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

/**
 * POST /api/staff/login { name, password } opens a session (HttpOnly, SameSite=Strict cookie,
 * Secure over HTTPS) and answers the CSRF token; GET /api/staff/session answers who is signed in
 * and the token again; POST /api/staff/logout ends the session. Failed sign-ins from one address
 * or for one name are slowed down: after 5, each waits 250 ms doubling up to 10 s.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
export async function staffRoutes(app: FastifyInstance, options: StaffRouteOptions): Promise<void> {
  const { db, auth } = options;
  const free = options.freeFailures ?? 5;
  const failures = new Map<string, { count: number; last: number }>();
  const delayFor = (key: string): number => {
    const rec = failures.get(key);
    if (rec === undefined || Date.now() - rec.last > FORGET_MS) return 0;
    const over = rec.count - free;
    return over < 0 ? 0 : Math.min(10_000, 250 * 2 ** over);
  };
  const fail = (key: string): void => {
    const rec = failures.get(key);
    const fresh = rec === undefined || Date.now() - rec.last > FORGET_MS;
    failures.set(key, { count: fresh ? 1 : rec.count + 1, last: Date.now() });
    if (failures.size > 10_000) {
      for (const [k, r] of failures) if (Date.now() - r.last > FORGET_MS) failures.delete(k);
    }
  };

  app.post('/api/staff/login', async (request, reply) => {
    const body = request.body as { name?: unknown; password?: unknown } | null;
    const name = typeof body?.name === 'string' ? body.name.trim() : '';
    const password = typeof body?.password === 'string' ? body.password : '';
    if (name === '' || password === '' || name.length > 80 || password.length > 200) {
      throw new ApiError(400, 'name and password are required');
    }
    const keys = [`ip:${request.ip}`, `name:${name.toLowerCase()}`];
    const delay = Math.max(...keys.map(delayFor));
    if (delay > 0) await sleep(delay);
    const user = await checkPassword(db, name, password);
    if (user === null) {
      for (const key of keys) fail(key);
      throw new ApiError(401, 'wrong name or password');
    }
    for (const key of keys) failures.delete(key);
    const session = await openSession(db, user);
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
      });
  });

  app.get('/api/staff/session', async (request) => {
    const session = await requireStaff(request, db, auth, ['dpo', 'trainer']);
    return {
      name: session.user.name,
      role: session.user.role,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
    };
  });

  app.post('/api/staff/logout', async (request, reply) => {
    await requireStaff(request, db, auth, ['dpo', 'trainer']);
    const secure = isHttps(request);
    const token = readCookie(request, sessionCookieName(secure));
    if (token !== undefined) await closeSession(db, token);
    return reply
      .header('Set-Cookie', cookie(sessionCookieName(secure), '', 0, secure))
      .code(204)
      .send();
  });
}
