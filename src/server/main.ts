// Starts one process that serves the built site and the LRS: `npm run lrs`.
import { buildServer, XAPI_PREFIX } from './app.ts';
import { ConfigError, describeStore, loadConfig, type ServiceConfig } from './config.ts';
import { newCredential } from './lrs/auth/credentials.ts';
import { backupDatabase } from './db/dump.ts';
import { databaseOf, openStore } from './lrs/store/open-store.ts';
import { operatorSocketPath, serveOperatorSocket } from './operator/socket.ts';
import { openPlatformStore } from './platform/store/platform-store.ts';

let config: ServiceConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const store = await openStore(config.store);
// A fresh install gets one administrator credential, shown once; its secret is stored hashed.
const existing = await store.listCredentials();
if (!existing.some((c) => c.revokedAt === null)) {
  const { record, secret } = await newCredential({ name: 'admin', scopes: ['all'] });
  await store.createCredential(record);
  console.log('Created the first LRS credential (scope "all"). Keep it safe; it is shown once:');
  console.log(`  key:    ${record.key}`);
  console.log(`  secret: ${secret}`);
  console.log(
    'Create more (for example a learner credential) with:\n' +
      '  npm run lrs:credentials -- create --name NAME --scopes statements/write,statements/read/mine,state --agent \'{"mbox":"mailto:learner@example.org"}\'\n' +
      '(it works while the service runs)',
  );
}

const platform = await openPlatformStore(databaseOf(store));
const app = await buildServer({
  store,
  platform,
  staticDir: config.siteDir,
  corsOrigins: config.corsOrigins,
  logLevel: config.logLevel,
  trustProxy: config.trustProxy,
  authorityHomePage: config.authorityHomePage,
  learnerQuota: config.learnerQuota,
  learnerSessionTtlMs: config.learnerSessionTtlMs,
  // The origin the site was built for (astro.config's `site`): learner accounts live there.
  siteUrl: config.siteUrl,
});

const url = await app.listen({ port: config.port, host: config.host });
console.log(
  `LRS listening on ${url} (${describeStore(config.store)}); xAPI endpoint ${url}${XAPI_PREFIX}/`,
);

// With the embedded store this process holds the data folder: the credential and staff commands
// reach it through a socket in that folder.
const dataDir = config.store.dataDir;
const closeOperator =
  dataDir === undefined
    ? null
    : await serveOperatorSocket(
        operatorSocketPath(dataDir),
        {
          store,
          platform,
          where: describeStore(config.store),
          backup: (file) => backupDatabase(databaseOf(store), file),
        },
        (line) => {
          console.log(line);
        },
      );

let closing = false;
const shutdown = async (): Promise<void> => {
  if (closing) return;
  closing = true;
  await closeOperator?.();
  await app.close();
  await store.close();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
