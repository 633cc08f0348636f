// Structural types for xAPI JSON once it has passed validation.

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = Record<string, Json>;

/** A statement as the LRS stores and returns it. */
export type Statement = JsonObject & { id: string };
