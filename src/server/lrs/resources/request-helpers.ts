import type { FastifyRequest } from 'fastify';
import { badRequest, payloadTooLarge } from '../../http/errors.ts';
import type { Json } from '../xapi/types.ts';
import { clampInstant } from '../../http/instants.ts';
import { isIri, isUuid, parseTimestamp } from '../xapi/formats.ts';
import { parseJson } from '../xapi/json-text.ts';
import { agentIfi } from '../xapi/statement-index.ts';
import { checkStorableText, isObject, validateActor, validateAgent } from '../xapi/validate.ts';

/** Query parameters as plain strings, after rejecting unknown and repeated ones. */
export type Params = Record<string, string>;

/** The longest query parameter value accepted, in UTF-8 bytes. */
export const MAX_PARAM_BYTES = 2048;

/**
 * The longest identifier the LRS keys a document or a query on (activityId, stateId, profileId,
 * an agent's identifier), in UTF-8 bytes: the database indexes keys of at most about 2,700
 * bytes, and a State document's key holds three of them.
 */
export const MAX_ID_BYTES = 700;

/**
 * Throws 400 unless a parameter value is text the LRS can keep and show: at most
 * MAX_PARAM_BYTES, no control characters (U+0000 among them, which PostgreSQL refuses) and no
 * unpaired surrogates or undecodable bytes (U+FFFD from a broken percent-encoding).
 */
export function checkParam(name: string, value: string): void {
  const bytes = Buffer.byteLength(value);
  if (bytes > MAX_PARAM_BYTES) {
    throw badRequest(
      `query parameter "${name}" is ${bytes} bytes long; the limit is ${MAX_PARAM_BYTES}`,
    );
  }
  if (/\p{Cc}/u.test(value)) {
    throw badRequest(
      `query parameter "${name}" contains a control character (U+0000 to U+001F or U+007F to U+009F)`,
    );
  }
  if (!value.isWellFormed() || value.includes('\uFFFD')) {
    throw badRequest(`query parameter "${name}" is not valid UTF-8 or has an unpaired surrogate`);
  }
}

/** Throws 400 when an identifier is longer than MAX_ID_BYTES. */
export function checkIdLength(value: string, name: string): void {
  const bytes = Buffer.byteLength(value);
  if (bytes > MAX_ID_BYTES) {
    throw badRequest(
      `${name} is ${bytes} bytes long; this LRS keys values of at most ${MAX_ID_BYTES}`,
    );
  }
}

/** Reads the query string, rejecting parameters the resource does not define. */
export function readParams(request: FastifyRequest, allowed: readonly string[]): Params {
  // The query parser keeps a percent-encoding it cannot decode as the raw text; such a query
  // is refused rather than read as something the client did not send.
  const raw = request.url.split('?')[1] ?? '';
  for (const part of raw.split('&')) {
    try {
      decodeURIComponent(part.replaceAll('+', ' '));
    } catch {
      throw badRequest(
        `the query string has a percent-encoding that is not UTF-8: ${part.slice(0, 80)}`,
      );
    }
  }
  const query = (request.query ?? {}) as Record<string, string | string[] | undefined>;
  return checkParams(query, allowed);
}

/** Checks parameters by name and value (see checkParam); the query of a `more` link too. */
export function checkParams(query: Record<string, unknown>, allowed: readonly string[]): Params {
  const out: Params = {};
  for (const [name, value] of Object.entries(query)) {
    if (!allowed.includes(name)) {
      const shown = name.length > 64 ? `${name.slice(0, 64)}...` : name;
      throw badRequest(
        `unknown query parameter ${JSON.stringify(shown)} (this resource takes: ${allowed.join(', ') || 'none'})`,
      );
    }
    if (Array.isArray(value)) throw badRequest(`query parameter "${name}" is given more than once`);
    if (value === undefined) continue;
    if (typeof value !== 'string') throw badRequest(`query parameter "${name}" must be text`);
    checkParam(name, value);
    out[name] = value;
  }
  return out;
}

/** Returns a required parameter or throws 400 naming it. */
export function required(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined || value === '')
    throw badRequest(`query parameter "${name}" is required`);
  return value;
}

/** Parses a boolean parameter ("true" or "false"). */
export function booleanParam(params: Params, name: string): boolean {
  const value = params[name];
  if (value === undefined) return false;
  if (value !== 'true' && value !== 'false') {
    throw badRequest(`query parameter "${name}" must be "true" or "false", got "${value}"`);
  }
  return value === 'true';
}

/** Checks an IRI parameter. */
export function iriParam(value: string, name: string): string {
  if (!isIri(value)) throw badRequest(`query parameter "${name}" must be an absolute IRI`);
  checkIdLength(value, `query parameter "${name}"`);
  return value;
}

/** Checks a document id parameter (stateId, profileId). */
export function documentIdParam(value: string, name: string): string {
  checkIdLength(value, `query parameter "${name}"`);
  return value;
}

