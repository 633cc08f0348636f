import type { AccountAgent } from '../xapi/types.ts';

/**
 * What the browser keeps about the signed-in learner: facts, no secret. With the project's own
 * service the learner's calls are signed in by an HttpOnly session cookie that no script reads
 * (set at enrolment or sign-in with a code); with another LRS, by the site's build-time
 * credential (lrsConfig).
 */
export interface Learner {
  /** The xAPI endpoint, ending in a slash. */
  endpoint: string;
  actor: AccountAgent;
  registration: string;
  trackId?: string;
  cohort?: string;
}

const LEARNER_KEY = 'cp-xapi:learner';

/** Prefixes of the localStorage keys that hold a learner's data on this device. */
export const LOCAL_PREFIXES = ['cp-xapi:', 'cp-quiz:'] as const;

const storage = (): Storage | undefined => {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The signed-in learner, or undefined (none, or a damaged entry). */
export function loadLearner(): Learner | undefined {
  try {
    const value: unknown = JSON.parse(storage()?.getItem(LEARNER_KEY) ?? 'null');
    if (
      isRecord(value) &&
      typeof value.endpoint === 'string' &&
      typeof value.registration === 'string' &&
      isRecord(value.actor)
    ) {
      return value as unknown as Learner;
    }
  } catch {
    // A damaged entry counts as nobody signed in.
  }
  return undefined;
}

/** Signs a learner in on this device. */
export function saveLearner(learner: Learner): void {
  storage()?.setItem(LEARNER_KEY, JSON.stringify(learner));
}

/**
 * The headers that sign a learner's call in: another LRS's build-time credential, or, with the
 * project's own service, a header only the site's scripts can send (the service refuses a call
 * signed in by the cookie without one). Calls go with `credentials: 'same-origin'`, so the
 * session cookie travels with them and never to another origin.
 */
export function sessionHeaders(): Record<string, string> {
  const auth = lrsConfig(window.location.origin).auth;
  return auth === undefined ? { 'X-Requested-With': 'fetch' } : { Authorization: auth };
}

let exchanging: Promise<void> | undefined;

/**
 * Resolves once this device's learner is signed in by the session cookie alone. An entry stored
 * by an older version of the site still holds the learner's credential (`auth`): it is exchanged
 * once for the cookie (POST /api/learner-session, which also revokes it) and deleted. Any answer
 * but a 5xx ends the matter (a second tab's exchange gets 401: the first one's cookie serves
 * both; another LRS's site answers 404); offline, the next call tries again.
 */
export function sessionReady(): Promise<void> {
  const entry = loadLearner() as (Learner & { auth?: unknown }) | undefined;
  if (typeof entry?.auth !== 'string') return Promise.resolve();
  const { auth, ...facts } = entry;
  return (exchanging ??= fetch('/api/learner-session', {
    method: 'POST',
    headers: { 'X-Requested-With': 'fetch', Authorization: auth },
    credentials: 'same-origin',
  })
    .then((response) => {
      if (response.status < 500) saveLearner(facts);
    })
    .catch(() => undefined)
    .finally(() => {
      exchanging = undefined;
    }));
}

/** Forgets the learner and every local trace of their progress (quiz answers, resume points). */
export function clearLocalData(): void {
  const store = storage();
  if (!store) return;
  const keys: string[] = [];
  for (let i = 0; i < store.length; i += 1) {
    const key = store.key(i);
    if (key !== null && LOCAL_PREFIXES.some((prefix) => key.startsWith(prefix))) keys.push(key);
  }
  for (const key of keys) store.removeItem(key);
}

/** The Basic Authorization header value for a key and secret. */
export function basicAuth(key: string, secret: string): string {
  return `Basic ${btoa(`${key}:${secret}`)}`;
}

/** Where tracking goes, as configured at build time. */
export interface LrsConfig {
  /** The xAPI endpoint, ending in a slash. */
  endpoint: string;
  /**
   * Set when the site points at another LRS: a learner-scoped Authorization value given at build
   * time, used instead of an enrolment with the project's own service.
   */
  auth?: string;
}

/**
 * The LRS the site talks to. By default the project's own service at `<origin>/xapi/`. At build
 * time PUBLIC_LRS_ENDPOINT points the site at another LRS, with PUBLIC_LRS_KEY and
 * PUBLIC_LRS_SECRET: a credential that may only write statements and state (it is public).
 */
export function lrsConfig(origin: string): LrsConfig {
  const endpoint = import.meta.env.PUBLIC_LRS_ENDPOINT;
  if (endpoint === undefined || endpoint === '') return { endpoint: `${origin}/xapi/` };
  const key = import.meta.env.PUBLIC_LRS_KEY ?? '';
  const secret = import.meta.env.PUBLIC_LRS_SECRET ?? '';
  return {
    endpoint: endpoint.endsWith('/') ? endpoint : `${endpoint}/`,
    ...(key === '' ? {} : { auth: basicAuth(key, secret) }),
  };
}

/** The site origin that roots activity IRIs and learner accounts (astro.config's `site`). */
export function siteOrigin(): string {
  const site = import.meta.env.SITE;
  return (site || window.location.origin).replace(/\/+$/, '');
}
