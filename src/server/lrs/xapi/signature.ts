import { compactVerify, decodeProtectedHeader, importX509 } from 'jose';
import { badRequest } from '../../http/errors.ts';
import { isUuid, parseTimestamp } from './formats.ts';
import type { Json, JsonObject } from './types.ts';
import { parseJsonBytes } from './json-text.ts';
import { isObject, withContextActivityLists } from './validate.ts';
import { canonicalJson } from './statement-index.ts';

/** The usageType that marks an attachment as a statement signature (xAPI Data 2.6). */
export const SIGNATURE_USAGE = 'http://adlnet.gov/expapi/attachments/signature';

/** The algorithms xAPI allows for statement signatures. */
export const SIGNATURE_ALGORITHMS = ['RS256', 'RS384', 'RS512'] as const;

// Differences that the exceptions to statement immutability (Data 2.3.1) can cause are ignored:
// properties the LRS sets, attachments (the signature itself is one), the verb's display, the
// serialisation of timestamps, the order of Group members and the case of e-mail addresses.
function comparable(value: Json, key: string): Json {
  if (Array.isArray(value)) {
    const items = value.map((v) => comparable(v, ''));
    return key === 'member'
      ? items.sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b)))
      : items;
  }
  if (!isObject(value)) {
    if (typeof value === 'string' && (key === 'timestamp' || key === 'stored')) {
      const ms = parseTimestamp(value);
      return ms === null ? value : new Date(ms).toISOString();
    }
    if (typeof value === 'string' && (key === 'mbox' || (key === 'id' && isUuid(value)))) {
      return value.toLowerCase();
    }
    return value;
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'extensions') out[k] = v;
    else out[k] = comparable(v, k);
  }
  if (isObject(out.verb)) {
    const verb: JsonObject = { ...out.verb };
    delete verb.display;
    out.verb = verb;
  }
  return out;
}

function statementForComparison(s: JsonObject, keepId: boolean): string {
  const ignored = new Set(['attachments', 'stored', 'authority', 'version']);
  if (!keepId) ignored.add('id');
  const rest: JsonObject = Object.fromEntries(
    Object.entries(withContextActivityLists(s)).filter(([k]) => !ignored.has(k)),
  );
  return canonicalJson(comparable(rest, ''));
}

function derToPem(der: string): string {
  const body = der.replace(/\s+/g, '');
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * Checks a statement signature (xAPI Data 2.6): a JWS in compact serialisation, signed with
 * RS256, RS384 or RS512, whose payload is the statement as sent (ignoring what the exceptions to
 * immutability allow to differ) and, when its header carries `x5c`, whose signature verifies
 * with the first certificate's public key. Throws a 400 naming `path` otherwise.
 */
export async function verifyStatementSignature(
  received: JsonObject,
  jws: Buffer,
  path: string,
): Promise<void> {
  const token = jws.toString('utf8').trim();
  const segments = token.split('.');
  if (segments.length !== 3 || segments.some((s) => !/^[A-Za-z0-9_-]*$/.test(s))) {
    throw badRequest(`${path}: the signature is not a JWS in compact serialization`);
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw badRequest(`${path}: the JWS header is not valid base64url JSON`);
  }
  const alg = header.alg;
  if (typeof alg !== 'string' || !(SIGNATURE_ALGORITHMS as readonly string[]).includes(alg)) {
    throw badRequest(
      `${path}: the JWS algorithm must be RS256, RS384 or RS512, got ${JSON.stringify(alg ?? null)}`,
    );
  }
  if (segments[2] === '') throw badRequest(`${path}: the JWS has an empty signature`);
  let payload: unknown;
  try {
    payload = parseJsonBytes(Buffer.from(segments[1] ?? '', 'base64url'), 'it');
  } catch (error) {
    throw badRequest(
      `${path}: the JWS payload is not a JSON statement (${(error as Error).message})`,
    );
  }
  if (!isObject(payload)) throw badRequest(`${path}: the JWS payload is not a JSON statement`);
  const keepId = payload.id !== undefined;
  if (statementForComparison(payload, keepId) !== statementForComparison(received, keepId)) {
    throw badRequest(`${path}: the JWS payload does not match the statement it signs`);
  }
  const x5c = header.x5c;
  if (x5c === undefined) return;
  if (!Array.isArray(x5c) || typeof x5c[0] !== 'string') {
    throw badRequest(`${path}: the JWS header's x5c must be an array of base64 certificates`);
  }
  let key: Awaited<ReturnType<typeof importX509>>;
  try {
    key = await importX509(derToPem(x5c[0]), alg);
  } catch {
    throw badRequest(`${path}: the first x5c certificate is not a usable RSA X.509 certificate`);
  }
  try {
    await compactVerify(token, key, { algorithms: [...SIGNATURE_ALGORITHMS] });
  } catch {
    throw badRequest(`${path}: the JWS signature does not verify with its x5c certificate`);
  }
}