/** Checks a UUID parameter and lower-cases it. */
export function uuidParam(value: string, name: string): string {
  if (!isUuid(value)) throw badRequest(`query parameter "${name}" must be a UUID, got "${value}"`);
  return value.toLowerCase();
}

/**
 * Checks a timestamp parameter and returns it as an ISO string in UTC, within the years a
 * database timestamp holds (a bound beyond them selects what the nearest one does).
 */
export function timestampParam(value: string, name: string): string {
  const ms = parseTimestamp(value);
  if (ms === null) {
    throw badRequest(`query parameter "${name}" must be an ISO 8601 timestamp, got "${value}"`);
  }
  return new Date(clampInstant(ms)).toISOString();
}

/** Parses an agent parameter (JSON) and returns the agent with its identifier string. */
export function agentParam(
  value: string,
  name: string,
  allowGroup: boolean,
): { agent: Json; ifi: string } {
  const agent = parseJson(value, `query parameter "${name}"`);
  checkStorableText(agent, name);
  if (allowGroup) validateActor(agent, name);
  else validateAgent(agent, name);
  const ifi = isObject(agent) ? agentIfi(agent) : null;
  if (ifi === null) throw badRequest(`${name}: must be an Agent or an identified Group`);
  checkIdLength(ifi, `the identifier of query parameter "${name}"`);
  return { agent, ifi };
}

/** The media type of a request without parameters, lower-cased. */
export function mediaType(request: FastifyRequest): string {
  const header = request.headers['content-type'];
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The raw request body (the LRS parses bodies itself to give precise errors). */
export function rawBody(request: FastifyRequest): Buffer {
  const body = request.body;
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}

// Form fields the alternate request syntax treats as headers (xAPI 1.3.s3.b6); Content-Length
// is dropped because the dispatched request gets its own.
const FORM_HEADERS = [
  'authorization',
  'x-experience-api-version',
  'content-type',
  'content-length',
  'if-match',
  'if-none-match',
];

const ALTERNATE_METHODS = ['GET', 'PUT', 'POST', 'DELETE'] as const;

/** A request rebuilt from the alternate request syntax, ready to dispatch with inject. */
export interface AlternateRequest {
  method: (typeof ALTERNATE_METHODS)[number];
  url: string;
  headers: Record<string, string>;
  payload?: string;
  remoteAddress: string;
}

async function readStream(stream: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > limit) throw payloadTooLarge(`the request body exceeds the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The Content-Type of alternate-syntax content sent without one (the form field is optional,
 * Communication 1.3): statements are JSON; a document is JSON when it parses as JSON, and
 * application/octet-stream otherwise.
 */
function impliedContentType(path: string, content: string): string {
  if (path.endsWith('/statements')) return 'application/json';
  try {
    parseJson(content, 'content');
    return 'application/json';
  } catch {
    return 'application/octet-stream';
  }
}

/**
 * Recognises the alternate request syntax (a POST with `?method=` and a form body carrying
 * headers, `content` and the other parameters) and rebuilds the request it stands for; null for
 * an ordinary request. Reads the body itself, so it runs before Fastify parses it.
 */
export async function alternateRequest(
  request: FastifyRequest,
  bodyLimit: number,
): Promise<AlternateRequest | null> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  if (request.method !== 'POST' || query.method === undefined) return null;
  const method = typeof query.method === 'string' ? query.method.toUpperCase() : '';
  const target = ALTERNATE_METHODS.find((m) => m === method);
  if (target === undefined) {
    throw badRequest(`"method" must be one of ${ALTERNATE_METHODS.join(', ')}`);
  }
  const others = Object.keys(query).filter((name) => name !== 'method');
  if (others.length > 0) {
    throw badRequest(
      `with ?method= the query string holds only "method"; send "${others[0]}" as a form field`,
    );
  }
  if (mediaType(request) !== 'application/x-www-form-urlencoded') {
    throw badRequest(
      'a request with ?method= must have Content-Type application/x-www-form-urlencoded',
    );
  }
  const form = new URLSearchParams((await readStream(request.raw, bodyLimit)).toString('utf8'));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (['content-type', 'content-length', 'transfer-encoding'].includes(name)) continue;
    if (typeof value === 'string') headers[name] = value;
  }
  const params: string[] = [];
  let payload: string | undefined;
  for (const [name, value] of form) {
    const lower = name.toLowerCase();
    if (name === 'content') payload = value;
    else if (name === 'method') throw badRequest('"method" belongs in the query string');
    else if (FORM_HEADERS.includes(lower)) {
      if (lower !== 'content-length') headers[lower] = value;
    } else params.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  }
  const path = request.url.split('?')[0] ?? '';
  if (payload !== undefined && headers['content-type'] === undefined) {
    headers['content-type'] = impliedContentType(path, payload);
  }
  return {
    method: target,
    url: params.length === 0 ? path : `${path}?${params.join('&')}`,
    headers,
    ...(payload === undefined ? {} : { payload }),
    remoteAddress: request.ip,
  };
}
