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

/** The stored entry as it is (an older one may still hold `auth`), or undefined. */
function readEntry(): (Learner & { auth?: unknown }) | undefined {
  try {
    const value: unknown = JSON.parse(storage()?.getItem(LEARNER_KEY) ?? 'null');
    if (
      isRecord(value) &&
      typeof value.endpoint === 'string' &&
      typeof value.registration === 'string' &&
      isRecord(value.actor)
    ) {
      return value as unknown as Learner & { auth?: unknown };
    }
  } catch {
    // A damaged entry counts as nobody signed in.
  }
  return undefined;
}

/** The facts of a learner alone (an older entry's `auth` left out). */
const factsOf = ({ endpoint, actor, registration, trackId, cohort }: Learner): Learner => ({
  endpoint,
  actor,
  registration,
  ...(trackId === undefined ? {} : { trackId }),
  ...(cohort === undefined ? {} : { cohort }),
});

/** The signed-in learner, or undefined (none, or a damaged entry). */
export function loadLearner(): Learner | undefined {
  const entry = readEntry();
  return entry === undefined ? undefined : factsOf(entry);
}

/** Signs a learner in on this device (their facts; the credential is the session cookie). */
export function saveLearner(learner: Learner): void {
  storage()?.setItem(LEARNER_KEY, JSON.stringify(factsOf(learner)));
}

/** The header that tells the service a call comes from the site's own script (see sessionHeaders). */
const SCRIPT_HEADER = { 'X-Requested-With': 'fetch' } as const;

/**
 * The headers that sign a learner's call in: another LRS's build-time credential, or, with the
 * project's own service, a header only the site's scripts can send (the service refuses a call
 * signed in by the cookie without one). Calls go with `credentials: 'same-origin'`, so the
 * session cookie travels with them and never to another origin.
 */
export function sessionHeaders(): Record<string, string> {
  const auth = lrsConfig(window.location.origin).auth;
  return auth === undefined ? { ...SCRIPT_HEADER } : { Authorization: auth };
}

let exchanging: Promise<void> | undefined;

/**
 * Resolves once this device's learner is signed in by the session cookie alone. A browser that
 * still keeps a credential from before (an `auth` value in its storage) exchanges it once for the
 * cookie (POST /api/learner-session, which also revokes it) and deletes it; offline, the next
 * call tries again. Callers await this before their first call.
 */
export function sessionReady(): Promise<void> {
  exchanging ??= exchangeStoredCredential().finally(() => {
    // Not exchanged (offline): the next call tries again.
    if (typeof readEntry()?.auth === 'string') exchanging = undefined;
  });
  return exchanging;
}

async function exchangeStoredCredential(): Promise<void> {
  if (typeof readEntry()?.auth !== 'string') return;
  const forget = () => {
    const entry = readEntry();
    if (entry) saveLearner(entry);
  };
  if (lrsConfig(window.location.origin).auth !== undefined) {
    // Another LRS: the site's build-time credential signs calls in; nothing to exchange.
    forget();
    return;
  }
  const exchange = async () => {
    // Another tab may have exchanged it while this one waited for the lock.
    const auth = readEntry()?.auth;
    if (typeof auth !== 'string') return;
    try {
      const response = await fetch('/api/learner-session', {
        method: 'POST',
        headers: { ...SCRIPT_HEADER, Authorization: auth },
        credentials: 'same-origin',
      });
      // 201: exchanged. Any other refusal: the credential can never be exchanged (revoked,
      // already exchanged by a tab without the lock, not a learner's), so keeping it helps nothing.
      if (response.status < 500) forget();
    } catch {
      // Offline: the next page tries again.
    }
  };
  try {
    await ('locks' in navigator
      ? navigator.locks.request('cp-learner-session', exchange)
      : exchange());
  } catch {
    // A lock that could not be taken: the next page tries again.
  }
}

/**
 * Signs the learner out with the service: the session ends (on every service process) and its
 * cookie is removed. True once done, false when the service could not be reached. With another
 * LRS there is no session to end.
 */
export async function endSession(): Promise<boolean> {
  if (lrsConfig(window.location.origin).auth !== undefined) return true;
  await sessionReady();
  try {
    const response = await fetch('/api/learner-session', {
      method: 'DELETE',
      headers: { ...SCRIPT_HEADER },
      credentials: 'same-origin',
    });
    return response.ok;
  } catch {
    return false;
  }
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
