import type { Json, JsonObject } from './types.ts';
import { isObject, withContextActivityLists } from './validate.ts';

/** The statement formats a client may ask for with the format parameter. */
export type StatementFormat = 'exact' | 'ids' | 'canonical';

// format=ids (Communication 2.1.3): an Agent or identified Group keeps its identifier, an
// anonymous Group its members' identifiers, an Activity and a Verb their id. objectType stays
// only where it says something the identifier does not: on a Group, and on an Agent that is a
// statement's object (where its absence would mean an Activity).
function idsActor(actor: JsonObject, keepAgentType: boolean): JsonObject {
  const out: JsonObject = {};
  const isGroup = actor.objectType === 'Group';
  if (isGroup || (keepAgentType && actor.objectType !== undefined)) {
    out.objectType = actor.objectType as Json;
  }
  let hasIfi = false;
  for (const key of ['mbox', 'mbox_sha1sum', 'openid', 'account']) {
    const v = actor[key];
    if (v === undefined) continue;
    out[key] = v;
    hasIfi = true;
  }
  // An anonymous Group is only known by its members.
  const members = actor.member;
  if (isGroup && !hasIfi && Array.isArray(members)) {
    out.member = members.filter(isObject).map((m) => idsActor(m, false));
  }
  return out;
}

function idsActivity(activity: JsonObject): JsonObject {
  return { id: activity.id as Json };
}

function idsBody(s: JsonObject): JsonObject {
  const out: JsonObject = { ...s };
  if (isObject(s.actor)) out.actor = idsActor(s.actor, false);
  if (isObject(s.authority)) out.authority = idsActor(s.authority, false);
  if (isObject(s.verb)) out.verb = { id: s.verb.id as Json };
  const object = s.object;
  if (isObject(object)) {
    const type = object.objectType;
    if (type === undefined || type === 'Activity') out.object = idsActivity(object);
    else if (type === 'Agent' || type === 'Group') out.object = idsActor(object, true);
    else if (type === 'SubStatement') out.object = idsBody(object);
  }
  const context = s.context;
  if (isObject(context)) {
    const c: JsonObject = { ...context };
    if (isObject(context.instructor)) c.instructor = idsActor(context.instructor, false);
    if (isObject(context.team)) c.team = idsActor(context.team, false);
    const ca = context.contextActivities;
    if (isObject(ca)) {
      const mapped: JsonObject = {};
      for (const [key, list] of Object.entries(ca)) {
        mapped[key] = (Array.isArray(list) ? list : [list]).filter(isObject).map(idsActivity);
      }
      c.contextActivities = mapped;
    }
    out.context = c;
  }
  return out;
}

function pickLanguage(map: JsonObject, languages: string[]): JsonObject {
  const keys = Object.keys(map);
  for (const lang of languages) {
    const exact = keys.find((k) => k.toLowerCase() === lang);
    if (exact !== undefined) return { [exact]: map[exact] as Json };
    const prefix = keys.find((k) => k.toLowerCase().split('-')[0] === lang.split('-')[0]);
    if (prefix !== undefined) return { [prefix]: map[prefix] as Json };
  }
  const first = keys[0];
  return first === undefined ? {} : { [first]: map[first] as Json };
}

const LANGUAGE_MAP_KEYS = new Set(['display', 'name', 'description']);

function canonical(value: Json, languages: string[], parentKey: string): Json {
  if (Array.isArray(value)) return value.map((v) => canonical(v, languages, ''));
  if (!isObject(value)) return value;
  if (
    LANGUAGE_MAP_KEYS.has(parentKey) &&
    Object.values(value).every((v) => typeof v === 'string')
  ) {
    return pickLanguage(value, languages);
  }
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    // Extensions are opaque to the LRS.
    out[key] = key === 'extensions' ? v : canonical(v, languages, key);
  }
  return out;
}

/** Parses an Accept-Language header into language tags in order of preference. */
export function acceptedLanguages(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q.trim().slice(2)) };
    })
    .filter((l) => l.tag !== '' && l.tag !== '*' && l.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((l) => l.tag);
}

/** Renders a stored statement in the format the client asked for. */
export function formatStatement(
  s: JsonObject,
  format: StatementFormat,
  languages: string[],
): JsonObject {
  if (format === 'ids') return idsBody(s);
  // Statements stored before the LRS listed every contextActivities value come out as lists too.
  const listed = withContextActivityLists(s);
  if (format === 'canonical') return canonical(listed, languages, '') as JsonObject;
  return listed;
}
