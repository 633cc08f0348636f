import { createHash } from 'node:crypto';
import { TooManyRequests, forbidden, unauthorized } from '../../http/errors.ts';
import type { Store } from '../store/types.ts';
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

/** Tunables for failed-authentication slowdown. */
export interface ThrottleOptions {
  /** Failures from one address allowed before responses slow down. */
  freeFailures?: number;
  /** First delay, doubled with each further failure. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

interface FailureRecord {
  count: number;
  last: number;
}

const FORGET_AFTER_MS = 15 * 60 * 1000;

/**
 * Checks Basic-auth credentials against the store. A successful scrypt check is remembered per
 * (key, secret digest, stored hash), so steady traffic costs one indexed lookup, and revocation
 * still takes effect on the next request.
 */
export class Authenticator {
  readonly #store: Store;
  readonly #homePage: string;
  readonly #verified = new Map<string, number>();
  readonly #failures = new Map<string, FailureRecord>();
  readonly #free: number;
  readonly #base: number;
  readonly #max: number;

  constructor(store: Store, authorityHomePage: string, throttle: ThrottleOptions = {}) {
    this.#store = store;
    this.#homePage = authorityHomePage;
    this.#free = throttle.freeFailures ?? 5;
    this.#base = throttle.baseDelayMs ?? 250;
    this.#max = throttle.maxDelayMs ?? 10_000;
  }

  /**
   * How long, in ms, this address must still wait before its credentials are checked again:
   * after the free failures each further attempt must come at least a delay after the last
   * failure, the delay doubling with each failure up to the maximum.
   */
  waitFor(address: string): number {
    const rec = this.#failures.get(address);
    const now = Date.now();
    if (rec === undefined || now - rec.last > FORGET_AFTER_MS) return 0;
    const over = rec.count - this.#free;
    if (over < 0) return 0;
    const delay = Math.min(this.#max, this.#base * 2 ** over);
    return Math.max(0, rec.last + delay - now);
  }

  #fail(address: string, message: string): never {
    const rec = this.#failures.get(address);
    const fresh = rec === undefined || Date.now() - rec.last > FORGET_AFTER_MS;
    this.#failures.set(address, { count: fresh ? 1 : rec.count + 1, last: Date.now() });
    if (this.#failures.size > 10_000) {
      for (const [addr, r] of this.#failures) {
        if (Date.now() - r.last > FORGET_AFTER_MS) this.#failures.delete(addr);
      }
    }
    throw unauthorized(message);
  }

  /** Authenticates an Authorization header value, or throws 401. */
  async authenticate(header: string | undefined, address: string): Promise<Principal> {
    // Answered at once, without checking credentials, so that guessing costs the client time
    // and the service nothing (Communication 3.2: 429 for too many requests).
    const wait = this.waitFor(address);
    if (wait > 0) {
      throw new TooManyRequests(
        'too many failed authentications from this address; wait before trying again',
        Math.ceil(wait / 1000),
      );
    }
    if (header === undefined || header === '') {
      throw unauthorized('authentication required: send Basic credentials (key:secret)');
    }
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!match?.[1])
      this.#fail(address, 'the Authorization header must be "Basic <base64 key:secret>"');
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) this.#fail(address, 'Basic credentials must be "key:secret"');
    const key = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    const record = await this.#store.findCredential(key);
    if (record?.revokedAt !== null) {
      this.#fail(address, 'unknown or revoked credential');
    }
    const cacheKey = `${key}\u0000${createHash('sha256').update(secret).digest('hex')}\u0000${record.secretHash}`;
    if (!this.#verified.has(cacheKey)) {
      if (!(await verifySecret(secret, record.secretHash))) {
        this.#fail(address, 'wrong secret for this credential');
      }
      if (this.#verified.size > 10_000) this.#verified.clear();
      this.#verified.set(cacheKey, Date.now());
    }
    this.#failures.delete(address);
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
