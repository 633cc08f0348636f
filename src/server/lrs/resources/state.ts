import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, forbidden, notFound } from '../../http/errors.ts';
import { requireState, type Principal } from '../auth/authenticate.ts';
import type { DocumentWrite, StateKey, Store, StoredDocument } from '../store/types.ts';
import {
  checkPreconditions as checkDocumentPreconditions,
  mergeDocument,
  sendDocument,
  sendJson,
} from './documents.ts';
import { parseJsonBytes } from '../xapi/json-text.ts';
import {
  agentParam,
  documentIdParam,
  iriParam,
  mediaType,
  rawBody,
  readParams,
  required,
  timestampParam,
  uuidParam,
  type Params,
} from './request-helpers.ts';
import type { PrincipalOf } from './statements.ts';

const PARAMS = ['activityId', 'agent', 'registration', 'stateId', 'since'] as const;

function stateKey(params: Params, principal: Principal): StateKey {
  const activityId = iriParam(required(params, 'activityId'), 'activityId');
  const { ifi } = agentParam(required(params, 'agent'), 'agent', false);
  if (principal.agentIfi !== null && ifi !== principal.agentIfi) {
    throw forbidden('this learner credential may only use its own state');
  }
  const registration =
    params.registration === undefined ? null : uuidParam(params.registration, 'registration');
  return { activityId, agentIfi: ifi, registration };
}

function isJsonType(type: string): boolean {
  return type === 'application/json';
}

// State permits writes without concurrency headers (xAPI 3.1.s3), so a blind PUT is no 409.
function checkPreconditions(request: FastifyRequest, current: StoredDocument | null): void {
  checkDocumentPreconditions(request, current, false);
}

function incoming(request: FastifyRequest): DocumentWrite {
  const type = mediaType(request) || 'application/octet-stream';
  const content = rawBody(request);
  if (isJsonType(type)) parseJsonBytes(content, 'the document');
  return { contentType: type, content };
}

/** Registers the State resource: GET, PUT, POST (JSON merge) and DELETE /activities/state. */
export function registerState(app: FastifyInstance, store: Store, principalOf: PrincipalOf): void {
  app.get('/activities/state', async (request, reply) => {
    const principal = principalOf(request);
    requireState(principal, false);
    const params = readParams(request, PARAMS);
    const key = stateKey(params, principal);
    const stateId =
      params.stateId === undefined ? undefined : documentIdParam(params.stateId, 'stateId');
    if (stateId !== undefined) {
      if (params.since !== undefined) throw badRequest('"since" applies only without stateId');
      const doc = await store.getState(key, stateId);
      if (doc === null) throw notFound(`no state document "${stateId}"`);
      return sendDocument(reply, doc);
    }
    const since = params.since === undefined ? null : timestampParam(params.since, 'since');
    const list = await store.listStateIdsUpdated(key, since);
    return sendJson(reply, list.ids, list.updated);
  });

  const write = (merge: boolean) => async (request: FastifyRequest) => {
    const principal = principalOf(request);
    requireState(principal, true);
    const params = readParams(request, PARAMS);
    if (params.since !== undefined) throw badRequest('"since" applies only to GET');
    const key = stateKey(params, principal);
    const stateId = documentIdParam(required(params, 'stateId'), 'stateId');
    const next = incoming(request);
    await store.writeState(key, stateId, (current) => {
      checkPreconditions(request, current);
      return merge ? mergeDocument(current, next) : next;
    });
  };

  app.put('/activities/state', async (request, reply) => {
    await write(false)(request);
    return reply.code(204).send();
  });
  app.post('/activities/state', async (request, reply) => {
    await write(true)(request);
    return reply.code(204).send();
  });

  app.delete('/activities/state', async (request, reply) => {
    const principal = principalOf(request);
    requireState(principal, true);
    const params = readParams(request, PARAMS);
    if (params.since !== undefined) throw badRequest('"since" applies only to GET');
    const key = stateKey(params, principal);
    const stateId =
      params.stateId === undefined ? null : documentIdParam(params.stateId, 'stateId');
    if (request.headers['if-match'] !== undefined && stateId !== null) {
      checkPreconditions(request, await store.getState(key, stateId));
    }
    await store.deleteState(key, stateId);
    return reply.code(204).send();
  });
}
