import type { Json, JsonObject } from './types.ts';
import { isObject } from './validate.ts';

// Per-language (name, description) or per-key (extensions) merges; every other property of a
// definition is replaced as a whole by the newer definition.
const MERGED_MAPS = ['name', 'description', 'extensions'];

/**
 * Merges activity definitions given newest first into one canonical definition: the newest value
 * of each property wins, and language maps and extensions are merged key by key, so a
 * translation sent once is kept when later statements carry other languages only.
 */
export function mergeDefinitions(newestFirst: readonly JsonObject[]): JsonObject | null {
  if (newestFirst.length === 0) return null;
  const out: JsonObject = {};
  for (const def of [...newestFirst].reverse()) {
    for (const [key, value] of Object.entries(def)) {
      const before: Json | undefined = out[key];
      out[key] =
        MERGED_MAPS.includes(key) && isObject(before) && isObject(value)
          ? { ...before, ...value }
          : value;
    }
  }
  return out;
}
