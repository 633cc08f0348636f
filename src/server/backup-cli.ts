// Backs up and restores a centre: `npm run backup -- FILE` writes a consistent snapshot (through
// the service while it runs on the data folder), `npm run restore -- FILE` loads one into an empty
// store. `export` and `import` are the same commands: a file made on the embedded store loads into
// PostgreSQL and back (db/dump.ts).
import path from 'node:path';
import { ConfigError, describeStore, storeConfigFromEnv } from './config.ts';
import { readDumpHeader, restoreDatabase } from './db/dump.ts';
import { migrate } from './db/migrate.ts';
import { openDatabase } from './db/open-database.ts';
import { LRS_MIGRATIONS } from './lrs/store/open-store.ts';
import { BACKUP_USAGE, backupArgs } from './operator/commands.ts';
import { askOperatorSocket, operatorSocketPath } from './operator/socket.ts';
import { runTool } from './operator-cli.ts';
import { PLATFORM_MIGRATIONS } from './platform/store/platform-store.ts';

const SCOPES = { lrs: LRS_MIGRATIONS, platform: PLATFORM_MIGRATIONS } as const;

async function restore(argv: string[]): Promise<number> {
  const args = backupArgs(argv, { replace: { type: 'boolean', default: false } });
  if (args === null) {
    console.error(BACKUP_USAGE);
    return 2;
  }
  const { file, values } = args;
  const config = storeConfigFromEnv(process.env);
  if (config.databaseUrl === undefined && config.dataDir !== undefined) {
    const running = await askOperatorSocket(operatorSocketPath(config.dataDir), {
      tool: 'credentials',
      argv: ['list', '--json'],
    });
    if (running !== null) {
      console.error(
        `The service is running on ${config.dataDir}: stop it, then restore into an empty data folder.`,
      );
      return 1;
    }
  }
  const header = await readDumpHeader(file);
  const { db, release } = await openDatabase(config);
  try {
    // The schema as the dump's service had it, then the rows, then this version's later changes.
    for (const [scope, dir] of Object.entries(SCOPES)) {
      const versions = header.schema[scope] ?? [];
      await migrate(db, scope, dir, Math.max(0, ...versions));
    }
    const summary = await restoreDatabase(db, file, { replace: values.replace });
    for (const [scope, dir] of Object.entries(SCOPES)) await migrate(db, scope, dir);
    const rows = Object.values(summary.counts).reduce((a, b) => a + b, 0);
    console.log(
      `Restored ${path.resolve(file)} (made ${header.created} on ${header.source === 'pglite' ? 'an embedded store' : 'PostgreSQL'}) into the ${describeStore(config)}`,
    );
    console.log(
      `  ${rows} rows in ${Object.keys(summary.counts).length} tables, loaded in ${Math.round(summary.ms)} ms`,
    );
    console.log(
      `  statements: ${summary.counts.statements ?? 0}, learners: ${summary.counts.learners ?? 0}, certificates: ${summary.counts.certificates ?? 0}`,
    );
    return 0;
  } finally {
    await db.close();
    await release();
  }
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'backup' || command === 'export') {
  // The service may run elsewhere: it is given the file's absolute path.
  const argv = rest.map((a) => (a.startsWith('-') ? a : path.resolve(a)));
  await runTool('backup', argv);
} else if (command === 'restore' || command === 'import') {
  try {
    process.exitCode = await restore(rest);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : (error as Error).message);
    process.exitCode = 1;
  }
} else {
  console.error(BACKUP_USAGE);
  process.exitCode = 2;
}
