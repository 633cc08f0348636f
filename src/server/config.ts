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
