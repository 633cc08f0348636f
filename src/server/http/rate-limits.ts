// Every limit of the service goes through @fastify/rate-limit, registered once in the
// composition root (app.ts). Its counters live in the plugin's store: in memory for the embedded
// store (one process per data folder), or in a PostgreSQL table (SqlRateLimitStore below) that
// every service process on the database shares, so that a limit counts across all of them.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Counters } from './counters.ts';
import { HttpError, tooManyRequests } from './errors.ts';

/** At most `max` in each window of `windowMs` milliseconds. */
export interface Limit {
  max: number;
  windowMs: number;
}

/** The service's limits; each has a default suited to a classroom behind one address. */
export interface RateLimits {
  /** Failed LRS authentications per client address. */
  failedAuth?: Limit;
  /** Enrolments without a cohort code (and wrong codes) per client address. */
  enrol?: Limit;
  /** Enrolments and cohort joins with a cohort code per client address (seats limit them too). */
  enrolWithCohort?: Limit;
  /** Wrong or malformed sign-in codes per client address. */
  signInFailures?: Limit;
  /** Staff sign-in attempts per client address (counted before the password is checked). */
  staffLoginPerAddress?: Limit;
  /** Staff sign-in attempts per account name, from whatever address. */
  staffLoginPerName?: Limit;
}

/** The defaults of RateLimits. */
export const DEFAULT_LIMITS: Required<RateLimits> = {
  failedAuth: { max: 20, windowMs: 60 * 1000 },
  enrol: { max: 10, windowMs: 10 * 60 * 1000 },
  enrolWithCohort: { max: 200, windowMs: 10 * 60 * 1000 },
  signInFailures: { max: 20, windowMs: 15 * 60 * 1000 },
  staffLoginPerAddress: { max: 20, windowMs: 15 * 60 * 1000 },
  staffLoginPerName: { max: 10, windowMs: 15 * 60 * 1000 },
};

/** A limit on failures: each attempt is checked first, and counted only if it fails. */
export interface FailureLimit {
  /** Throws 429 (with Retry-After) once the key has used up its failures in this window. */
  check(request: FastifyRequest): Promise<void>;
  /** Counts one failure of the request's key. */
  fail(request: FastifyRequest): Promise<void>;
  /**
   * Counts an attempt before it is checked, so that parallel attempts cannot outrun the count
   * (a password guessed from 40 clients at once), and throws 429 once the key is past its limit.
   */
  spend(request: FastifyRequest): Promise<void>;
}

/**
 * A failure limit on `app`'s rate-limit plugin: at most `limit.max` failures per key in a window;
 * past that every attempt, right or wrong, is answered 429 until the window ends, without being
 * checked (so guessing costs the client time and the service nothing).
 */
export function failureLimit(
  app: FastifyInstance,
  limit: Limit,
  options: {
    key: (request: FastifyRequest) => string;
    message: string;
    code?: string;
    fields?: Readonly<Record<string, string>>;
  },
): FailureLimit {
  const limiter = app.createRateLimit({
    max: limit.max,
    timeWindow: limit.windowMs,
    keyGenerator: options.key,
  });
  const refuse = (ttlInSeconds: number): HttpError => {
    const { headers } = tooManyRequests(options.message, ttlInSeconds);
    return new HttpError(429, options.message, options.code, {
      headers,
      ...(options.fields === undefined ? {} : { fields: options.fields }),
    });
  };
  return {
    async check(request) {
      const state = await limiter(request, { increment: false });
      if (!state.isAllowed && state.remaining === 0) throw refuse(state.ttlInSeconds);
    },
    async fail(request) {
      logLockout(request, await limiter(request));
    },
    async spend(request) {
      const state = await limiter(request);
      logLockout(request, state);
      if (!state.isAllowed && state.isExceeded) throw refuse(state.ttlInSeconds);
    },
  };
}

type LimitState = Awaited<ReturnType<ReturnType<FastifyInstance['createRateLimit']>>>;

/** One log line when a key uses its last attempt: from then on it gets 429 until the window ends. */
function logLockout(request: FastifyRequest, state: LimitState): void {
  if (!state.isAllowed && state.remaining === 0 && !state.isExceeded) {
    request.log.warn(
      { limit: state.key, max: state.max, retryAfterSeconds: state.ttlInSeconds },
      'rate limit reached: further attempts get 429 until the window ends',
    );
  }
}

type StoreCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

// A counter belongs to a key under one limit: processes with the same settings share it, and a
// limit defined otherwise (a test's service of its own with a smaller window) counts apart.
function counterKey(key: string, timeWindow: number, max: number): string {
  return `${key}|${timeWindow}|${max}`;
}

// Rows whose window has ended are deleted about once every CLEAN_EVERY increments.
const CLEAN_EVERY = 500;

/**
 * A store for @fastify/rate-limit on the `rate_limits` table (LRS migration 006), shared
 * by every service process on one PostgreSQL database. Keys must be unique across the service's
 * limits (each limit's key names it: `lrs-auth:`, `enrol:`, `sign-in:`, `staff-address:`,
 * `staff-name:`). The plugin's continueExceeding and exponentialBackoff options are not
 * supported (the service uses neither).
 */
export function sharedRateLimitStore(counters: Counters): FastifyRateLimitStoreCtor {
  let increments = 0;
  const answer = (promise: Promise<{ current: number; ttl: number }>, cb: StoreCallback) => {
    promise.then(
      (row) => {
        cb(null, { current: row.current, ttl: row.ttl });
      },
      (error: unknown) => {
        cb(error instanceof Error ? error : new Error(String(error)));
      },
    );
  };
  class SqlRateLimitStore implements FastifyRateLimitStore {
    incr(key: string, cb: StoreCallback, timeWindow: number, max: number): void {
      if (++increments % CLEAN_EVERY === 0) {
        counters.sweep().catch(() => {
          // Cleaning is best effort; the next round tries again.
        });
      }
      answer(counters.increment(counterKey(key, timeWindow, max), timeWindow), cb);
    }

    read(key: string, cb: StoreCallback, timeWindow: number, max: number): void {
      answer(counters.read(counterKey(key, timeWindow, max)), cb);
    }

    child(): FastifyRateLimitStore {
      return this;
    }
  }
  return SqlRateLimitStore;
}
