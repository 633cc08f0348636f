import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import cors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Authenticator, type Principal, type ThrottleOptions } from './lrs/auth/authenticate.ts';
import { LrsError, TooManyRequests, badRequest, errorFormat, errorHtml } from './http/errors.ts';
import { registerAbout, SUPPORTED_VERSIONS } from './lrs/resources/about.ts';
import { registerActivities } from './lrs/resources/activities.ts';
import { registerActivityProfile } from './lrs/resources/activity-profile.ts';
import { registerAgentProfile } from './lrs/resources/agent-profile.ts';
import { registerAgents } from './lrs/resources/agents.ts';
import { certificationRoutes } from './platform/certification/routes.ts';
import { enrolmentRoutes } from './platform/enrolment/routes.ts';
import { alternateRequest } from './lrs/resources/request-helpers.ts';
import { signInRoutes } from './platform/sign-in/routes.ts';
import { registerState } from './lrs/resources/state.ts';
import { registerStatements } from './lrs/resources/statements.ts';
import { openStore, type StoreConfig } from './lrs/store/open-store.ts';
import type { Store } from './lrs/store/types.ts';
import { migratePlatform } from './platform/store/schema.ts';

/** Options of buildServer. */
export interface ServerOptions {
  /** An open store; when absent one is opened from `storeConfig` and closed with the server. */
  store?: Store;
  storeConfig?: StoreConfig;
  /** The built site (dist/) to serve at "/", if the folder exists. */
  staticDir?: string;
  /** Origins allowed to call the LRS from a browser (CORS); "*" allows any. */
  corsOrigins?: string[];
  logger?: boolean;
  /** Largest accepted request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Largest accepted multipart/mixed statements body, attachments included (default 16 MiB). */
  attachmentBodyLimit?: number;
  /** homePage of the account in the authority the LRS records on statements. */
  authorityHomePage?: string;
  throttle?: ThrottleOptions;
  /**
   * The course site's public origin. When given, learners can enrol (POST /api/enrol) and sign
   * in on another device with a code (POST /api/sign-in): the
   * origin is the homePage of their accounts and must match the site the tracker runs on.
   */
  siteUrl?: string;
}

/** Where the LRS is mounted. */
export const XAPI_PREFIX = '/xapi';

/** Default body limit: 1 MiB, far above a batch of 100 typical statements (~100 KB). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Default limit of a multipart/mixed statements request: 16 MiB of statements and attachments. */
export const DEFAULT_ATTACHMENT_BODY_LIMIT = 16 * 1024 * 1024;

const VERSION_HEADER = 'X-Experience-API-Version';

// Set by the outer response itself, never copied from a dispatched one.
const HOP_BY_HOP = new Set(['connection', 'content-length', 'transfer-encoding', 'keep-alive']);

function errorBody(status: number, message: string) {
  const names: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    412: 'Precondition Failed',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
  };
  return { error: names[status] ?? 'Error', message };
}

