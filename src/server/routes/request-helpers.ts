import type { FastifyRequest } from 'fastify';
import { badRequest } from '../errors.ts';
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

/** Reads a JSON request body, requiring the application/json media type. */
export function jsonBody(request: FastifyRequest): Json {
  const type = mediaType(request);
  if (type === 'multipart/mixed') {
    throw badRequest('multipart/mixed (statements with attachment content) is not supported yet');
  }
  if (type !== 'application/json') {
    throw badRequest(`Content-Type must be application/json, got "${type || 'none'}"`);
  }
  const body = rawBody(request);
  if (body.length === 0) throw badRequest('the request body is empty');
  return parseJson(body.toString('utf8'), 'the request body');
}
