import { badRequest } from '../../http/errors.ts';
import type { Json, JsonObject } from './types.ts';
import {
  isDuration,
  isIri,
  isLanguageTag,
  isMailto,
  isSha1,
  isUuid,
  parseTimestamp,
} from './formats.ts';
import { MAX_EXTENSION_DEPTH, valueDepth } from './json-text.ts';

/** The verb that marks a statement as voiding another. */
export const VOIDED_VERB = 'http://adlnet.gov/expapi/verbs/voided';

const INTERACTION_TYPES = new Set([
  'true-false',
  'choice',
  'fill-in',
  'long-fill-in',
  'matching',
  'performance',
  'sequencing',
  'likert',
  'numeric',
  'other',
]);

const IFI_KEYS = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const;

function fail(path: string, message: string): never {
  throw badRequest(`${path}: ${message}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** Tells whether a value is a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, path: string): JsonObject {
  if (!isObject(value)) fail(path, `must be an object, got ${describe(value)}`);
  return value;
}

function allowOnly(obj: JsonObject, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      fail(path, `unknown property "${key}" (allowed: ${allowed.join(', ')})`);
    }
  }
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, `must be a string, got ${describe(value)}`);
  return value;
}

function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, `must be a boolean, got ${describe(value)}`);
  return value;
}

function number(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    fail(path, `must be a number, got ${describe(value)}`);
  }
  return value;
}

function iri(value: unknown, path: string): string {
  const s = string(value, path);
  if (!isIri(s)) fail(path, `must be an absolute IRI, got "${s}"`);
  return s;
}

function uuid(value: unknown, path: string): string {
  const s = string(value, path);
  if (!isUuid(s)) fail(path, `must be a UUID in standard form, got "${s}"`);
  return s;
}

function languageMap(value: unknown, path: string): void {
  const map = object(value, path);
  for (const [tag, text] of Object.entries(map)) {
    if (!isLanguageTag(tag)) fail(path, `"${tag}" is not an RFC 5646 language tag`);
    string(text, `${path}.${tag}`);
  }
}

function extensions(value: unknown, path: string): void {
  const map = object(value, path);
  for (const [key, v] of Object.entries(map)) {
    if (!isIri(key)) fail(path, `extension key "${key}" must be an absolute IRI`);
    if (valueDepth(v, MAX_EXTENSION_DEPTH) > MAX_EXTENSION_DEPTH) {
      fail(
        `${path}["${key}"]`,
        `an extension value may nest arrays and objects at most ${MAX_EXTENSION_DEPTH} levels deep`,
      );
    }
  }
}

function timestamp(value: unknown, path: string): void {
  const s = string(value, path);
  if (parseTimestamp(s) === null) fail(path, `must be an ISO 8601 timestamp, got "${s}"`);
}

function account(value: unknown, path: string): void {
  const acc = object(value, path);
  allowOnly(acc, path, ['homePage', 'name']);
  if (acc.homePage === undefined) fail(path, 'must have "homePage"');
  if (acc.name === undefined) fail(path, 'must have "name"');
  iri(acc.homePage, `${path}.homePage`);
  string(acc.name, `${path}.name`);
}

function ifiCount(obj: JsonObject, path: string): number {
  let count = 0;
  for (const key of IFI_KEYS) {
    const v = obj[key];
    if (v === undefined) continue;
    count++;
    const p = `${path}.${key}`;
    if (key === 'mbox' && !isMailto(v)) fail(p, 'must be a "mailto:" IRI with an email address');
    if (key === 'mbox_sha1sum' && !isSha1(v)) fail(p, 'must be a hex SHA-1 digest');
    if (key === 'openid') iri(v, p);
    if (key === 'account') account(v, p);
  }
  return count;
}

/** Validates an Agent (one with exactly one inverse functional identifier). */
export function validateAgent(value: unknown, path: string): void {
  const agent = object(value, path);
  allowOnly(agent, path, ['objectType', 'name', ...IFI_KEYS]);
  if (agent.objectType !== undefined && agent.objectType !== 'Agent') {
    fail(path, `objectType must be "Agent", got ${JSON.stringify(agent.objectType)}`);
  }
  if (agent.name !== undefined) string(agent.name, `${path}.name`);
  const n = ifiCount(agent, path);
  if (n === 0) fail(path, 'an Agent needs one of mbox, mbox_sha1sum, openid or account');
  if (n > 1) fail(path, 'an Agent must have exactly one of mbox, mbox_sha1sum, openid, account');
}

function group(value: JsonObject, path: string): void {
  allowOnly(value, path, ['objectType', 'name', 'member', ...IFI_KEYS]);
  if (value.name !== undefined) string(value.name, `${path}.name`);
  const n = ifiCount(value, path);
  if (n > 1) fail(path, 'a Group may have at most one of mbox, mbox_sha1sum, openid, account');
  const member = value.member;
  if (n === 0 && member === undefined) fail(path, 'an anonymous Group must list its "member"s');
  if (member !== undefined) {
    if (!Array.isArray(member)) fail(`${path}.member`, `must be an array, got ${describe(member)}`);
    if (n === 0 && member.length === 0) fail(`${path}.member`, 'an anonymous Group needs members');
    member.forEach((m, i) => {
      validateAgent(m, `${path}.member[${i}]`);
    });
  }
}

/** Validates an Agent or a Group. */
export function validateActor(value: unknown, path: string): void {
  const actor = object(value, path);
  if (actor.objectType === 'Group') group(actor, path);
  else validateAgent(actor, path);
}

function interactionComponents(value: unknown, path: string): void {
  if (!Array.isArray(value)) fail(path, `must be an array, got ${describe(value)}`);
  const ids = new Set<string>();
  value.forEach((c, i) => {
    const p = `${path}[${i}]`;
    const comp = object(c, p);
    allowOnly(comp, p, ['id', 'description']);
    const id = string(comp.id, `${p}.id`);
    if (ids.has(id)) fail(p, `duplicate interaction component id "${id}"`);
    ids.add(id);
    if (comp.description !== undefined) languageMap(comp.description, `${p}.description`);
  });
}

function activityDefinition(value: unknown, path: string): void {
  const def = object(value, path);
  allowOnly(def, path, [
    'name',
    'description',
    'type',
    'moreInfo',
    'extensions',
    'interactionType',
    'correctResponsesPattern',
    'choices',
    'scale',
    'source',
    'target',
    'steps',
  ]);
  if (def.name !== undefined) languageMap(def.name, `${path}.name`);
  if (def.description !== undefined) languageMap(def.description, `${path}.description`);
  if (def.type !== undefined) iri(def.type, `${path}.type`);
  if (def.moreInfo !== undefined) iri(def.moreInfo, `${path}.moreInfo`);
  if (def.extensions !== undefined) extensions(def.extensions, `${path}.extensions`);
  const interactionType = def.interactionType;
  if (interactionType !== undefined) {
    const t = string(interactionType, `${path}.interactionType`);
    if (!INTERACTION_TYPES.has(t)) {
      fail(`${path}.interactionType`, `"${t}" is not an xAPI interaction type`);
    }
  }
  const pattern = def.correctResponsesPattern;
  // Data 2.4.4.1: the interaction properties describe an interaction of a given type.
  if (pattern !== undefined && interactionType === undefined) {
    fail(`${path}.correctResponsesPattern`, 'an interaction definition needs an "interactionType"');
  }
  if (pattern !== undefined) {
    if (!Array.isArray(pattern)) fail(`${path}.correctResponsesPattern`, 'must be an array');
    pattern.forEach((p, i) => string(p, `${path}.correctResponsesPattern[${i}]`));
  }
  for (const key of ['choices', 'scale', 'source', 'target', 'steps']) {
    if (def[key] === undefined) continue;
    if (interactionType === undefined) {
      fail(`${path}.${key}`, 'interaction components need an "interactionType"');
    }
    interactionComponents(def[key], `${path}.${key}`);
  }
}

function activity(value: unknown, path: string): void {
  const act = object(value, path);
  allowOnly(act, path, ['objectType', 'id', 'definition']);
  if (act.objectType !== undefined && act.objectType !== 'Activity') {
    fail(path, `objectType must be "Activity", got ${JSON.stringify(act.objectType)}`);
  }
  if (act.id === undefined) fail(path, 'an Activity needs an "id"');
  iri(act.id, `${path}.id`);
  if (act.definition !== undefined) activityDefinition(act.definition, `${path}.definition`);
}

function statementRef(value: JsonObject, path: string): void {
  allowOnly(value, path, ['objectType', 'id']);
  if (value.id === undefined) fail(path, 'a StatementRef needs an "id"');
  uuid(value.id, `${path}.id`);
}

function verb(value: unknown, path: string): void {
  const v = object(value, path);
  allowOnly(v, path, ['id', 'display']);
  if (v.id === undefined) fail(path, 'a Verb needs an "id"');
  iri(v.id, `${path}.id`);
  if (v.display !== undefined) languageMap(v.display, `${path}.display`);
}

function score(value: unknown, path: string): void {
  const s = object(value, path);
  allowOnly(s, path, ['scaled', 'raw', 'min', 'max']);
  const scaled = s.scaled === undefined ? undefined : number(s.scaled, `${path}.scaled`);
  const raw = s.raw === undefined ? undefined : number(s.raw, `${path}.raw`);
  const min = s.min === undefined ? undefined : number(s.min, `${path}.min`);
  const max = s.max === undefined ? undefined : number(s.max, `${path}.max`);
  if (scaled !== undefined && (scaled < -1 || scaled > 1)) {
    fail(`${path}.scaled`, `must be between -1 and 1, got ${scaled}`);
  }
  if (min !== undefined && max !== undefined && min >= max) {
    fail(path, `min (${min}) must be less than max (${max})`);
  }
  if (raw !== undefined && min !== undefined && raw < min) {
    fail(`${path}.raw`, `must not be below min (${min}), got ${raw}`);
  }
  if (raw !== undefined && max !== undefined && raw > max) {
    fail(`${path}.raw`, `must not be above max (${max}), got ${raw}`);
  }
}

function result(value: unknown, path: string): void {
  const r = object(value, path);
  allowOnly(r, path, ['score', 'success', 'completion', 'response', 'duration', 'extensions']);
  if (r.score !== undefined) score(r.score, `${path}.score`);
  if (r.success !== undefined) boolean(r.success, `${path}.success`);
  if (r.completion !== undefined) boolean(r.completion, `${path}.completion`);
  if (r.response !== undefined) string(r.response, `${path}.response`);
  if (r.duration !== undefined) {
    const d = string(r.duration, `${path}.duration`);
    if (!isDuration(d)) fail(`${path}.duration`, `must be an ISO 8601 duration, got "${d}"`);
  }
  if (r.extensions !== undefined) extensions(r.extensions, `${path}.extensions`);
}

function contextActivities(value: unknown, path: string): void {
  const ca = object(value, path);
  allowOnly(ca, path, ['parent', 'grouping', 'category', 'other']);
  for (const [key, list] of Object.entries(ca)) {
    if (Array.isArray(list))
      list.forEach((a, i) => {
        activity(a, `${path}.${key}[${i}]`);
      });
    else activity(list, `${path}.${key}`);
  }
}

function context(value: unknown, path: string, objectIsActivity: boolean): void {
  const c = object(value, path);
  allowOnly(c, path, [
    'registration',
    'instructor',
    'team',
    'contextActivities',
    'revision',
    'platform',
    'language',
    'statement',
    'extensions',
  ]);
  if (c.registration !== undefined) uuid(c.registration, `${path}.registration`);
  if (c.instructor !== undefined) validateActor(c.instructor, `${path}.instructor`);
  if (c.team !== undefined) {
    const team = object(c.team, `${path}.team`);
    if (team.objectType !== 'Group') fail(`${path}.team`, 'must be a Group');
    group(team, `${path}.team`);
  }
  if (c.contextActivities !== undefined) {
    contextActivities(c.contextActivities, `${path}.contextActivities`);
  }
  for (const key of ['revision', 'platform']) {
    if (c[key] === undefined) continue;
    string(c[key], `${path}.${key}`);
    if (!objectIsActivity)
      fail(`${path}.${key}`, 'may only be used when the object is an Activity');
  }
  if (c.language !== undefined) {
    const lang = string(c.language, `${path}.language`);
    if (!isLanguageTag(lang)) fail(`${path}.language`, `"${lang}" is not an RFC 5646 language tag`);
  }
  if (c.statement !== undefined) {
    const ref = object(c.statement, `${path}.statement`);
    if (ref.objectType !== 'StatementRef') {
      fail(`${path}.statement`, 'objectType must be "StatementRef"');
    }
    statementRef(ref, `${path}.statement`);
  }
  if (c.extensions !== undefined) extensions(c.extensions, `${path}.extensions`);
}

function attachments(value: unknown, path: string): void {
  if (!Array.isArray(value)) fail(path, `must be an array, got ${describe(value)}`);
  value.forEach((a, i) => {
    const p = `${path}[${i}]`;
    const att = object(a, p);
    allowOnly(att, p, [
      'usageType',
      'display',
      'description',
      'contentType',
      'length',
      'sha2',
      'fileUrl',
    ]);
    for (const key of ['usageType', 'display', 'contentType', 'length', 'sha2']) {
      if (att[key] === undefined) fail(p, `an attachment needs "${key}"`);
    }
    iri(att.usageType, `${p}.usageType`);
    languageMap(att.display, `${p}.display`);
    if (att.description !== undefined) languageMap(att.description, `${p}.description`);
    string(att.contentType, `${p}.contentType`);
    const length = number(att.length, `${p}.length`);
    if (!Number.isInteger(length) || length < 0) {
      fail(`${p}.length`, 'must be a non-negative integer');
    }
    string(att.sha2, `${p}.sha2`);
    // Without a fileUrl the content must come as a multipart part (checked with the parts).
    if (att.fileUrl !== undefined) iri(att.fileUrl, `${p}.fileUrl`);
  });
}

function statementObject(value: unknown, path: string, inSubStatement: boolean): void {
  const obj = object(value, path);
  const type = obj.objectType;
  if (type === undefined || type === 'Activity') activity(obj, path);
  else if (type === 'Agent') validateAgent(obj, path);
  else if (type === 'Group') group(obj, path);
  else if (type === 'StatementRef') statementRef(obj, path);
  else if (type === 'SubStatement') {
    if (inSubStatement) fail(path, 'a SubStatement must not contain another SubStatement');
    body(obj, path, true);
  } else fail(path, `unknown objectType ${JSON.stringify(type)}`);
}

function body(s: JsonObject, path: string, sub: boolean): void {
  const allowed = sub
    ? ['objectType', 'actor', 'verb', 'object', 'result', 'context', 'timestamp', 'attachments']
    : [
        'id',
        'actor',
        'verb',
        'object',
        'result',
        'context',
        'timestamp',
        'stored',
        'authority',
        'version',
        'attachments',
      ];
  allowOnly(s, path, allowed);
  for (const key of ['actor', 'verb', 'object']) {
    if (s[key] === undefined) fail(path, `a statement needs "${key}"`);
  }
  validateActor(s.actor, `${path}.actor`);
  verb(s.verb, `${path}.verb`);
  statementObject(s.object, `${path}.object`, sub);
  if (s.result !== undefined) result(s.result, `${path}.result`);
  if (s.context !== undefined) {
    const target = s.object as JsonObject;
    const isActivity = target.objectType === undefined || target.objectType === 'Activity';
    context(s.context, `${path}.context`, isActivity);
  }
  if (s.timestamp !== undefined) timestamp(s.timestamp, `${path}.timestamp`);
  if (s.attachments !== undefined) attachments(s.attachments, `${path}.attachments`);
}

function rejectNulls(value: Json, path: string): void {
  if (value === null) fail(path, 'must not be null');
  if (Array.isArray(value))
    value.forEach((v, i) => {
      rejectNulls(v, `${path}[${i}]`);
    });
  else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      // Extensions hold arbitrary JSON, null included.
      if (key === 'extensions') continue;
      rejectNulls(v, `${path}.${key}`);
    }
  }
}

/**
 * Throws 400 on text PostgreSQL cannot store in jsonb: the character U+0000, and unpaired
 * surrogates (not Unicode at all). Checked everywhere, extensions and keys included, so that a
 * statement the LRS acknowledges can always be stored, and an agent it is asked about can be
 * looked up.
 */
export function checkStorableText(value: Json, path: string): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      fail(path, 'contains the character U+0000, which cannot be stored');
    if (!value.isWellFormed())
      fail(path, 'is not well-formed Unicode (it has an unpaired surrogate)');
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      checkStorableText(v, `${path}[${i}]`);
    });
  } else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      checkStorableText(key, `${path} (a key)`);
      checkStorableText(v, `${path}.${key}`);
    }
  }
}

// Data 2.4.9: an authority is an Agent, or a Group of exactly two Agents (a three-legged OAuth
// pair: the application and the user).
function authority(value: unknown, path: string): void {
  validateActor(value, path);
  const a = value as JsonObject;
  if (a.objectType !== 'Group') return;
  const member = a.member;
  if (!Array.isArray(member) || member.length !== 2) {
    fail(
      path,
      `a Group as authority must be an OAuth pair of exactly two Agents, got ${Array.isArray(member) ? member.length : 'no'} members`,
    );
  }
}

const CONTEXT_ACTIVITY_KEYS = ['parent', 'grouping', 'category', 'other'];

/**
 * The statement with every contextActivities value as an array (Data 2.4.6.2: a single Activity
 * is returned as an array of one); the same object when there is nothing to change.
 */
export function withContextActivityLists(s: JsonObject): JsonObject {
  let out = s;
  const context = s.context;
  if (isObject(context) && isObject(context.contextActivities)) {
    const ca = context.contextActivities;
    if (CONTEXT_ACTIVITY_KEYS.some((k) => ca[k] !== undefined && !Array.isArray(ca[k]))) {
      const lists: JsonObject = {};
      for (const [k, v] of Object.entries(ca)) lists[k] = Array.isArray(v) ? v : [v];
      out = { ...out, context: { ...context, contextActivities: lists } };
    }
  }
  const object = s.object;
  if (isObject(object) && object.objectType === 'SubStatement') {
    const sub = withContextActivityLists(object);
    if (sub !== object) out = { ...out, object: sub };
  }
  return out;
}

/** Validates one statement as xAPI 1.0.3 defines it; throws a 400 HttpError naming the field. */
export function validateStatement(value: unknown, path = 'statement'): JsonObject {
  const s = object(value, path);
  rejectNulls(s, path);
  checkStorableText(s, path);
  body(s, path, false);
  if (s.id !== undefined) uuid(s.id, `${path}.id`);
  if (s.stored !== undefined) timestamp(s.stored, `${path}.stored`);
  if (s.authority !== undefined) authority(s.authority, `${path}.authority`);
  if (s.version !== undefined) {
    const v = string(s.version, `${path}.version`);
    if (!/^1\.0(\.\d+)?$/.test(v)) fail(`${path}.version`, `must be 1.0.x, got "${v}"`);
  }
  const verbId = (s.verb as JsonObject).id;
  if (verbId === VOIDED_VERB && (s.object as JsonObject).objectType !== 'StatementRef') {
    fail(`${path}.object`, 'a voiding statement must have a StatementRef as its object');
  }
  return s;
}
