import { createHash } from 'node:crypto';
import type { Json, JsonObject } from './types.ts';
import { VOIDED_VERB, isObject } from './validate.ts';

/** The columns the store indexes for one statement, derived from its JSON. */
export interface StatementIndex {
  verbId: string;
  actorIfi: string | null;
  registration: string | null;
  /** The statement this one voids, when it is a voiding statement. */
  voids: string | null;
  /** Agents and identified Groups: direct ones (actor, object) match the agent filter. */
  agents: { ifi: string; direct: boolean }[];
  /** Activities: the direct one (object) matches the activity filter. */
  activities: { id: string; direct: boolean }[];
}

/**
 * The canonical identifier string of an Agent or identified Group, or null for an anonymous
 * Group; two agents are the same agent exactly when these strings are equal.
 */
export function agentIfi(agent: JsonObject): string | null {
  const kind = agent.objectType === 'Group' ? 'group' : 'agent';
  if (typeof agent.mbox === 'string') return `${kind}|mbox|${agent.mbox.toLowerCase()}`;
  if (typeof agent.mbox_sha1sum === 'string') {
    return `${kind}|sha1|${agent.mbox_sha1sum.toLowerCase()}`;
  }
  if (typeof agent.openid === 'string') return `${kind}|openid|${agent.openid}`;
  const account = agent.account;
  if (isObject(account)) return `${kind}|account|${text(account.homePage)}|${text(account.name)}`;
  return null;
}

// Validated statements hold strings where these are read; anything else is made visible.
function text(value: Json | undefined): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function asList(value: Json | undefined): JsonObject[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

function addActor(index: StatementIndex, actor: Json | undefined, direct: boolean): void {
  if (!isObject(actor)) return;
  const ifi = agentIfi(actor);
  if (ifi !== null) index.agents.push({ ifi, direct });
  // A member of a Group acted too, so the agent filter finds statements by its groups.
  for (const member of asList(actor.member)) {
    const memberIfi = agentIfi(member);
    if (memberIfi !== null) index.agents.push({ ifi: memberIfi, direct });
  }
}

function addBody(index: StatementIndex, s: JsonObject, top: boolean): void {
  addActor(index, s.actor, top);
  const object = s.object;
  if (isObject(object)) {
    const type = object.objectType;
    if (type === 'Agent' || type === 'Group') addActor(index, object, top);
    else if (type === undefined || type === 'Activity') {
      index.activities.push({ id: text(object.id), direct: top });
    } else if (type === 'SubStatement') addBody(index, object, false);
  }
  const context = s.context;
  if (isObject(context)) {
    addActor(index, context.instructor, false);
    addActor(index, context.team, false);
    const ca = context.contextActivities;
    if (isObject(ca)) {
      for (const key of ['parent', 'grouping', 'category', 'other']) {
        for (const a of asList(ca[key])) index.activities.push({ id: text(a.id), direct: false });
      }
    }
  }
}

function dedupe<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (!seen.has(k)) seen.set(k, item);
  }
  return [...seen.values()];
}

/** Derives the indexed columns of a validated statement. */
export function indexStatement(s: JsonObject): StatementIndex {
  const verb = s.verb as JsonObject;
  const verbId = text(verb.id);
  const object = s.object as JsonObject;
  const context = isObject(s.context) ? s.context : undefined;
  const registration = context !== undefined ? context.registration : undefined;
  const actorIfi = isObject(s.actor) ? agentIfi(s.actor) : null;
  const index: StatementIndex = {
    verbId,
    actorIfi,
    registration: typeof registration === 'string' ? registration.toLowerCase() : null,
    voids: verbId === VOIDED_VERB ? text(object.id).toLowerCase() : null,
    agents: [],
    activities: [],
  };
  addBody(index, s, true);
  addActor(index, s.authority, false);
  // A direct match wins over a related one, so sort direct entries first before deduping.
  index.agents = dedupe(
    index.agents.sort((a, b) => Number(b.direct) - Number(a.direct)),
    (a) => a.ifi,
  );
  index.activities = dedupe(
    index.activities.sort((a, b) => Number(b.direct) - Number(a.direct)),
    (a) => a.id,
  );
  return index;
}

/** JSON with object keys sorted at every depth, so equal values give equal text. */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as Json)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * A digest of what the client sent, ignoring the properties the LRS sets and key order, so an
 * identical re-send can be told apart from a different statement under the same id.
 */
export function statementFingerprint(s: JsonObject): string {
  const rest: JsonObject = { ...s };
  delete rest.stored;
  delete rest.authority;
  delete rest.version;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}
