import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  badRequest,
  conflict,
  forbidden,
  notFound,
  preconditionFailed,
} from '../../http/errors.ts';
import type { Principal } from '../auth/authenticate.ts';
import type { DocumentWrite, ProfileKey, Store, StoredDocument } from '../store/types.ts';
import { parseJsonBytes } from '../xapi/json-text.ts';
import { isObject } from '../xapi/validate.ts';
import {
  documentIdParam,
  rawBody,
  readParams,
  required,
  timestampParam,
  type Params,
} from './request-helpers.ts';
import type { PrincipalOf } from './statements.ts';

/** Throws 403 unless the principal may use the profile resources (reads also with all/read). */
export function requireProfile(p: Principal, write: boolean): void {
  const s = p.scopes;
  if (s.has('all') || s.has('profile')) return;
  if (!write && s.has('all/read')) return;
  throw forbidden(`this credential lacks the profile scope${write ? '' : ' (or all/read)'}`);
}

/** The media type of a Content-Type value, without parameters and lower-cased. */
export function baseType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

// RFC 7232 entity tags, compared weakly: a W/ prefix does not change which document is meant.
function tags(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .filter((t) => t !== '');
}

/**
 * Applies If-Match and If-None-Match to the current document: 412 when one fails. With
 * `headerRequired` (PUT on a profile resource), a request with neither header is a 409 whether
 * or not the document exists (Communication 2.5, 2.6 and 3.1: the client must say whether it
 * means to create or to replace), so a client cannot replace a document it has not seen.
 */
export function checkPreconditions(
  request: FastifyRequest,
  current: StoredDocument | null,
  headerRequired: boolean,
): void {
  const ifMatch = request.headers['if-match'];
  const ifNoneMatch = request.headers['if-none-match'];
  const currentTag = current === null ? null : `"${current.etag}"`;
  if (ifMatch !== undefined) {
    const list = tags(ifMatch);
    if (currentTag === null || !(list.includes('*') || list.includes(currentTag))) {
      throw preconditionFailed(
        current === null
          ? 'If-Match was sent but the document does not exist'
          : 'If-Match does not match the current ETag of the document; fetch it again',
      );
    }
  }
  if (ifNoneMatch !== undefined && currentTag !== null) {
    const list = tags(ifNoneMatch);
    if (list.includes('*') || list.includes(currentTag)) {
      throw preconditionFailed('If-None-Match failed: the document exists');
    }
  }
  if (headerRequired && ifMatch === undefined && ifNoneMatch === undefined) {
    throw conflict(
      current === null
        ? 'a PUT of a profile document needs If-None-Match: * to create it (or If-Match with ' +
            'the ETag of the document it replaces)'
        : 'the document already exists: GET it to check its current state, then send ' +
            'If-Match with its ETag to replace it (or If-None-Match: * to create only)',
    );
  }
}

/**
 * Reads a document from a PUT or POST. A Content-Type is required (documents keep it as sent,
 * parameters included); a body declared as JSON must parse.
 */
