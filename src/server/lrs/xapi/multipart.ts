import { randomBytes } from 'node:crypto';
import { badRequest } from '../../http/errors.ts';

/** One body part of a multipart message: its headers (names lower-cased) and raw bytes. */
export interface MultipartPart {
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * The boundary parameter of a multipart Content-Type header (RFC 2046 section 5.1.1), quoted or
 * not; null when there is none.
 */
export function boundaryOf(contentType: string): string | null {
  const match = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  return boundary === undefined || boundary === '' ? null : boundary;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

function parseHeaders(text: string, index: number): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon < 1) throw badRequest(`multipart part ${index}: malformed header line "${line}"`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

// A delimiter is CRLF, "--", the boundary, then "--" or padding and CRLF; the same characters
// followed by anything else are content.
function nextDelimiter(body: Buffer, inner: Buffer, from: number): number {
  let at = body.indexOf(inner, from);
  while (at >= 0) {
    let end = at + inner.length;
    if (body[end] === 0x2d && body[end + 1] === 0x2d) return at;
    while (body[end] === 0x20 || body[end] === 0x09) end += 1;
    if (body[end] === 0x0d && body[end + 1] === 0x0a) return at;
    at = body.indexOf(inner, at + 1);
  }
  return -1;
}

/**
 * Splits a multipart body (RFC 2046) into its parts. Part bodies are slices of the input, byte
 * for byte: nothing is decoded. Throws a 400 when the body does not follow the format.
 */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const inner = Buffer.from(`\r\n--${boundary}`);
  let pos: number;
  if (body.subarray(0, delimiter.length).equals(delimiter)) pos = 0;
  else {
    const found = body.indexOf(inner);
    if (found < 0) throw badRequest(`the multipart body holds no boundary "${boundary}"`);
    pos = found + 2;
  }
  const parts: MultipartPart[] = [];
  for (;;) {
    let cursor = pos + delimiter.length;
    if (body.subarray(cursor, cursor + 2).toString('latin1') === '--') return parts;
    // Transport padding (linear white space) may follow a delimiter before its line break.
    while (body[cursor] === 0x20 || body[cursor] === 0x09) cursor += 1;
    if (!body.subarray(cursor, cursor + 2).equals(CRLF)) {
      throw badRequest('a multipart boundary line must end with CRLF');
    }
    const start = cursor + 2;
    const next = nextDelimiter(body, inner, start);
    if (next < 0) {
      throw badRequest(
        `the multipart body does not end with the closing boundary "--${boundary}--"`,
      );
    }
    const raw = body.subarray(start, next);
    const index = parts.length;
    if (raw.subarray(0, 2).equals(CRLF)) {
      parts.push({ headers: {}, body: raw.subarray(2) });
    } else {
      const end = raw.indexOf(HEADER_END);
      if (end < 0) throw badRequest(`multipart part ${index}: no blank line after its headers`);
      parts.push({
        headers: parseHeaders(raw.subarray(0, end).toString('utf8'), index),
        body: raw.subarray(end + 4),
      });
    }
    pos = next + 2;
  }
}

/** A part to send in a multipart response. */
export interface OutgoingPart {
  headers: Record<string, string>;
  body: Buffer;
}

/** Builds a multipart/mixed body; returns it with its boundary. */
export function buildMultipart(parts: OutgoingPart[]): { boundary: string; body: Buffer } {
  for (;;) {
    const boundary = `xapi-${randomBytes(16).toString('hex')}`;
    const marker = Buffer.from(`--${boundary}`);
    // A random boundary of 128 bits practically never occurs in the data; check anyway.
    if (parts.some((p) => p.body.includes(marker))) continue;
    const chunks: Buffer[] = [];
    for (const part of parts) {
      const head = Object.entries(part.headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n`), part.body, CRLF);
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return { boundary, body: Buffer.concat(chunks) };
  }
}
