// The service as `npm run lrs` runs it (src/server/main.ts: the built site and the LRS in one
// process), plus the enrolment and sign-in code routes (main.ts registers them through SITE_URL). Started by the
// tracking tests with PORT, DATA_DIR, SITE_DIR and SITE_URL; prints one JSON line when ready.
import { buildServer } from '../../../src/server/app.ts';
import { newCredential } from '../../../src/server/lrs/auth/credentials.ts';
import { enrolmentRoutes } from '../../../src/server/platform/enrolment/routes.ts';
import { signInRoutes } from '../../../src/server/platform/sign-in/routes.ts';
import { openStore } from '../../../src/server/lrs/store/open-store.ts';
import { migratePlatform } from '../../../src/server/platform/store/schema.ts';

const env = process.env;
const store = await openStore({ dataDir: env.DATA_DIR ?? './data' });
const { record, secret } = await newCredential({ name: 'e2e admin', scopes: ['all'] });
await store.createCredential(record);
await migratePlatform(store.database);
const app = await buildServer({ store, staticDir: env.SITE_DIR ?? './dist' });
await app.register(enrolmentRoutes, {
  store,
  siteUrl: env.SITE_URL ?? 'http://localhost:4321',
  rateLimit: { max: 1000, windowMs: 60_000 },
});
await app.register(signInRoutes, { store, siteUrl: env.SITE_URL ?? 'http://localhost:4321' });
const url = await app.listen({ port: Number(env.PORT ?? 0), host: '127.0.0.1' });
console.log(JSON.stringify({ url, admin: { key: record.key, secret } }));

const shutdown = async () => {
  await app.close();
  await store.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
