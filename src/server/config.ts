// The service's settings: every environment variable it reads, checked once at start. README.md's
// settings table lists the same names with the same defaults.
import { isIP } from 'node:net';
import { z } from 'astro/zod';
import { DEFAULT_LEARNER_QUOTA, type LearnerQuotaLimits } from './http/learner-quota.ts';
import type { StoreConfig } from './lrs/store/open-store.ts';
import { DEFAULT_LEARNER_SESSION_DAYS } from './platform/learner-session/sessions.ts';

/** Log levels of Fastify's logger (pino), quietest last. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** An environment value where an empty string counts as unset. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const origin = z.string().refine((value) => {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === value;
  } catch {
    return false;
  }
}, 'must be an origin such as https://training.example.org (scheme, host, optional port; no path)');

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .transform((value) => value.replace(/\/+$/, ''));

/** Names proxy-addr (Fastify's trustProxy) knows for address ranges. */
const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: the addresses (or CIDR ranges, or loopback / linklocal / uniquelocal) of the proxies
 * whose X-Forwarded-For and X-Forwarded-Proto are believed. Fastify refuses a bare hop count: it
 * would believe a client that talks to the service directly.
 */
const trustProxy = z.string().transform((value, ctx) => {
  const entries = value.split(',').map((entry) => entry.trim());
  const bad = entries.find(
    (entry) => !PROXY_RANGES.has(entry) && isIP(entry.split('/')[0] ?? '') === 0,
  );
  if (bad === undefined) return entries;
  ctx.addIssue({
    code: 'custom',
    message: `"${bad}" is not an address: give the proxies' addresses, comma-separated (CIDR ranges and loopback allowed), e.g. 127.0.0.1`,
  });
  return z.NEVER;
});

const envSchema = z.object({
  PORT: optional(z.coerce.number().int().min(0).max(65535)).default(4321),
  HOST: optional(z.string()).default('127.0.0.1'),
  SITE_URL: optional(httpUrl),
  SITE_DIR: optional(z.string()).default('./dist'),
  DATA_DIR: optional(z.string()).default('./data'),
  DATABASE_URL: optional(
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
  ),
  DATABASE_SCHEMA: optional(
    z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier'),
  ),
  TRUST_PROXY: optional(trustProxy),
  LRS_CORS_ORIGINS: optional(
    z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((o) => o.trim())
          .filter((o) => o !== ''),
      )
      .pipe(z.array(z.union([z.literal('*'), origin]))),
  ),
  LRS_AUTHORITY_HOMEPAGE: optional(httpUrl),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS)).default('info'),
  QUOTA_STATEMENTS_HOUR: optional(z.coerce.number().int().min(1)).default(
    DEFAULT_LEARNER_QUOTA.statementsPerHour,
  ),
  QUOTA_ATTACHMENTS_MB: optional(z.coerce.number().min(0)).default(
    DEFAULT_LEARNER_QUOTA.attachmentBytesPerDay / 1024 / 1024,
  ),
  QUOTA_DOCUMENTS_MB: optional(z.coerce.number().min(0.001)).default(
    DEFAULT_LEARNER_QUOTA.documentBytesPerDay / 1024 / 1024,
  ),
  LEARNER_SESSION_DAYS: optional(z.coerce.number().positive().max(3650)).default(
    DEFAULT_LEARNER_SESSION_DAYS,
  ),
});

/** The service's settings, checked. */
export interface ServiceConfig {
  port: number;
  host: string;
  /** The site's public origin: learner accounts, activity ids, certificate links and QR codes. */
  siteUrl: string;
  siteDir: string;
  store: StoreConfig;
  /** Fastify's trustProxy: false, or the addresses of the proxies to believe. */
  trustProxy: false | string[];
  corsOrigins: string[];
  authorityHomePage: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Storage quotas of each learner's credentials. */
  learnerQuota: LearnerQuotaLimits;
  /** How long a learner's browser session lasts, in milliseconds. */
  learnerSessionTtlMs: number;
}

/** A setting that is present but wrong; the message names the variable and what it must be. */
export class ConfigError extends Error {}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Reads and checks the settings; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): ServiceConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `  ${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid settings:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.SITE_URL === undefined && !isLoopback(e.HOST)) {
    throw new ConfigError(
      `Invalid settings:\n  HOST=${JSON.stringify(e.HOST)} serves other machines, so SITE_URL must say the address they use ` +
        `(for example SITE_URL=http://192.168.1.10:${e.PORT}); learner accounts, certificate links and QR codes are made from it.`,
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    // Not http://localhost:PORT: the build names activities after SITE_URL with this same default,
    // and certification and learner accounts must agree with the pages whatever PORT is.
    siteUrl: e.SITE_URL ?? 'http://localhost:4321',
    siteDir: e.SITE_DIR,
    store: storeConfigOf(e),
    trustProxy: e.TRUST_PROXY ?? false,
    corsOrigins: e.LRS_CORS_ORIGINS ?? [],
    authorityHomePage: e.LRS_AUTHORITY_HOMEPAGE ?? `http://${e.HOST}:${e.PORT}/xapi`,
    logLevel: e.LOG_LEVEL,
    learnerQuota: {
      statementsPerHour: e.QUOTA_STATEMENTS_HOUR,
      attachmentBytesPerDay: Math.round(e.QUOTA_ATTACHMENTS_MB * 1024 * 1024),
      documentBytesPerDay: Math.round(e.QUOTA_DOCUMENTS_MB * 1024 * 1024),
    },
    learnerSessionTtlMs: Math.round(e.LEARNER_SESSION_DAYS * 24 * 60 * 60 * 1000),
  };
}

function storeConfigOf(e: z.infer<typeof envSchema>): StoreConfig {
  if (e.DATABASE_URL !== undefined) {
    return { databaseUrl: e.DATABASE_URL, schema: e.DATABASE_SCHEMA };
  }
  return { dataDir: e.DATA_DIR };
}

/** The store settings alone, for the command-line tools: DATABASE_URL wins, else DATA_DIR. */
export function storeConfigFromEnv(env: NodeJS.ProcessEnv): StoreConfig {
  const parsed = envSchema
    .pick({ DATA_DIR: true, DATABASE_URL: true, DATABASE_SCHEMA: true })
    .safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid settings: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return storeConfigOf(parsed.data as z.infer<typeof envSchema>);
}

/** Describes where a store configuration points, without any password. */
export function describeStore(config: StoreConfig): string {
  if (config.databaseUrl !== undefined) {
    try {
      const u = new URL(config.databaseUrl);
      return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname}`;
    } catch {
      return 'PostgreSQL';
    }
  }
  return `embedded store in ${config.dataDir ?? './data'}`;
}
