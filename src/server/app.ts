// The composition root: opens what the service needs once (the store, the one authenticator, the
// rate-limit plugin) and registers each part with its dependencies: the LRS under /xapi, the
// platform under /api, the built site at "/".
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { LOG_LEVELS } from './config.ts';
import { errorHandler, sendHttpError } from './http/error-handler.ts';
import { securityHeaders } from './http/security-headers.ts';
import { tooManyRequests } from './http/errors.ts';
import { learnerQuota, type LearnerQuotaLimits } from './http/learner-quota.ts';
import { sqlCounters } from './lrs/store/counters.ts';
import {
  DEFAULT_LIMITS,
  failureLimit,
  sharedRateLimitStore,
  type RateLimits,
} from './http/rate-limits.ts';
import { Authenticator } from './lrs/auth/authenticate.ts';
import {
  DEFAULT_ATTACHMENT_BODY_LIMIT,
  DEFAULT_BODY_LIMIT,
  lrsPlugin,
  noXapiResource,
  XAPI_PREFIX,
  xapiErrorStyle,
} from './lrs/plugin.ts';
import { databaseOf, openStore, type StoreConfig } from './lrs/store/open-store.ts';
import type { Store } from './lrs/store/types.ts';
import { privateSite } from './http/private-site.ts';
import { platformPlugin } from './platform/plugin.ts';
import {
  DEFAULT_LEARNER_SESSION_DAYS,
  LearnerSessionService,
} from './platform/learner-session/sessions.ts';
import { findSession, type StaffRole } from './platform/staff/accounts.ts';
import { staffGuard, type RequireStaff } from './platform/staff/guard.ts';
import { openPlatformStore, type PlatformStore } from './platform/store/platform-store.ts';

export { DEFAULT_ATTACHMENT_BODY_LIMIT, DEFAULT_BODY_LIMIT, XAPI_PREFIX };

/** Staff roles that may read the trainer pages (kits, notes with answer keys, answer points). */
export const TRAINER_PAGE_ROLES: readonly StaffRole[] = ['trainer', 'dpo'];

/** Options of buildServer. */
export interface ServerOptions {
  /** An open store; when absent one is opened from `storeConfig` and closed with the server. */
  store?: Store;
  /** The platform's repository; when absent it is opened on the store's database. */
  platform?: PlatformStore;
  storeConfig?: StoreConfig;
  /** The built site (dist/) to serve at "/", if the folder exists. */
  staticDir?: string;
  /** The staff-only pages of the build, served to signed-in staff (default: `<staticDir>-private`). */
  privateSiteDir?: string;
  /** Origins allowed to call the LRS from a browser (CORS); "*" allows any. */
  corsOrigins?: string[];
  /** Request logging (Fastify's logger, JSON lines on stdout); none when absent. */
  logLevel?: (typeof LOG_LEVELS)[number];
  /** Proxies whose X-Forwarded-* headers are believed (Fastify's trustProxy); none by default. */
  trustProxy?: false | string[];
  /** Largest accepted request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Largest accepted multipart/mixed statements body, attachments included (default 16 MiB). */
  attachmentBodyLimit?: number;
  /** homePage of the account in the authority the LRS records on statements. */
  authorityHomePage?: string;
  /**
   * Storage quotas of learner credentials (statements per hour, attachment bytes per day); none
   * when absent. The service passes the settings' values (config.ts).
   */
  learnerQuota?: LearnerQuotaLimits;
  /** The service's rate limits (see http/rate-limits.ts for the defaults). */
  rateLimits?: RateLimits;
  /**
   * The course site's public origin. When given, the platform is served under /api: learners
   * enrol and sign in on another device with a code, take graded assessments, and staff see the
   * reports. The origin is the homePage of learner accounts and must match the site the tracker
   * runs on.
   */
  siteUrl?: string;
  /** Where content/ and assessments/ are read from (default: the repository). */
  contentRoot?: string;
  /** How long a learner's browser session lasts, in milliseconds (default: 180 days). */
  learnerSessionTtlMs?: number;
  /**
   * How long closing waits for requests still in flight before it cuts their connections
   * (default DEFAULT_SHUTDOWN_GRACE_MS).
   */
  shutdownGraceMs?: number;
}

/**
 * A request still arriving when the service closes (a body sent slowly, or never finished) held
 * the close, and with it the data folder's lock and a restart, until Node's 300-second request
 * timeout. After this grace the remaining connections are cut: their clients get no answer, so
 * nothing unanswered is taken for stored, and a write that had committed was stored.
 */
