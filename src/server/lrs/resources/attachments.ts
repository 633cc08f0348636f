import { createHash } from 'node:crypto';
import { badRequest } from '../../http/errors.ts';
import type { AttachmentContent } from '../store/types.ts';
import { parseJsonBytes } from '../xapi/json-text.ts';
import { boundaryOf, parseMultipart } from '../xapi/multipart.ts';
import { SIGNATURE_USAGE, verifyStatementSignature } from '../xapi/signature.ts';
import type { Json, JsonObject } from '../xapi/types.ts';
import { isObject } from '../xapi/validate.ts';

/** The statements of a PUT or POST and the attachment parts that came with them, by sha2. */
export interface StatementsRequest {
  body: Json;
  parts: Map<string, AttachmentContent>;
}

const HASH_ALGORITHMS: Record<number, string> = { 64: 'sha256', 96: 'sha384', 128: 'sha512' };

function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Reads the body of a statements PUT or POST (xAPI Communication 1.5): application/json, or
 * multipart/mixed whose first part is the JSON statements and whose other parts are attachment
 * contents, each with an X-Experience-API-Hash that must be the SHA-2 of its bytes.
 */
export function readStatementsRequest(
  contentType: string | undefined,
  raw: Buffer,
): StatementsRequest {
  const type = mediaTypeOf(contentType);
  const parts = new Map<string, AttachmentContent>();
  if (type === 'application/json') {
    if (raw.length === 0) throw badRequest('the request body is empty');
    return { body: parseJsonBytes(raw, 'the request body'), parts };
  }
  if (type !== 'multipart/mixed') {
    throw badRequest(
      `Content-Type must be application/json or multipart/mixed, got "${type || 'none'}"`,
    );
  }
  const boundary = boundaryOf(contentType ?? '');
  if (boundary === null) throw badRequest('a multipart/mixed Content-Type needs a boundary');
  const [first, ...rest] = parseMultipart(raw, boundary);
  if (first === undefined) throw badRequest('the multipart body has no parts');
  const firstType = mediaTypeOf(first.headers['content-type']);
  if (firstType !== 'application/json') {
    throw badRequest(
      `the first multipart part must be the statements as application/json, got "${firstType || 'no Content-Type'}"`,
    );
  }
  const body = parseJsonBytes(first.body, 'the first multipart part');
  rest.forEach((part, i) => {
    const where = `multipart part ${i + 1}`;
    const declared = part.headers['x-experience-api-hash']?.toLowerCase();
    if (declared === undefined || declared === '') {
      throw badRequest(`${where}: an attachment part needs an X-Experience-API-Hash header`);
    }
    const encoding = part.headers['content-transfer-encoding']?.toLowerCase();
    if (encoding !== undefined && encoding !== 'binary') {
      throw badRequest(`${where}: Content-Transfer-Encoding must be binary, got "${encoding}"`);
    }
    const algorithm = HASH_ALGORITHMS[declared.length];
    if (algorithm === undefined || !/^[0-9a-f]+$/.test(declared)) {
      throw badRequest(
        `${where}: X-Experience-API-Hash must be a SHA-256, SHA-384 or SHA-512 hex digest`,
      );
    }
    const actual = createHash(algorithm).update(part.body).digest('hex');
    if (actual !== declared) {
      throw badRequest(
        `${where}: X-Experience-API-Hash ${declared} does not match the part's content (${algorithm} ${actual})`,
      );
    }
    parts.set(declared, {
      sha2: declared,
      contentType: part.headers['content-type'] ?? 'application/octet-stream',
      content: part.body,
    });
  });
  return { body, parts };
}

/** The attachment objects of a statement and of its sub-statement. */
export function attachmentObjects(s: JsonObject): JsonObject[] {
  const own = Array.isArray(s.attachments) ? s.attachments.filter(isObject) : [];
  const object = s.object;
  if (isObject(object) && object.objectType === 'SubStatement') {
    return [...own, ...attachmentObjects(object)];
  }
  return own;
}

function sha2Of(att: JsonObject): string {
  return typeof att.sha2 === 'string' ? att.sha2.toLowerCase() : '';
}

/**
 * Matches validated statements with the attachment parts received (Communication 1.5.2): every
 * attachment without a fileUrl needs a part with its sha2, every part must belong to an
 * attachment, and signature attachments are checked (Data 2.6). `paths` names each statement
 * in error messages. Returns the contents to store, one per sha2.
 */
export async function matchAttachments(
  statements: JsonObject[],
  paths: string[],
  parts: Map<string, AttachmentContent>,
): Promise<AttachmentContent[]> {
  const used = new Set<string>();
  for (const [i, s] of statements.entries()) {
    const path = paths[i] ?? 'statement';
    for (const att of attachmentObjects(s)) {
      const sha2 = sha2Of(att);
      const part = parts.get(sha2);
      if (part !== undefined) {
        used.add(sha2);
        // The length is what a reader is told of the content: it must be the bytes received.
        if (att.length !== part.content.length) {
          throw badRequest(
            `${path}: attachment ${sha2} has length ${JSON.stringify(att.length)}, but its multipart part holds ${String(part.content.length)} bytes`,
          );
        }
      } else if (att.fileUrl === undefined) {
        throw badRequest(
          `${path}: attachment ${sha2 || '(no sha2)'} has no fileUrl and no multipart part with that X-Experience-API-Hash`,
        );
      }
    }
    const signatures = (Array.isArray(s.attachments) ? s.attachments.filter(isObject) : []).filter(
      (a) => a.usageType === SIGNATURE_USAGE,
    );
    for (const sig of signatures) {
      if (sig.contentType !== 'application/octet-stream') {
        throw badRequest(
          `${path}: a signature attachment must have contentType application/octet-stream`,
        );
      }
      const part = parts.get(sha2Of(sig));
      if (part === undefined) {
        throw badRequest(`${path}: a signature attachment must be sent as a multipart part`);
      }
      await verifyStatementSignature(s, Buffer.from(part.content), `${path} signature`);
    }
  }
  for (const sha2 of parts.keys()) {
    if (!used.has(sha2)) {
      throw badRequest(
        `multipart part with X-Experience-API-Hash ${sha2} belongs to no attachment of the statements sent`,
      );
    }
  }
  return [...parts.values()];
}