/** Builds the HTTP service (not yet listening): the LRS under /xapi and, optionally, the site. */
export async function buildServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const attachmentBodyLimit = options.attachmentBodyLimit ?? DEFAULT_ATTACHMENT_BODY_LIMIT;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    // `more` links carry the query they continue, agent JSON included.
    routerOptions: { maxParamLength: 4096 },
    // Behind a proxy the client address comes from X-Forwarded-For only if configured to trust it.
    trustProxy: false,
  });
  const ownsStore = options.store === undefined;
  const store = options.store ?? (await openStore(options.storeConfig ?? {}));
  if (ownsStore) app.addHook('onClose', async () => store.close());
  const auth = new Authenticator(
    store,
    options.authorityHomePage ?? 'http://localhost/xapi',
    options.throttle,
  );

  const origins = options.corsOrigins ?? [];
  await app.register(cors, {
    origin: origins.includes('*') ? true : origins.length === 0 ? false : origins,
    methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'OPTIONS'],
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      VERSION_HEADER,
      'If-Match',
      'If-None-Match',
      'Accept-Language',
    ],
    exposedHeaders: [
      VERSION_HEADER,
      'X-Experience-API-Consistent-Through',
      'ETag',
      'Last-Modified',
      'Content-Type',
      'Retry-After',
    ],
    maxAge: 600,
  });

  // Errors in the format the client accepts (Communication 3.2: JSON, plain text or HTML).
  const sendError = (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    message: string,
  ) => {
    const body = errorBody(status, message);
    reply.code(status).header('Vary', 'Accept');
    const format = errorFormat(request.headers.accept);
    if (format === 'text') {
      return reply.type('text/plain; charset=utf-8').send(`${body.error}: ${body.message}\n`);
    }
    if (format === 'html') return reply.type('text/html; charset=utf-8').send(errorHtml(body));
    return reply.type('application/json; charset=utf-8').send(body);
  };

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof LrsError) {
      if (error.status === 401) reply.header('WWW-Authenticate', 'Basic realm="xAPI"');
      if (error instanceof TooManyRequests) {
        reply.header('Retry-After', String(error.retryAfterSeconds));
      }
      return sendError(request, reply, error.status, error.message);
    }
    const err = error as { statusCode?: number; code?: string; message?: string };
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const multipart = (request.headers['content-type'] ?? '')
        .toLowerCase()
        .startsWith('multipart/mixed');
      const limit = multipart ? attachmentBodyLimit : bodyLimit;
      return sendError(request, reply, 413, `the request body exceeds the limit of ${limit} bytes`);
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      const type = request.headers['content-type'] ?? '';
      return sendError(
        request,
        reply,
        400,
        `the Content-Type header "${type}" is missing or not usable here`,
      );
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return sendError(request, reply, err.statusCode, err.message ?? 'bad request');
    }
    request.log.error(error);
    return sendError(request, reply, 500, 'internal error');
  });

  const principals = new WeakMap<FastifyRequest, Principal>();
  const principalOf = (request: FastifyRequest): Principal => {
    const p = principals.get(request);
    if (p === undefined) throw new LrsError(401, 'authentication required');
    return p;
  };

  await app.register(
    // eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
    async (xapi) => {
      // The LRS reads bodies itself so that bad JSON gets an xAPI-specific message and
      // non-JSON state documents pass through untouched.
      xapi.removeAllContentTypeParsers();
      xapi.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
        done(null, body);
      });
      // Statements with attachment contents: a larger limit, and the bytes exactly as sent.
      xapi.addContentTypeParser(
        'multipart/mixed',
        { parseAs: 'buffer', bodyLimit: attachmentBodyLimit },
        (_request, body, done) => {
          done(null, body);
        },
      );
      // The alternate request syntax (xAPI 1.3) is dispatched as the request it stands for, so
      // every check below applies to the headers and parameters carried in its form.
      xapi.addHook('onRequest', async (request, reply) => {
        reply.header(VERSION_HEADER, SUPPORTED_VERSIONS[0]);
        const alternate = await alternateRequest(request, bodyLimit);
        if (alternate === null) return;
        const response = await app.inject(alternate);
        reply.code(response.statusCode);
        for (const [name, value] of Object.entries(response.headers)) {
          if (value === undefined || HOP_BY_HOP.has(name)) continue;
          reply.header(name, value);
        }
        return reply.send(response.rawPayload);
      });
      xapi.addHook('onRequest', async (request, reply) => {
        reply.header(VERSION_HEADER, SUPPORTED_VERSIONS[0]);
        if (request.method === 'OPTIONS') return;
        const route = request.routeOptions.url ?? '';
        if (route === `${XAPI_PREFIX}/about`) return;
        const version = request.headers['x-experience-api-version'];
        if (version === undefined) {
          throw badRequest(`the ${VERSION_HEADER} header is required (use 1.0.3)`);
        }
        if (Array.isArray(version) || !/^1\.0(\.\d+)?$/.test(version.trim())) {
          throw badRequest(`${VERSION_HEADER} "${String(version)}" is not supported (use 1.0.3)`);
        }
        if (route === '') return;
        const principal = await auth.authenticate(request.headers.authorization, request.ip);
        principals.set(request, principal);
      });
      registerAbout(xapi);
      registerStatements(xapi, store, principalOf, XAPI_PREFIX);
      registerState(xapi, store, principalOf);
      registerActivityProfile(xapi, store, principalOf);
      registerAgentProfile(xapi, store, principalOf);
      registerActivities(xapi, store, principalOf);
      registerAgents(xapi, store, principalOf);
      xapi.setNotFoundHandler((request, reply) =>
        sendError(
          request,
          reply,
          404,
          `no xAPI resource at ${request.method} ${request.url.split('?')[0]}`,
        ),
      );
    },
    { prefix: XAPI_PREFIX },
  );

  if (options.siteUrl !== undefined) {
    await migratePlatform(store.database);
    await app.register(enrolmentRoutes, { store, siteUrl: options.siteUrl });
    await app.register(signInRoutes, {
      store,
      siteUrl: options.siteUrl,
      authorityHomePage: options.authorityHomePage ?? 'http://localhost/xapi',
    });
    await app.register(certificationRoutes, {
      store,
      siteUrl: options.siteUrl,
      authorityHomePage: options.authorityHomePage ?? 'http://localhost/xapi',
    });
  }

  const siteDir = options.staticDir;
  if (siteDir !== undefined && existsSync(siteDir) && statSync(siteDir).isDirectory()) {
    const root = path.resolve(siteDir);
    // The build writes .br and .gz copies beside each file; clients that accept them get those.
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: true,
      redirect: true,
      preCompressed: true,
    });
    const notFoundPage = path.join(root, '404.html');
    app.setNotFoundHandler(async (request, reply) => {
      // The site's catch-all route also sees unknown /xapi paths; those get an xAPI error.
      if (request.url.startsWith(`${XAPI_PREFIX}/`)) {
        return sendError(
          request,
          reply,
          404,
          `no xAPI resource at ${request.method} ${request.url.split('?')[0]}`,
        );
      }
      if (existsSync(notFoundPage)) {
        return reply
          .code(404)
          .type('text/html; charset=utf-8')
          .send(await readFile(notFoundPage));
      }
      return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    });
  }
  return app;
}
