import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, forbidden, notFound } from '../../http/errors.ts';
import type { Principal } from '../auth/authenticate.ts';
import { requireStatementWrite, statementReadAccess } from '../auth/authenticate.ts';
import type { InsertedStatements, NewStatement, StatementQuery, Store } from '../store/types.ts';
import type { JsonObject } from '../xapi/types.ts';
import {
  acceptedLanguages,
  formatStatement,
  type StatementFormat,
} from '../xapi/statement-format.ts';
import { agentIfi, indexStatement, statementFingerprint } from '../xapi/statement-index.ts';
import { decodeUtf8, parseJson } from '../xapi/json-text.ts';
import { isObject, validateStatement, withContextActivityLists } from '../xapi/validate.ts';
import type { LearnerQuota } from '../../http/learner-quota.ts';
import { attachmentObjects, matchAttachments, readStatementsRequest } from './attachments.ts';
import { buildMultipart } from '../xapi/multipart.ts';
import {
  agentParam,
  booleanParam,
  checkParams,
  iriParam,
  rawBody,
  readParams,
  required,
  timestampParam,
  uuidParam,
  type Params,
} from './request-helpers.ts';

/** The most statements one query returns (also what limit=0 means). */
export const MAX_LIMIT = 500;

/** Statements one POST may carry. */
export const MAX_BATCH = 1000;

/** The query parameters GET /xapi/statements reads. */
export const QUERY_PARAMS = [
  'statementId',
  'voidedStatementId',
  'agent',
  'verb',
  'activity',
  'registration',
  'related_activities',
  'related_agents',
  'since',
  'until',
  'limit',
  'format',
  'attachments',
  'ascending',
] as const;

/** Returns the Principal the auth hook attached to a request. */
export type PrincipalOf = (request: FastifyRequest) => Principal;

/** A statement ready to store, and the statement as the client sent it (with its id). */
interface Prepared {
  prepared: NewStatement;
  submitted: JsonObject;
}

