import type { StoreConfig } from './lrs/store/open-store.ts';

/** An environment setting, where an empty value counts as unset. */
export function setting(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

/** The store configuration from the environment: DATABASE_URL wins, else DATA_DIR (./data). */
export function storeConfigFromEnv(env: NodeJS.ProcessEnv): StoreConfig {
  const url = env.DATABASE_URL;
  if (url !== undefined && url !== '') {
    const schema = setting(env, 'DATABASE_SCHEMA', '');
    return { databaseUrl: url, schema: schema === '' ? undefined : schema };
  }
  return { dataDir: setting(env, 'DATA_DIR', './data') };
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

/** Whether a listening address reaches this machine only. */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The site's origin when SITE_URL is not set: the site served by this process on this machine. */
export const LOCAL_SITE_URL = 'http://localhost:4321';

/**
 * The site's public origin (SITE_URL): the homePage of learner accounts, the root of activity
 * ids, and where certificate links and QR codes point. A service listening beyond loopback
 * (HOST) must be told it, or every printed certificate would send its reader to localhost: this
 * throws instead. SITE_URL must be an http(s) origin.
 */
export function siteUrlFromEnv(env: NodeJS.ProcessEnv, host: string): string {
  const value = setting(env, 'SITE_URL', '');
  if (value === '') {
    if (!isLoopback(host)) {
      throw new Error(
        `HOST is ${host}, so the service is reachable from other machines, but SITE_URL is not set: set SITE_URL to the site's public address (for example https://training.example.org), which learner accounts, certificate links and QR codes use`,
      );
    }
    return LOCAL_SITE_URL;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`SITE_URL is not an address: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`SITE_URL must start with http:// or https://: ${value}`);
  }
  return value.replace(/\/+$/, '');
}
