// Lexical checks for the value formats that xAPI 1.0.3 names (UUID, IRI, ISO 8601, RFC 5646).
import { daysInMonth } from '../../http/instants.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// An absolute IRI: a scheme, a colon and at least one character that is not whitespace or one
// of the characters RFC 3987 excludes (control characters among them).
const IRI = /^[a-z][a-z0-9+.-]*:[^\s\p{Cc}<>"{}|\\^`]+$/iu;
const MAILTO = /^mailto:[^\s@<>"]+@[^\s@<>"]+$/i;
const SHA1 = /^[0-9a-f]{40}$/i;
// RFC 3339 profile of ISO 8601; a time zone is optional (the LRS reads none as UTC).
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const DURATION =
  /^P(?:(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?D)?(?:T(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?|\d+(?:[.,]\d+)?W)$/;
const LANGUAGE_TAG = /^(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8}|x|i)(?:-[a-z0-9]{1,8})*$/i;

/** Tells whether a value is a UUID in its standard string form. */
export function isUuid(value: unknown): boolean {
  return typeof value === 'string' && UUID.test(value);
}

/** Tells whether a value is an absolute IRI. */
export function isIri(value: unknown): boolean {
  return typeof value === 'string' && IRI.test(value) && value.isWellFormed();
}

/** Tells whether a value is a mailto IRI holding an email address. */
export function isMailto(value: unknown): boolean {
  return typeof value === 'string' && MAILTO.test(value);
}

/** Tells whether a value is a hex-encoded SHA-1 digest. */
export function isSha1(value: unknown): boolean {
  return typeof value === 'string' && SHA1.test(value);
}

/** Tells whether a value is an ISO 8601 duration. */
export function isDuration(value: unknown): boolean {
  return typeof value === 'string' && value !== 'P' && !value.endsWith('T') && DURATION.test(value);
}

/** Tells whether a value is an RFC 5646 language tag. */
export function isLanguageTag(value: unknown): boolean {
  return typeof value === 'string' && LANGUAGE_TAG.test(value);
}

/** Parses an ISO 8601 timestamp into epoch milliseconds, or returns null when it is not one. */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = TIMESTAMP.exec(value);
  if (!m) return null;
  // "-00:00" means "offset unknown" in RFC 3339, which xAPI forbids.
  if (m[8] !== undefined && /^-00:?00$|^-00$/.test(m[8])) return null;
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  if (
    month === undefined ||
    day === undefined ||
    hour === undefined ||
    minute === undefined ||
    second === undefined
  ) {
    return null;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return null;
  }
  // Date.parse rolls 30 February over into March: a day past the month's end is no date.
  if (day > daysInMonth(Number(m[1]), month)) return null;
  const zone = m[8] ?? 'Z';
  const normalised = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${(m[6] ?? '00').replace('60', '59')}${
    m[7] ? `.${m[7].slice(0, 3)}` : ''
  }${zone === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`}`;
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? null : ms;
}