function prepare(
  raw: unknown,
  principal: Principal,
  stored: string,
  path: string,
  idFromQuery?: string,
): Prepared {
  // Data 2.4.6.2: a single context Activity is kept, and returned, as an array of one.
  const s = withContextActivityLists(validateStatement(raw, path));
  if (idFromQuery !== undefined && s.id !== undefined) {
    const bodyId = JSON.stringify(s.id).replace(/"/g, '');
    if (bodyId.toLowerCase() !== idFromQuery) {
      throw badRequest(`${path}.id (${bodyId}) differs from statementId (${idFromQuery})`);
    }
  }
  if (principal.agentIfi !== null) {
    const actorIfi = agentIfi(s.actor as JsonObject);
    if (actorIfi !== principal.agentIfi) {
      throw forbidden(`${path}.actor: this learner credential may only send its own statements`);
    }
  }
  const id = (typeof s.id === 'string' ? s.id : (idFromQuery ?? randomUUID())).toLowerCase();
  const submitted: JsonObject = { ...s, id };
  const fingerprint = statementFingerprint(submitted);
  // `stored` (and `timestamp` when absent) are set again from the database clock on insert.
  const statement: JsonObject = {
    ...submitted,
    timestamp: typeof s.timestamp === 'string' ? s.timestamp : stored,
    stored,
    authority: principal.authority,
    version: typeof s.version === 'string' ? s.version : '1.0.0',
  };
  const index = indexStatement(statement);
  // An agent a statement names directly (actor or object) counts as having started in the
  // reports, and reads the statement as theirs: a learner names no one but themselves there.
  if (
    principal.agentIfi !== null &&
    index.agents.some((a) => a.direct && a.ifi !== principal.agentIfi)
  ) {
    throw forbidden(
      `${path}.object: this learner credential may name no other agent as the object`,
    );
  }
  return {
    prepared: {
      id,
      statement,
      fingerprint,
      stored,
      index,
      credentialKey: principal.key,
      timestampFromStored: typeof s.timestamp !== 'string',
    },
    submitted,
  };
}

// Reading with statements/read/mine: what the credential stored, or what its learner did.
function isMine(principal: Principal, credentialKey: string, actorIfi: string | null): boolean {
  return (
    credentialKey === principal.key ||
    (principal.agentIfi !== null && actorIfi === principal.agentIfi)
  );
}

function formatParam(params: Params): StatementFormat {
  const format = params.format ?? 'exact';
  if (format !== 'exact' && format !== 'ids' && format !== 'canonical') {
    throw badRequest(`query parameter "format" must be ids, exact or canonical, got "${format}"`);
  }
  return format;
}

function buildQuery(params: Params, principal: Principal): StatementQuery {
  const q: StatementQuery = {
    relatedActivities: booleanParam(params, 'related_activities'),
    relatedAgents: booleanParam(params, 'related_agents'),
    ascending: booleanParam(params, 'ascending'),
    limit: MAX_LIMIT,
  };
  booleanParam(params, 'attachments');
  formatParam(params);
  if (params.agent !== undefined) q.agentIfi = agentParam(params.agent, 'agent', true).ifi;
  if (params.verb !== undefined) q.verbId = iriParam(params.verb, 'verb');
  if (params.activity !== undefined) q.activityId = iriParam(params.activity, 'activity');
  if (params.registration !== undefined) {
    q.registration = uuidParam(params.registration, 'registration');
  }
  if (params.since !== undefined) q.since = timestampParam(params.since, 'since');
  if (params.until !== undefined) q.until = timestampParam(params.until, 'until');
  const limit = params.limit;
  if (limit !== undefined) {
    if (!/^\d+$/.test(limit)) {
      throw badRequest(`query parameter "limit" must be a non-negative integer, got "${limit}"`);
    }
    const n = Number(limit);
    q.limit = n === 0 || n > MAX_LIMIT ? MAX_LIMIT : n;
  }
  if (statementReadAccess(principal) === 'mine') {
    q.mine = { authorityIfi: principal.authorityIfi, actorIfi: principal.agentIfi };
  }
  return q;
}

interface MoreToken {
  p: Params;
  s: number;
}

function encodeMore(params: Params, seq: number): string {
  return Buffer.from(JSON.stringify({ p: params, s: seq } satisfies MoreToken)).toString(
    'base64url',
  );
}

// A token is base64url JSON { p: the query's parameters, s: the last sequence number sent };
// anything else, or parameters that would not pass as a query string, is a 400. (A token longer
// than the router's parameter limit, 4096 characters, is a 414 before it gets here.)
function decodeMore(token: string): MoreToken {
  const refuse = (why: string) => badRequest(`the "more" link is not one this LRS issued (${why})`);
  if (!/^[A-Za-z0-9_-]*$/.test(token)) throw refuse('not base64url');
  let value: unknown;
  try {
    value = parseJson(decodeUtf8(Buffer.from(token, 'base64url'), 'it'), 'it');
  } catch {
    throw refuse('not the JSON it carries');
  }
  if (!isObject(value) || !isObject(value.p)) throw refuse('no query');
  const seq = value.s;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw refuse('no position');
  }
  if ('statementId' in value.p || 'voidedStatementId' in value.p) throw refuse('not a query');
  return { p: checkParams(value.p, QUERY_PARAMS), s: seq };
}

