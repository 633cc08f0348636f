// The security headers of every answer, pages and API alike (through @fastify/helmet, which
// keeps up with what browsers honour). The pages' script and style hashes are in each page's own
// Content-Security-Policy <meta> element, written by the Astro build (astro.config's `security`);
// a browser enforces both policies, so the header adds what a <meta> policy cannot say.
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** The policy of API answers (JSON, documents, attachments): nothing in them may run or load. */
export const API_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

/** HSTS for answers that came over HTTPS (directly, or through a trusted proxy). */
export const HSTS = 'max-age=31536000';

/** Registers the headers; `apiPrefixes` are the paths whose answers get the API policy. */
export async function securityHeaders(
  app: FastifyInstance,
  apiPrefixes: readonly string[],
): Promise<void> {
  await app.register(helmet, {
    // The header policy of the site's files: no framing, no plugins, no foreign base or forms.
    // Where things may load from (default-src, and the script and style hashes) is each page's
    // <meta> policy, which the build writes with the hashes of that page's own scripts; a header
    // default-src without those hashes would block the pages' islands.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': helmet.contentSecurityPolicy.dangerouslyDisableDefaultSrc,
        'frame-ancestors': ["'none'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
      },
    },
    // Sent below, only over HTTPS: over plain HTTP on a classroom network it would mislead.
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    // The LRS answers other origins' trackers when LRS_CORS_ORIGINS allows them.
    crossOriginResourcePolicy: false,
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const path = request.url.split('?')[0] ?? '';
    if (apiPrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) {
      void reply.header('content-security-policy', API_POLICY);
    }
    if (request.protocol === 'https') void reply.header('strict-transport-security', HSTS);
    return payload;
  });
}
