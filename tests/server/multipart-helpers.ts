import { createHash } from 'node:crypto';
import { parseMultipart, boundaryOf } from '../../src/server/lrs/xapi/multipart.ts';
import type { JsonObject } from '../../src/server/lrs/xapi/types.ts';
import { xapi, type TestCredential, type TestServer } from './helpers.ts';

/** One attachment part of a test request. */
export interface TestPart {
  content: Buffer;
  contentType?: string;
  /** Sent as X-Experience-API-Hash; the SHA-256 of the content unless given. */
  hash?: string | null;
  encoding?: string | null;
}

/** The SHA-256 of some bytes, lower-case hex. */
export function sha256(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** An attachment object for a statement, describing some content. */
export function attachmentObject(content: Buffer, overrides: JsonObject = {}): JsonObject {
  return {
    usageType: 'http://id.tincanapi.com/attachment/supporting_media',
    display: { en: 'Field notes' },
    contentType: 'application/octet-stream',
    length: content.length,
    sha2: sha256(content),
    ...overrides,
  };
}

/** Builds a multipart/mixed body: the statements as JSON first, then each part. */
export function multipartBody(
  statements: unknown,
  parts: TestPart[],
  boundary = 'xapi-test-boundary',
  firstType = 'application/json',
): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [
    Buffer.from(`--${boundary}\r\nContent-Type: ${firstType}\r\n\r\n`),
    Buffer.from(typeof statements === 'string' ? statements : JSON.stringify(statements)),
  ];
  for (const part of parts) {
    const headers = [`Content-Type: ${part.contentType ?? 'application/octet-stream'}`];
    if (part.encoding !== null) {
      headers.push(`Content-Transfer-Encoding: ${part.encoding ?? 'binary'}`);
    }
    if (part.hash !== null)
      headers.push(`X-Experience-API-Hash: ${part.hash ?? sha256(part.content)}`);
    chunks.push(Buffer.from(`\r\n--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`), part.content);
  }
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/mixed; boundary="${boundary}"` };
}

/** Sends statements with attachment parts. */
export function sendMultipart(
  server: TestServer,
  credential: TestCredential,
  path: string,
  statements: unknown,
  parts: TestPart[],
  method = 'POST',
) {
  const { body, contentType } = multipartBody(statements, parts);
  return xapi(server, credential, path, {
    method,
    raw: body,
    headers: { 'Content-Type': contentType },
  });
}

/** Fetches a URL and splits a multipart answer into its parts, byte for byte. */
export async function getMultipart(
  server: TestServer,
  credential: TestCredential,
  path: string,
): Promise<{
  status: number;
  contentType: string;
  parts: { headers: Record<string, string>; body: Buffer }[];
}> {
  const res = await fetch(`${server.url}${path}`, {
    headers: {
      'X-Experience-API-Version': '1.0.3',
      Authorization: credential.authorization,
    },
  });
  const contentType = res.headers.get('content-type') ?? '';
  const raw = Buffer.from(await res.arrayBuffer());
  const boundary = boundaryOf(contentType);
  return {
    status: res.status,
    contentType,
    parts: boundary === null ? [] : parseMultipart(raw, boundary),
  };
}
