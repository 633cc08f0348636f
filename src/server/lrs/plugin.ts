import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorHandler, sendHttpError, type ErrorStyle } from '../http/error-handler.ts';
import { badRequest, notFound, unauthorized } from '../http/errors.ts';
import type { LearnerQuota } from '../http/learner-quota.ts';
import type { Authenticator, Principal } from './auth/authenticate.ts';
import { registerAbout, SUPPORTED_VERSIONS } from './resources/about.ts';
import { registerActivities } from './resources/activities.ts';
import { registerActivityProfile } from './resources/activity-profile.ts';
import { registerAgentProfile } from './resources/agent-profile.ts';
import { registerAgents } from './resources/agents.ts';
import { alternateRequest } from './resources/request-helpers.ts';
import { registerState } from './resources/state.ts';
import { registerStatements } from './resources/statements.ts';
import type { Store } from './store/types.ts';

/** Where the LRS is mounted. */
export const XAPI_PREFIX = '/xapi';

/** Default body limit: 1 MiB, far above a batch of 100 typical statements (~100 KB). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Default limit of a multipart/mixed statements request: 16 MiB of statements and attachments. */
export const DEFAULT_ATTACHMENT_BODY_LIMIT = 16 * 1024 * 1024;

const VERSION_HEADER = 'X-Experience-API-Version';

/**
 * The request headers the LRS reads, each with the longest value it accepts (characters). A
 * longer value, one given twice, or one with a control character is a 400 naming the header,
 * before anything else reads it.
 */
export const HEADER_LIMITS: Readonly<Record<string, number>> = {
  authorization: 1024,
  'x-experience-api-version': 32,
  'content-type': 256,
  'if-match': 1024,
  'if-none-match': 1024,
  accept: 1024,
  'accept-language': 256,
};

function checkHeaders(request: FastifyRequest): void {
  for (const [name, limit] of Object.entries(HEADER_LIMITS)) {
    const value = request.headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) throw badRequest(`the ${name} header is given more than once`);
    if (value.length > limit) {
      throw badRequest(
        `the ${name} header is ${value.length} characters long; the limit is ${limit}`,
      );
    }
    // Any control character but the tab HTTP allows between words.
    if (/(?!\t)[\p{Cc}\p{Cs}]/u.test(value)) {
      throw badRequest(`the ${name} header contains a control character or broken Unicode`);
    }
  }
}

// The statement GET routes, whose every answer carries X-Experience-API-Consistent-Through.
const STATEMENT_READS = new Set([
  `${XAPI_PREFIX}/statements`,
  `${XAPI_PREFIX}/statements/more/:token`,
]);

// The document resources whose PUT and POST spend from a learner's daily document allowance.
const DOCUMENT_WRITES = new Set([
  `${XAPI_PREFIX}/activities/state`,
  `${XAPI_PREFIX}/activities/profile`,
  `${XAPI_PREFIX}/agents/profile`,
]);