const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** Builds the HTTP service (not yet listening): the LRS under /xapi and, optionally, the site. */
export async function buildServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const attachmentBodyLimit = options.attachmentBodyLimit ?? DEFAULT_ATTACHMENT_BODY_LIMIT;
  const authorityHomePage = options.authorityHomePage ?? 'http://localhost/xapi';
  const limits: Required<RateLimits> = { ...DEFAULT_LIMITS, ...options.rateLimits };
  const app = Fastify({
    logger:
      options.logLevel === undefined
        ? false
        : {
            level: options.logLevel,
            // The default request serializer logs no headers; these stay out if that changes.
            redact: [
              'req.headers.authorization',
              'req.headers.cookie',
              'res.headers["set-cookie"]',
            ],
          },
    bodyLimit,
    // `more` links carry the query they continue, agent JSON included.
    routerOptions: { maxParamLength: 4096 },
    // Behind a proxy, the client's address and protocol come from X-Forwarded-For and
    // X-Forwarded-Proto only when the proxy is trusted (TRUST_PROXY).
    trustProxy: options.trustProxy ?? false,
  });
  app.addHook('preClose', (done) => {
    setTimeout(() => {
      app.server.closeAllConnections();
    }, options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS).unref();
    done();
  });
  await securityHeaders(app, [XAPI_PREFIX, '/api']);
  const ownsStore = options.store === undefined;
  const store = options.store ?? (await openStore(options.storeConfig ?? {}));
  if (ownsStore) app.addHook('onClose', async () => store.close());
  app.setErrorHandler(errorHandler({ negotiate: false, bodyLimitOf: () => bodyLimit }));

  // One rate-limit plugin for every limit of the service, applied only where a route or a
  // failure limit asks. On PostgreSQL its counters are in a table that every service process on
  // the database shares; the embedded store has one process, which counts in memory.
  const database = databaseOf(store);
  await app.register(rateLimit, {
    global: false,
    ...(database.kind === 'postgres' ? { store: sharedRateLimitStore(sqlCounters(database)) } : {}),
    // Only Retry-After: the x-ratelimit-* headers would tell a guesser how many tries are left.
    addHeaders: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
      'retry-after': true,
    },
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
    errorResponseBuilder: (_request, context) =>
      tooManyRequests('too many requests; wait before trying again', context.ttl / 1000),
  });
  // With the platform, learners' browsers are signed in by a session cookie whose row is in the
  // platform's tables; the LRS's authenticator reads it through the CookieSessions interface.
  const platform =
    options.siteUrl === undefined
      ? undefined
      : (options.platform ?? (await openPlatformStore(database)));
  const sessions =
    platform === undefined
      ? undefined
      : new LearnerSessionService(
          platform.learnerSessions,
          options.learnerSessionTtlMs ?? DEFAULT_LEARNER_SESSION_DAYS * 24 * 60 * 60 * 1000,
        );
  const auth = new Authenticator(
    store,
    authorityHomePage,
    failureLimit(app, limits.failedAuth, {
      key: (request) => `lrs-auth:${request.ip}`,
      message: 'too many failed authentications from this address; wait before trying again',
    }),
    sessions?.cookieSessions,
  );

  // Cross-origin calls reach the LRS only (a tracker on a site served elsewhere), never /api.
  const origins = options.corsOrigins ?? [];
  await app.register(
    async (xapi) => {
      await xapi.register(cors, {
        origin: origins.includes('*') ? true : origins.length === 0 ? false : origins,
        methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'OPTIONS'],
        allowedHeaders: [
          'Authorization',
          'Content-Type',
          'X-Experience-API-Version',
          'If-Match',
          'If-None-Match',
          'Accept-Language',
        ],
        exposedHeaders: [
          'X-Experience-API-Version',
          'X-Experience-API-Consistent-Through',
          'ETag',
          'Last-Modified',
          'Content-Type',
          'Retry-After',
        ],
        maxAge: 600,
      });
      await xapi.register(lrsPlugin, {
        store,
        auth,
        bodyLimit,
        attachmentBodyLimit,
        ...(options.learnerQuota === undefined
          ? {}
          : { learnerQuota: learnerQuota(sqlCounters(database), options.learnerQuota) }),
      });
    },
    { prefix: XAPI_PREFIX },
  );

  let requireStaff: RequireStaff | undefined;
  if (options.siteUrl !== undefined && platform !== undefined && sessions !== undefined) {
    requireStaff = staffGuard((token) => findSession(platform.staff, token), auth);
    await app.register(platformPlugin, {
      store,
      platform,
      auth,
      sessions,
      siteUrl: options.siteUrl,
      ...(options.contentRoot === undefined ? {} : { root: options.contentRoot }),
      authorityHomePage,
      limits,
    });
  }

  const siteDir = options.staticDir;
  if (siteDir !== undefined && existsSync(siteDir) && statSync(siteDir).isDirectory()) {
    const root = path.resolve(siteDir);
    // The trainer pages, moved out of the public build (integrations/private-pages.ts): more
    // specific routes than the site's catch-all, so they always go through the staff guard.
    await privateSite(app, {
      root: options.privateSiteDir ?? `${root}-private`,
      guard: requireStaff && ((request) => requireStaff(request, TRAINER_PAGE_ROLES)),
    });
    // The build writes .br and .gz copies beside each file; clients that accept them get those.
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: true,
      redirect: true,
      preCompressed: true,
    });
    const notFoundPage = path.join(root, '404.html');
    const xapiStyle = xapiErrorStyle(bodyLimit, attachmentBodyLimit);
    app.setNotFoundHandler(async (request, reply) => {
      // The site's catch-all route also sees unknown /xapi paths; those get an xAPI error.
      if (request.url.startsWith(`${XAPI_PREFIX}/`)) {
        return sendHttpError(request, reply, noXapiResource(request), xapiStyle);
      }
      // An unknown path under a language's prefix gets the page in that language.
      const lang = /^\/(en|fr)\//.exec(request.url)?.[1];
      const localPage = lang === undefined ? undefined : path.join(root, lang, '404', 'index.html');
      const page = localPage !== undefined && existsSync(localPage) ? localPage : notFoundPage;
      if (existsSync(page)) {
        return reply
          .code(404)
          .type('text/html; charset=utf-8')
          .send(await readFile(page));
      }
      return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    });
  }
  return app;
}
