import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError, badRequest, forbidden, unauthorized } from '../../http/errors.ts';
import type { FailureLimit } from '../../http/rate-limits.ts';
import type { CredentialRecord, Store } from '../store/types.ts';
import type { JsonObject } from '../xapi/types.ts';
import { agentIfi } from '../xapi/statement-index.ts';
import { verifySecret } from './credentials.ts';

/** An authenticated caller. */
export interface Principal {
  key: string;
  name: string;
  scopes: ReadonlySet<string>;
  /** Set for a learner's credential: everything it does is confined to this Agent. */
  agent: JsonObject | null;
  agentIfi: string | null;
  /** The authority Agent recorded on statements this caller stores. */
  authority: JsonObject;
  authorityIfi: string;
}

/**
 * Browser sessions, for a service whose site signs learners in with a cookie rather than a secret
 * the page keeps (the platform supplies them; the LRS knows only this interface). A session acts as
 * one of the store's credentials: the same scopes, Agent binding, authority and quotas.
 */
export interface CookieSessions {
  /** The session token the request's cookie carries, if any. */
  tokenOf(request: FastifyRequest): string | undefined;
  /** The key of the credential a live session acts as; null when it ended or expired. */
  credentialOf(token: string): Promise<string | null>;
}

/** The code of the 401 for a session cookie that no longer opens anything: the site signs out. */
export const SIGNED_OUT = 'signed_out';

/**
 * The challenge of a 401 to a browser's own call: not Basic, so that the browser never opens its
 * sign-in dialog over the site's pages.
 */
const SESSION_CHALLENGE = 'Cookie realm="xAPI"';

/**
 * Headers that a form or a simple request from another site cannot send: a call signed in by the
 * cookie must carry one of them, so that it comes from a script of the site itself.
 */
function sentByScript(request: FastifyRequest): boolean {
  const h = request.headers;
  if (h['x-experience-api-version'] !== undefined || h['x-requested-with'] !== undefined) {
    return true;
  }
  const type = h['content-type'];
  return typeof type === 'string' && /^\s*application\/json\s*(;|$)/i.test(type);
}

/**
 * Whether a request was made by a script in a browser, not by a navigation: Fetch Metadata, which
 * browsers add and scripts cannot set (Node's fetch sends Sec-Fetch-Mode but no Sec-Fetch-Site).
 */
function fromBrowserScript(request: FastifyRequest): boolean {
  return (
    request.headers['sec-fetch-site'] !== undefined &&
    request.headers['sec-fetch-mode'] !== 'navigate'
  );
}

/** How far a caller may read statements. */
export type ReadAccess = 'all' | 'mine' | 'none';

/** The statement read access a principal's scopes and learner binding give. */
export function statementReadAccess(p: Principal): ReadAccess {
  const s = p.scopes;
  if (s.has('all') || s.has('all/read') || s.has('statements/read')) {
    return p.agent === null ? 'all' : 'mine';
  }
  return s.has('statements/read/mine') ? 'mine' : 'none';
}

/** Throws 403 unless the principal may write statements. */
export function requireStatementWrite(p: Principal): void {
  if (!p.scopes.has('all') && !p.scopes.has('statements/write')) {
    throw forbidden('this credential lacks the statements/write scope');
  }
}

/** Throws 403 unless the principal may use the State resource (reading needs less). */
export function requireState(p: Principal, write: boolean): void {
  const s = p.scopes;
  if (s.has('all') || s.has('state')) return;
  if (!write && s.has('all/read')) return;
  throw forbidden(`this credential lacks the state scope${write ? '' : ' (or all/read)'}`);
}

/** The longest key and secret a Basic header may carry (the service makes 24 and 32). */
export const MAX_KEY_LENGTH = 128;
export const MAX_SECRET_LENGTH = 256;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes Basic credentials: UTF-8 text without control characters, within the lengths above;
 * otherwise a 400 (not a failed sign-in: such a pair matches no credential). A NUL must never
 * reach the secret check: scrypt's PBKDF2 pads a short password with zero bytes, so "secret"
 * followed by NULs would derive the same key as "secret".
 */
function basicCredentials(base64: string): string {
  let decoded: string;
  try {
    decoded = UTF8.decode(Buffer.from(base64, 'base64'));
  } catch {
    throw badRequest('Basic credentials must be UTF-8 text');
  }
  if (/[\p{Cc}\p{Cs}]/u.test(decoded)) {
    throw badRequest('Basic credentials must not contain control characters (U+0000 among them)');
  }
  const colon = decoded.indexOf(':');
  const keyLength = colon < 0 ? decoded.length : colon;
  if (keyLength > MAX_KEY_LENGTH || decoded.length - keyLength - 1 > MAX_SECRET_LENGTH) {
    throw badRequest(
      `Basic credentials: a key is at most ${MAX_KEY_LENGTH} characters and a secret at most ${MAX_SECRET_LENGTH}`,
    );
  }
  return decoded;
}

/**
 * Checks Basic-auth credentials against the store. A successful scrypt check is remembered per
 * (key, secret digest, stored hash), so steady traffic costs one indexed lookup, and revocation
 * still takes effect on the next request. Secrets not seen before are checked one at a time per
 * client address, and each failed check counts against the address's failure limit (the
 * service's rate-limit plugin) before the next one runs; past it every request from that address is
 * answered 429 at once, good credentials included, until the window ends (Communication 3.2).
 * The service makes one Authenticator, in its composition root, for the LRS and the platform.
 */
