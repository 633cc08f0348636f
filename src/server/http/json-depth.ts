// How deep a JSON text nests, counted before it is parsed: the LRS and the platform's /api
// bodies refuse a value deep enough to make parsing or anything recursive costly.
import { badRequest } from './errors.ts';

/**
 * The deepest nesting of arrays and objects accepted in a request body, a document or a JSON
 * parameter. A batch of statements whose SubStatement carries a context activity's definition
 * extensions is about ten levels deep; 32 leaves room for extension values (see
 * MAX_EXTENSION_DEPTH) and stops values deep enough to exhaust a stack.
 */
const MAX_JSON_DEPTH = 32;

/**
 * The nesting depth of a JSON text, counted without parsing or recursion: each `[` or `{`
 * outside a string opens a level. Stops counting once past `limit` (and returns limit + 1).
 */
function jsonTextDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** Throws a 400 naming `what` and the limit when a JSON text nests deeper than MAX_JSON_DEPTH. */
export function assertJsonDepth(text: string, what: string): void {
  if (jsonTextDepth(text) > MAX_JSON_DEPTH) {
    throw badRequest(
      `${what} nests arrays and objects deeper than the limit of ${String(MAX_JSON_DEPTH)} levels`,
    );
  }
}
