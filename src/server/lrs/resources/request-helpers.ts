import type { FastifyRequest } from 'fastify';
import { badRequest, payloadTooLarge } from '../../http/errors.ts';
import type { Json } from '../xapi/types.ts';
import { isIri, isUuid, parseTimestamp } from '../xapi/formats.ts';
import { agentIfi } from '../xapi/statement-index.ts';
import { isObject, validateActor, validateAgent } from '../xapi/validate.ts';

/** Query parameters as plain strings, after rejecting unknown and repeated ones. */
export type Params = Record<string, string>;

/** Reads the query string, rejecting parameters the resource does not define. */
export function readParams(request: FastifyRequest, allowed: readonly string[]): Params {
  const query = (request.query ?? {}) as Record<string, string | string[] | undefined>;
  const out: Params = {};
  for (const [name, value] of Object.entries(query)) {
    if (!allowed.includes(name)) {
      throw badRequest(
        `unknown query parameter "${name}" (this resource takes: ${allowed.join(', ')})`,
      );
    }
    if (Array.isArray(value)) throw badRequest(`query parameter "${name}" is given more than once`);
    if (value !== undefined) out[name] = value;
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
  return value;
}

/** Checks a UUID parameter and lower-cases it. */
export function uuidParam(value: string, name: string): string {
  if (!isUuid(value)) throw badRequest(`query parameter "${name}" must be a UUID, got "${value}"`);
  return value.toLowerCase();
}

/** Checks a timestamp parameter and returns it as an ISO string in UTC. */
export function timestampParam(value: string, name: string): string {
  const ms = parseTimestamp(value);
  if (ms === null) {
    throw badRequest(`query parameter "${name}" must be an ISO 8601 timestamp, got "${value}"`);
  }
  return new Date(ms).toISOString();
}

/** Parses a JSON text, turning a syntax error into a 400 that says where. */
export function parseJson(text: string, what: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw badRequest(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Parses an agent parameter (JSON) and returns the agent with its identifier string. */
export function agentParam(
  value: string,
  name: string,
  allowGroup: boolean,
): { agent: Json; ifi: string } {
  const agent = parseJson(value, `query parameter "${name}"`);
  if (allowGroup) validateActor(agent, name);
  else validateAgent(agent, name);
  const ifi = isObject(agent) ? agentIfi(agent) : null;
  if (ifi === null) throw badRequest(`${name}: must be an Agent or an identified Group`);
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
  return {
    method: target,
    url: params.length === 0 ? path : `${path}?${params.join('&')}`,
    headers,
    ...(payload === undefined ? {} : { payload }),
    remoteAddress: request.ip,
  };
}
