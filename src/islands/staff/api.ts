import type strings from '../../i18n/en/dashboard.json';

/** The dashboard's UI strings, as the islands receive them. */
export type DashboardStrings = typeof strings;

/** What a dashboard page gives its island: the language, the strings and the course's names. */
export interface PageProps {
  lang: 'en' | 'fr';
  t: DashboardStrings;
  /** Track ids and their titles in the page's language. */
  tracks: Record<string, string>;
  /** Module ids and their titles. */
  modules: Record<string, string>;
}

/** Who is signed in, and the token that every change must carry. */
export interface StaffSession {
  name: string;
  role: 'admin' | 'dpo' | 'trainer';
  csrfToken: string;
  /** The password was made by an administrator: nothing opens until the holder chooses one. */
  mustChangePassword?: boolean;
}

/** A failed API call, with its HTTP status (0 when the network failed). */
export class HttpError extends Error {
  readonly status: number;
  /** The error's JSON body ({ error, code, message }), when it had one. */
  readonly body: unknown;
  constructor(status: number, body?: unknown) {
    super(`HTTP ${String(status)}`);
    this.status = status;
    this.body = body;
  }
}

/** A JSON API call with the session cookie; changes carry the CSRF token in x-csrf-token. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; csrf?: string } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      headers: {
        ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(init.csrf === undefined ? {} : { 'x-csrf-token': init.csrf }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch {
    throw new HttpError(0);
  }
  if (!res.ok) throw new HttpError(res.status, await res.json().catch(() => undefined));
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** The current staff session, or null when nobody is signed in. */
export async function currentSession(): Promise<StaffSession | null> {
  try {
    return await api<StaffSession>('/api/staff/session');
  } catch (error) {
    if (error instanceof HttpError && (error.status === 401 || error.status === 403)) return null;
    throw error;
  }
}

/** A date and time in the page's language. */
export function when(iso: string | null, lang: string): string {
  return iso === null
    ? ''
    : new Date(iso).toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', {
        dateStyle: 'medium',
        timeStyle: 'short',
      });
}

/** A time of day (hours and minutes) in the page's language. */
export function clock(at: Date | string, lang: string): string {
  return new Date(at).toLocaleTimeString(lang === 'fr' ? 'fr-FR' : 'en-GB', { timeStyle: 'short' });
}

/** A share as a whole percentage in the page's language. */
export function percent(value: number, lang: string): string {
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(value);
}