export function incomingDocument(request: FastifyRequest): DocumentWrite {
  const header = request.headers['content-type']?.trim() ?? '';
  const type = baseType(header);
  if (type === '') {
    throw badRequest(
      'a Content-Type header is required for a document (application/octet-stream for binary data)',
    );
  }
  if (!/^[\w!#$&^.+-]+\/[\w!#$&^.+-]+$/.test(type)) {
    throw badRequest(`the Content-Type "${header}" is not a media type`);
  }
  const content = rawBody(request);
  if (type === 'application/json') parseJsonBytes(content, 'the document');
  return { contentType: header, content };
}

/**
 * The result of POSTing `next` onto `current`: the top-level properties of the posted JSON
 * object replace those of the stored one. 400 unless both are JSON objects.
 */
export function mergeDocument(current: StoredDocument | null, next: DocumentWrite): DocumentWrite {
  if (current === null) return next;
  if (baseType(current.contentType) !== 'application/json') {
    throw badRequest(
      'POST merges JSON documents only: the stored document is not application/json; use PUT',
    );
  }
  if (baseType(next.contentType) !== 'application/json') {
    throw badRequest('POST merges JSON documents only: send application/json, or use PUT');
  }
  const before = parseJsonBytes(current.content, 'the stored document (replace it with PUT)');
  const after = parseJsonBytes(next.content, 'the document');
  if (!isObject(before) || !isObject(after)) {
    throw badRequest('POST merges JSON objects only; use PUT to replace the document');
  }
  return {
    contentType: 'application/json',
    content: Buffer.from(JSON.stringify({ ...before, ...after })),
  };
}

/** Sends one stored document with its Content-Type, ETag and Last-Modified. */
export function sendDocument(reply: FastifyReply, doc: StoredDocument): FastifyReply {
  return reply
    .header('Content-Type', doc.contentType)
    .header('ETag', `"${doc.etag}"`)
    .header('Last-Modified', new Date(doc.updated).toUTCString())
    .send(Buffer.from(doc.content));
}

/**
 * Sends a JSON body with an ETag (SHA-1 of the bytes sent, as for documents) and, when known,
 * Last-Modified: the time of the most recently modified document it describes.
 */
export function sendJson(reply: FastifyReply, body: unknown, updated: string | null): FastifyReply {
  const bytes = Buffer.from(JSON.stringify(body));
  reply
    .header('Content-Type', 'application/json; charset=utf-8')
    .header('ETag', `"${createHash('sha1').update(bytes).digest('hex')}"`);
  if (updated !== null) reply.header('Last-Modified', new Date(updated).toUTCString());
  return reply.send(bytes);
}

/** Describes one profile resource: its path, store kind and how a request names its subject. */
export interface ProfileResource {
  path: string;
  kind: ProfileKey['kind'];
  /** The query parameter naming the subject. */
  subjectParam: string;
  /** Validates the subject parameter, checks the principal may touch it, returns the key. */
  subject(params: Params, principal: Principal, write: boolean): string;
  /** Used in messages: "activity profile" or "agent profile". */
  label: string;
}

/** Registers GET, PUT, POST (JSON merge) and DELETE for one profile resource. */
export function registerProfileResource(
  app: FastifyInstance,
  store: Store,
  principalOf: PrincipalOf,
  resource: ProfileResource,
): void {
  const allowed = [resource.subjectParam, 'profileId', 'since'];
  const keyOf = (params: Params, principal: Principal, write: boolean): ProfileKey => ({
    kind: resource.kind,
    subject: resource.subject(params, principal, write),
  });

  app.get(resource.path, async (request, reply) => {
    const principal = principalOf(request);
    requireProfile(principal, false);
    const params = readParams(request, allowed);
    const key = keyOf(params, principal, false);
    const profileId =
      params.profileId === undefined ? undefined : documentIdParam(params.profileId, 'profileId');
    if (profileId !== undefined) {
      if (params.since !== undefined) throw badRequest('"since" applies only without profileId');
      const doc = await store.getProfile(key, profileId);
      if (doc === null) throw notFound(`no ${resource.label} document "${profileId}"`);
      return sendDocument(reply, doc);
    }
    const since = params.since === undefined ? null : timestampParam(params.since, 'since');
    const list = await store.listProfileIds(key, since);
    return sendJson(reply, list.ids, list.updated);
  });

  const write =
    (method: 'PUT' | 'POST' | 'DELETE') => async (request: FastifyRequest, reply: FastifyReply) => {
      const principal = principalOf(request);
      requireProfile(principal, true);
      const params = readParams(request, allowed);
      if (params.since !== undefined) throw badRequest('"since" applies only to GET');
      const key = keyOf(params, principal, true);
      const profileId = documentIdParam(required(params, 'profileId'), 'profileId');
      const next = method === 'DELETE' ? null : incomingDocument(request);
      await store.writeProfile(key, profileId, (current) => {
        checkPreconditions(request, current, method === 'PUT');
        if (next === null) return null;
        return method === 'POST' ? mergeDocument(current, next) : next;
      });
      return reply.code(204).send();
    };
  app.put(resource.path, write('PUT'));
  app.post(resource.path, write('POST'));
  app.delete(resource.path, write('DELETE'));
}
