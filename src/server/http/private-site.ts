// The staff-only part of the built site (dist-private/: the trainer pages and the trainer search
// indexes, moved out of dist/ by integrations/private-pages.ts), served to a signed-in trainer or
// DPO only. Everything else under dist/ is public.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, unauthorized } from './errors.ts';

/** Options of the private site. */
export interface PrivateSiteOptions {
  /** The folder of the staff-only build (dist-private/). */
  root: string;
  /**
   * Resolves when the request comes from staff allowed to read these pages, throws an HttpError
   * (401 without a session, 403 otherwise) when not; without one, every request is refused.
   */
  guard?: ((request: FastifyRequest) => Promise<unknown>) | undefined;
}

/** The two-level folders of the private build (en/trainer, fr/trainer...), as URL prefixes. */
export function privatePrefixes(root: string): string[] {
  if (!existsSync(root) || !statSync(root).isDirectory()) return [];
  const prefixes: string[] = [];
  for (const first of readdirSync(root)) {
    const firstPath = path.join(root, first);
    if (!statSync(firstPath).isDirectory()) continue;
    for (const second of readdirSync(firstPath)) {
      if (statSync(path.join(firstPath, second)).isDirectory()) {
        prefixes.push(`/${first}/${second}`);
      }
    }
  }
  return prefixes.sort();
}

/** Whether a request is a browser navigation (it would rather see the sign-in page than a 401). */
function isNavigation(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return (
    request.headers['sec-fetch-mode'] === 'navigate' ||
    (accept.includes('text/html') && !accept.startsWith('application/json'))
  );
}

/** The staff sign-in page of the prefix's language, with the page asked for as `next`. */
function loginUrl(prefix: string, request: FastifyRequest): string {
  const lang = prefix.split('/')[1] ?? 'en';
  const asked = request.url.split('?')[0] ?? prefix;
  return `/${lang}/staff/login/?next=${encodeURIComponent(asked)}`;
}

/**
 * Serves each private folder at its prefix, behind the staff guard: an anonymous navigation is
 * sent (303) to the staff sign-in page with `?next=`, any other anonymous request gets 401, a
 * learner's credential or another role 403; a trainer or DPO session gets the page or its Brotli
 * copy (the build writes no gzip copy of staff files), never stored by a shared cache. The page's own CSP <meta> and the service's security
 * headers stay as on every page. The guard runs before the file is looked up, so an anonymous
 * request learns nothing, not even whether a page exists.
 */
export async function privateSite(
  app: FastifyInstance,
  options: PrivateSiteOptions,
): Promise<void> {
  const root = path.resolve(options.root);
  const { guard } = options;
  for (const prefix of privatePrefixes(root)) {
    await app.register(async (scope) => {
      scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
        try {
          if (guard === undefined) throw unauthorized('sign in as staff');
          await guard(request);
        } catch (error) {
          // Signed out, or signed in with a password that must be changed first: the sign-in
          // page asks for what is missing, then comes back.
          const signIn =
            error instanceof HttpError &&
            (error.status === 401 || error.code === 'password_change_required');
          if (signIn && isNavigation(request)) {
            return reply
              .code(303)
              .header('Cache-Control', 'no-store')
              .redirect(loginUrl(prefix, request), 303);
          }
          throw error;
        }
        return undefined;
      });
      // /en/trainer (no slash) comes here, not to the public site.
      scope.get(prefix, async (_request, reply) => reply.redirect(`${prefix}/`, 301));
      await scope.register(fastifyStatic, {
        root: path.join(root, prefix),
        prefix: `${prefix}/`,
        decorateReply: false,
        wildcard: true,
        redirect: true,
        preCompressed: true,
        cacheControl: false,
        setHeaders: (reply) => {
          // Staff pages: never kept by a proxy or left in a shared computer's cache.
          void reply.header('Cache-Control', 'private, no-store').header('Vary', 'Cookie');
        },
      });
    });
  }
}
