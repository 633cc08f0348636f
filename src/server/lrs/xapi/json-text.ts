// Reading JSON the LRS is sent: bytes that must be UTF-8, nesting bounded before anything
// recursive (validation, canonical forms, the database's JSON functions) sees the value.
import { badRequest } from '../../http/errors.ts';
import { assertJsonDepth } from '../../http/json-depth.ts';
import type { Json } from './types.ts';

/** The deepest nesting of an extension value, counted from the value itself. */
export const MAX_EXTENSION_DEPTH = 16;

/** The nesting depth of a parsed value (a scalar is 0), stopping once past `limit`. */
export function valueDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [v, d] = top;
    if (typeof v !== 'object' || v === null) continue;
    const depth = d + 1;
    if (depth > max) {
      max = depth;
      if (max > limit) return max;
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth]);
  }
  return max;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes bytes that must be UTF-8 (RFC 8259 8.1), or throws 400 naming `what`. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw badRequest(`${what} is not valid UTF-8`);
  }
}

/**
 * Parses a JSON text after checking its depth, turning every failure into a 400 that names
 * `what` (and the limit, when the nesting is too deep).
 */
export function parseJson(text: string, what: string): Json {
  assertJsonDepth(text, what);
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw badRequest(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Parses JSON sent as bytes: UTF-8, then parseJson. */
export function parseJsonBytes(bytes: Uint8Array, what: string): Json {
  return parseJson(decodeUtf8(bytes, what), what);
}
