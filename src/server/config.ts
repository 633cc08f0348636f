import type { StoreConfig } from './store/open-store.ts';

/** The store configuration from the environment: DATABASE_URL wins, else DATA_DIR (./data). */
export function storeConfigFromEnv(env: NodeJS.ProcessEnv): StoreConfig {
  const url = env['DATABASE_URL'];
  if (url !== undefined && url !== '') {
    return { databaseUrl: url, schema: env['DATABASE_SCHEMA'] || undefined };
  }
  return { dataDir: env['DATA_DIR'] || './data' };
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