// Set by the outer response itself, never copied from a dispatched one.
const HOP_BY_HOP = new Set(['connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/** Options of the LRS plugin. */
export interface LrsPluginOptions {
  store: Store;
  /** The service's one authenticator. */
  auth: Authenticator;
  /** Largest accepted request body in bytes. */
  bodyLimit: number;
  /** Largest accepted multipart/mixed statements body, attachments included. */
  attachmentBodyLimit: number;
  /** Storage quotas of learner credentials (none when absent). */
  learnerQuota?: LearnerQuota;
}

/** The xAPI error style: negotiated formats, and the Basic challenge on 401. */
export function xapiErrorStyle(bodyLimit: number, attachmentBodyLimit: number): ErrorStyle {
  return {
    negotiate: true,
    challenge: 'Basic realm="xAPI"',
    bodyLimitOf: (request) =>
      (request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/mixed')
        ? attachmentBodyLimit
        : bodyLimit,
  };
}

/** The 404 of a path under the LRS that names no resource. */
export function noXapiResource(request: FastifyRequest) {
  return notFound(`no xAPI resource at ${request.method} ${request.url.split('?')[0] ?? ''}`);
}

/**
 * The xAPI 1.0.3 LRS: register it with `{ prefix: XAPI_PREFIX }`. It checks the version header,
 * authenticates every resource but About, dispatches the alternate request syntax, and answers
 * errors in the format the client accepts. It depends on nothing of the platform.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
export async function lrsPlugin(xapi: FastifyInstance, options: LrsPluginOptions): Promise<void> {
  const { store, auth, bodyLimit, attachmentBodyLimit } = options;
  const style = xapiErrorStyle(bodyLimit, attachmentBodyLimit);
  xapi.setErrorHandler(errorHandler(style));

  const principals = new WeakMap<FastifyRequest, Principal>();
  const principalOf = (request: FastifyRequest): Principal => {
    const p = principals.get(request);
    if (p === undefined) throw unauthorized('authentication required');
    return p;
  };

  // The LRS reads bodies itself so that bad JSON gets an xAPI-specific message and non-JSON
  // state documents pass through untouched.
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
  // The alternate request syntax (xAPI 1.3) is dispatched as the request it stands for, so every
  // check below applies to the headers and parameters carried in its form.
  xapi.addHook('onRequest', async (request, reply) => {
    reply.header(VERSION_HEADER, SUPPORTED_VERSIONS[0]);
    checkHeaders(request);
    const alternate = await alternateRequest(request, bodyLimit);
    if (alternate === null) return;
    const response = await xapi.inject(alternate);
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
    principals.set(request, await auth.authenticate(request));
  });
  // Communication 2.1.3: GET statements answers carry Consistent-Through, errors included; the
  // route sets it before it queries, this fills it in for answers that never reached the route.
  xapi.addHook('onSend', async (request, reply, payload) => {
    const read = request.method === 'GET' || request.method === 'HEAD';
    if (!read || !STATEMENT_READS.has(request.routeOptions.url ?? '')) return payload;
    if (reply.hasHeader('X-Experience-API-Consistent-Through')) return payload;
    try {
      reply.header('X-Experience-API-Consistent-Through', await store.consistentThrough());
    } catch (error) {
      // The answer goes out without it rather than not at all.
      request.log.warn(error);
    }
    return payload;
  });
  // A learner's document write spends its size from their daily allowance before the route
  // runs, and gets it back if the write is refused.
  const { learnerQuota } = options;
  if (learnerQuota !== undefined) {
    const refunds = new WeakMap<FastifyRequest, () => Promise<void>>();
    xapi.addHook('preHandler', async (request) => {
      if (request.method !== 'PUT' && request.method !== 'POST') return;
      if (!DOCUMENT_WRITES.has(request.routeOptions.url ?? '')) return;
      const principal = principals.get(request);
      if (principal === undefined || principal.agentIfi === null) return;
      const body = request.body;
      const bytes = Buffer.isBuffer(body) ? body.length : 0;
      refunds.set(request, await learnerQuota.spendDocument(principal.agentIfi, bytes));
    });
    xapi.addHook('onResponse', async (request, reply) => {
      const refund = refunds.get(request);
      if (refund === undefined || reply.statusCode < 400) return;
      await refund().catch((error: unknown) => {
        request.log.warn(error);
      });
    });
  }
  registerAbout(xapi);
  registerStatements(xapi, store, principalOf, XAPI_PREFIX, options.learnerQuota);
  registerState(xapi, store, principalOf);
  registerActivityProfile(xapi, store, principalOf);
  registerAgentProfile(xapi, store, principalOf);
  registerActivities(xapi, store, principalOf);
  registerAgents(xapi, store, principalOf);
  xapi.setNotFoundHandler((request, reply) =>
    sendHttpError(request, reply, noXapiResource(request), style),
  );
}
