// The service as `npm run lrs` runs it (src/server/main.ts: the built site, the LRS and the
// platform in one process), with room for many enrolments from one address. Started by the
// tracking tests with PORT, DATA_DIR, SITE_DIR and SITE_URL; prints one JSON line when ready.
import { buildServer } from '../../../src/server/app.ts';
import { newCredential } from '../../../src/server/lrs/auth/credentials.ts';
import { openStore } from '../../../src/server/lrs/store/open-store.ts';

const env = process.env;
const store = await openStore({ dataDir: env.DATA_DIR ?? './data' });
const { record, secret } = await newCredential({ name: 'e2e admin', scopes: ['all'] });
await store.createCredential(record);
const app = await buildServer({
  store,
  staticDir: env.SITE_DIR ?? './dist',
  siteUrl: env.SITE_URL ?? 'http://localhost:4321',
  rateLimits: { enrol: { max: 1000, windowMs: 60_000 } },
});
const url = await app.listen({ port: Number(env.PORT ?? 0), host: '127.0.0.1' });
console.log(JSON.stringify({ url, admin: { key: record.key, secret } }));

const shutdown = async () => {
  await app.close();
  await store.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