export class Authenticator {
  readonly #store: Store;
  readonly #homePage: string;
  readonly #verified = new Map<string, number>();
  readonly #failures: FailureLimit | undefined;
  /** Per client address, the end of the queue of secret checks (see #checkSecret). */
  readonly #queues = new Map<string, Promise<unknown>>();
  /** 401s already counted against the address's failure limit. */
  readonly #counted = new WeakSet<Error>();
  readonly #sessions: CookieSessions | undefined;

  constructor(
    store: Store,
    authorityHomePage: string,
    failures?: FailureLimit,
    sessions?: CookieSessions,
  ) {
    this.#store = store;
    this.#homePage = authorityHomePage;
    this.#failures = failures;
    this.#sessions = sessions;
  }

  /** Whether a request carries a credential: an Authorization header, or the session cookie. */
  hasCredential(request: FastifyRequest): boolean {
    const header = request.headers.authorization;
    if (header !== undefined && header !== '') return true;
    return this.#sessions?.tokenOf(request) !== undefined;
  }

  /**
   * Authenticates a request, or throws 401 (or 429 past the limit). An Authorization header wins;
   * without one, the session cookie (when the service has sessions), which also needs a header
   * that only a script of the site can send (403 without it).
   */
  async authenticate(request: FastifyRequest): Promise<Principal> {
    await this.#failures?.check(request);
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      const token = this.#sessions?.tokenOf(request);
      if (token !== undefined) return this.#fromSession(token, request);
      throw new HttpError(
        401,
        'authentication required: send Basic credentials (key:secret)',
        undefined,
        fromBrowserScript(request) ? { headers: { 'WWW-Authenticate': SESSION_CHALLENGE } } : {},
      );
    }
    try {
      return await this.#verify(header, request);
    } catch (error) {
      if (error instanceof HttpError && error.status === 401 && !this.#counted.has(error)) {
        await this.#failures?.fail(request);
      }
      throw error;
    }
  }

  /**
   * Runs the scrypt check of a secret not seen before, one at a time per client address, and
   * counts a wrong secret before the next check starts: a burst of parallel guesses from one
   * address gets no more checks than the failure limit allows (the rest 429 without scrypt), and
   * costs the service one check at a time, not one per request in flight.
   */
  async #checkSecret(request: FastifyRequest, secret: string, hash: string): Promise<void> {
    const address = request.ip;
    const previous = this.#queues.get(address) ?? Promise.resolve();
    const run = previous.then(async () => {
      await this.#failures?.check(request);
      if (await verifySecret(secret, hash)) return;
      const error = unauthorized('wrong secret for this credential');
      await this.#failures?.fail(request);
      this.#counted.add(error);
      throw error;
    });
    const tail = run.catch(() => undefined);
    this.#queues.set(address, tail);
    try {
      await run;
    } finally {
      if (this.#queues.get(address) === tail) this.#queues.delete(address);
    }
  }

  /**
   * The principal of a session cookie: the credential the session acts as. A wrong or ended token
   * is not counted as a failed sign-in (it is 32 random bytes, nothing to guess, and a classroom
   * behind one address must not be locked out by its own stale cookies).
   */
  async #fromSession(token: string, request: FastifyRequest): Promise<Principal> {
    const site = request.headers['sec-fetch-site'];
    if (
      !sentByScript(request) ||
      (site !== undefined && site !== 'same-origin' && site !== 'none')
    ) {
      throw forbidden(
        'a call signed in by the session cookie must come from the site itself: send ' +
          'X-Experience-API-Version (xAPI), X-Requested-With or a JSON Content-Type, or use Basic credentials',
        'session_header_required',
      );
    }
    const signedOut = () =>
      new HttpError(
        401,
        'you are signed out on this device (the session ended or expired): enrol, or sign in with a code',
        SIGNED_OUT,
        { headers: { 'WWW-Authenticate': SESSION_CHALLENGE } },
      );
    const key = await this.#sessions?.credentialOf(token);
    if (key === undefined || key === null) throw signedOut();
    const record = await this.#store.findCredential(key);
    if (record?.revokedAt !== null) throw signedOut();
    return this.#principal(record);
  }

  async #verify(header: string, request: FastifyRequest): Promise<Principal> {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!match?.[1])
      throw unauthorized('the Authorization header must be "Basic <base64 key:secret>"');
    const decoded = basicCredentials(match[1]);
    const colon = decoded.indexOf(':');
    if (colon < 1) throw unauthorized('Basic credentials must be "key:secret"');
    const key = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    const record = await this.#store.findCredential(key);
    if (record?.revokedAt !== null) throw unauthorized('unknown or revoked credential');
    const cacheKey = `${key}\u0000${createHash('sha256').update(secret).digest('hex')}\u0000${record.secretHash}`;
    if (!this.#verified.has(cacheKey)) {
      await this.#checkSecret(request, secret, record.secretHash);
      if (this.#verified.size > 10_000) this.#verified.clear();
      this.#verified.set(cacheKey, Date.now());
    }
    return this.#principal(record);
  }

  #principal(record: CredentialRecord): Principal {
    const authority: JsonObject = {
      objectType: 'Agent',
      name: record.name,
      account: { homePage: this.#homePage, name: record.key },
    };
    return {
      key: record.key,
      name: record.name,
      scopes: new Set(record.scopes),
      agent: record.agent,
      agentIfi: record.agentIfi,
      authority,
      authorityIfi: agentIfi(authority) ?? '',
    };
  }
}
