// The service's session cookies (staff and learners): how one is read from a request and how one
// is set. Every session cookie is HttpOnly (no script on a page reads it), SameSite=Strict (no
// other site's page sends it), on Path=/, and Secure whenever the request came over HTTPS:
// directly, or through a proxy the service trusts (TRUST_PROXY, Fastify's trustProxy).
import type { FastifyRequest } from 'fastify';

/** Whether the request reached the service over HTTPS (from a trusted proxy's X-Forwarded-Proto). */
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
 * A session cookie's name: over HTTPS with the __Host- prefix, which browsers accept only from a
 * secure origin, with Path=/ and no Domain, so no other host or path can set or shadow it.
 */
export function sessionCookieName(base: string, secure: boolean): string {
  return secure ? `__Host-${base}` : base;
}

/** A Set-Cookie value of a session cookie; Max-Age=0 (and an empty value) removes it. */
export function sessionCookie(
  name: string,
  value: string,
  maxAgeSeconds: number,
  secure: boolean,
): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}
