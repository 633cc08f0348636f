// Every limit of the service goes through @fastify/rate-limit, registered once in the
// composition root (app.ts). Its counters live in the plugin's store: in memory by default, or
// shared by several service processes when the root passes it a Redis client (`redis`) or another
// store, without changing anything here.
import '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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
