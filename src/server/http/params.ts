import type { FastifyRequest } from 'fastify';
import { badRequest } from './errors.ts';
import { clampInstant, daysInMonth } from './instants.ts';

/** Whether a value is a plain JSON object. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether text is fit to store and show as given: no control characters (U+0000 among them,
 * which PostgreSQL refuses in text) and no unpaired surrogates (not Unicode at all).
 */
export function isPlainText(value: string): boolean {
  return !/[\p{Cc}\p{Cs}]/u.test(value);
}

/** Reads query parameters: only `allowed` ones, each once, at most 120 characters. */
export function queryParams(
  request: FastifyRequest,
  allowed: readonly string[],
): Record<string, string> {
  const query = isRecord(request.query) ? request.query : {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (!allowed.includes(key)) throw badRequest(`unknown parameter ${key}`);
    if (typeof value !== 'string') throw badRequest(`${key}: give it once`);
    if (value.length > 120) throw badRequest(`${key}: at most 120 characters`);
    if (!isPlainText(value)) throw badRequest(`${key}: control characters or broken Unicode`);
    if (value.trim() !== '') out[key] = value.trim();
  }
  return out;
}

/**
 * A date parameter (YYYY-MM-DD, or an instant with its offset) as an ISO instant; with
 * `endOfDay` a bare date means the end of that day.
 */
export function dateParam(
  value: string | undefined,
  field: string,
  endOfDay: boolean,
): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value)) {
    throw badRequest(`${field}: a date as YYYY-MM-DD`);
  }
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  // Date rolls 30 February over into March: a day past the month's end is no date either.
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  if (Number.isNaN(date.getTime()) || (day ?? 0) > daysInMonth(year ?? 0, month ?? 0)) {
    throw badRequest(`${field}: not a real date`);
  }
  if (endOfDay && value.length === 10) date.setUTCDate(date.getUTCDate() + 1);
  // Year 0000, or the end of 9999-12-31, is beyond what a database timestamp holds: the nearest
  // instant it holds selects the same rows.
  return new Date(clampInstant(date.getTime())).toISOString();
}

/** The course languages. */
export const LANGUAGES = ['en', 'fr'] as const;

/** A course language. */
export type Language = (typeof LANGUAGES)[number];

/** The `lang` parameter: en (the default) or fr. */
export function langParam(value: string | undefined): Language {
  if (value === undefined) return 'en';
  if (!(LANGUAGES as readonly string[]).includes(value)) throw badRequest('lang: en or fr');
  return value as Language;
}