/** Registers PUT, POST and GET /statements and the `more` pages. */
export function registerStatements(
  app: FastifyInstance,
  store: Store,
  principalOf: PrincipalOf,
  prefix: string,
  quota?: LearnerQuota,
): void {
  // Validates, matches attachment parts and signatures, then stores: nothing is written unless
  // every statement and part of the request is accepted.
  const storeStatements = async (
    request: FastifyRequest,
    list: unknown[],
    paths: string[],
    parts: Parameters<typeof matchAttachments>[2],
    idFromQuery?: string,
  ): Promise<InsertedStatements> => {
    const principal = principalOf(request);
    const stored = new Date().toISOString();
    const prepared = list.map((s, i) =>
      prepare(s, principal, stored, paths[i] ?? 'statement', idFromQuery),
    );
    const contents = await matchAttachments(
      prepared.map((p) => p.submitted),
      paths,
      parts,
    );
    const statements = prepared.map((p) => p.prepared);
    await checkVoidingRights(store, principal, statements);
    if (quota === undefined || principal.agentIfi === null) {
      return store.insertStatements(statements, contents);
    }
    // A learner's write spends from their storage quota, given back if nothing is stored.
    const bytes = contents.reduce((sum, c) => sum + c.content.length, 0);
    const refund = await quota.spend(principal.agentIfi, statements.length, bytes);
    try {
      return await store.insertStatements(statements, contents);
    } catch (error) {
      await refund().catch((refundError: unknown) => {
        request.log.warn(refundError);
      });
      throw error;
    }
  };

  app.put('/statements', async (request, reply) => {
    const principal = principalOf(request);
    requireStatementWrite(principal);
    const params = readParams(request, ['statementId']);
    const id = uuidParam(required(params, 'statementId'), 'statementId');
    const { body, parts } = readStatementsRequest(
      request.headers['content-type'],
      rawBody(request),
    );
    if (Array.isArray(body)) throw badRequest('PUT takes a single statement, not an array');
    const inserted = await storeStatements(request, [body], ['statement'], parts, id);
    reply.header('X-Experience-API-Consistent-Through', inserted.consistentThrough);
    return reply.code(204).send();
  });

  app.post('/statements', async (request, reply) => {
    const principal = principalOf(request);
    requireStatementWrite(principal);
    readParams(request, []);
    const { body, parts } = readStatementsRequest(
      request.headers['content-type'],
      rawBody(request),
    );
    const list = Array.isArray(body) ? body : [body];
    if (list.length > MAX_BATCH) {
      throw badRequest(`a batch may hold at most ${MAX_BATCH} statements, got ${list.length}`);
    }
    const paths = list.map((_, i) => (Array.isArray(body) ? `statements[${i}]` : 'statement'));
    const inserted = await storeStatements(request, list, paths, parts);
    reply.header('X-Experience-API-Consistent-Through', inserted.consistentThrough);
    return reply.code(200).send(inserted.ids);
  });

  // With attachments=true a result goes out as multipart/mixed (Communication 2.1.3 and 1.5.2):
  // the JSON first, then one part per distinct sha2 whose content the LRS holds.
  const send = async (
    reply: FastifyReply,
    result: JsonObject,
    statements: JsonObject[],
    withAttachments: boolean,
  ) => {
    if (!withAttachments) return reply.type('application/json; charset=utf-8').send(result);
    const wanted = new Set<string>();
    for (const s of statements) {
      for (const att of attachmentObjects(s)) {
        if (typeof att.sha2 === 'string') wanted.add(att.sha2.toLowerCase());
      }
    }
    const contents = await store.getAttachments([...wanted]);
    const { boundary, body } = buildMultipart([
      {
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: Buffer.from(JSON.stringify(result)),
      },
      ...contents.map((c) => ({
        headers: {
          'Content-Type': c.contentType,
          'Content-Transfer-Encoding': 'binary',
          'X-Experience-API-Hash': c.sha2,
        },
        body: Buffer.from(c.content),
      })),
    ]);
    return reply.type(`multipart/mixed; boundary=${boundary}`).send(body);
  };

  const get = async (
    request: FastifyRequest,
    reply: FastifyReply,
    params: Params,
    after?: number,
  ) => {
    const principal = principalOf(request);
    // Read before the query, so that it never claims more than the answer holds. Errors before
    // this point get it from the plugin's onSend hook (Communication 2.1.3: on every answer).
    reply.header('X-Experience-API-Consistent-Through', await store.consistentThrough());
    const access = statementReadAccess(principal);
    if (access === 'none') throw forbidden('this credential lacks a statements/read scope');
    const format = formatParam(params);
    const languages = acceptedLanguages(request.headers['accept-language']);
    const withAttachments = booleanParam(params, 'attachments');
    const single = params.statementId ?? params.voidedStatementId;
    if (single !== undefined) {
      if (params.statementId !== undefined && params.voidedStatementId !== undefined) {
        throw badRequest('give statementId or voidedStatementId, not both');
      }
      const extra = Object.keys(params).filter(
        (k) => !['statementId', 'voidedStatementId', 'format', 'attachments'].includes(k),
      );
      if (extra.length > 0) {
        throw badRequest(
          `with statementId or voidedStatementId only format and attachments may be given, not ${extra.join(', ')}`,
        );
      }
      const voided = params.voidedStatementId !== undefined;
      const id = uuidParam(single, voided ? 'voidedStatementId' : 'statementId');
      const found = await store.getStatement(id, voided);
      if (
        found === null ||
        (access === 'mine' && !isMine(principal, found.credentialKey, found.actorIfi))
      ) {
        throw notFound(`no ${voided ? 'voided ' : ''}statement with id ${id}`);
      }
      reply.header(
        'Last-Modified',
        new Date(JSON.stringify(found.statement.stored).replace(/"/g, '')).toUTCString(),
      );
      const shown = formatStatement(found.statement, format, languages);
      return send(reply, shown, [found.statement], withAttachments);
    }
    const query = buildQuery(params, principal);
    if (after !== undefined) query.afterSeq = after;
    const page = await store.queryStatements(query);
    // The most recent stored time of the statements returned.
    const latest = page.statements
      .map((s) => (typeof s.stored === 'string' ? Date.parse(s.stored) : Number.NaN))
      .filter((t) => !Number.isNaN(t))
      .reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
    if (Number.isFinite(latest)) reply.header('Last-Modified', new Date(latest).toUTCString());
    const result: JsonObject = {
      statements: page.statements.map((s) => formatStatement(s, format, languages)),
      more:
        page.hasMore && page.lastSeq !== null
          ? `${prefix}/statements/more/${encodeMore(params, page.lastSeq)}`
          : '',
    };
    return send(reply, result, page.statements, withAttachments);
  };

  app.get('/statements', async (request, reply) =>
    get(request, reply, readParams(request, QUERY_PARAMS)),
  );

  app.get<{ Params: { token: string } }>('/statements/more/:token', async (request, reply) => {
    readParams(request, []);
    const { p, s } = decodeMore(request.params.token);
    return get(request, reply, p, s);
  });
}

/**
 * Who may void what (Data 2.3.2: the LRS should refuse a voiding statement from a source not
 * authorised to void its target, with 403). A credential may void only statements stored under
 * its own authority: a learner cannot void the platform's record of an attempt or a
 * certificate, and one service cannot void another's statements. A learner signed in on several
 * devices has one credential per device; each may void what the others stored for that learner.
 *
 * A target the LRS does not hold is no reason to refuse (Data 2.3.2 asks the LRS not to), so the
 * voiding statement is stored; a statement arriving later under that id is stored voided only
 * if the same authority stores it. The store applies that rule in the transaction that stores
 * either statement (`lrs_may_void`), so a race between the two from different authorities voids
 * nothing either.
 */
async function checkVoidingRights(
  store: Store,
  principal: Principal,
  statements: NewStatement[],
): Promise<void> {
  const ownCredentials = new Map<string, boolean>([[principal.key, true]]);
  const isOwn = async (credentialKey: string): Promise<boolean> => {
    const known = ownCredentials.get(credentialKey);
    if (known !== undefined) return known;
    const record = principal.agentIfi === null ? null : await store.findCredential(credentialKey);
    const own = record !== null && record.agentIfi === principal.agentIfi;
    ownCredentials.set(credentialKey, own);
    return own;
  };
  for (const s of statements) {
    const target = s.index.voids;
    if (target === null) continue;
    const found =
      (await store.getStatement(target, false)) ?? (await store.getStatement(target, true));
    if (found !== null && !(await isOwn(found.credentialKey))) {
      throw forbidden(
        `statement ${s.id} may not void ${target}: a credential may void only statements ` +
          'stored under its own authority, and that one was stored by another',
      );
    }
  }
}
