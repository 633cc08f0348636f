// How deep a JSON text nests, counted before it is parsed: the LRS and the platform's /api
// bodies refuse a value deep enough to make parsing or anything recursive costly.

/**
 * The deepest nesting of arrays and objects accepted in a request body, a document or a JSON
 * parameter. A batch of statements whose SubStatement carries a context activity's definition
 * extensions is about ten levels deep; 32 leaves room for extension values (see
 * MAX_EXTENSION_DEPTH) and stops values deep enough to exhaust a stack.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The nesting depth of a JSON text, counted without parsing or recursion: each `[` or `{`
 * outside a string opens a level. Stops counting once past `limit` (and returns limit + 1).
 */
export function jsonTextDepth(text: string, limit = MAX_JSON_DEPTH): number {
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
