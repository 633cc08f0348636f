// What the two command-line tools share: read the store settings, then run the command through
// the service if it holds the embedded store's data folder (operator/socket.ts), else on the
// store opened here.
import { ConfigError, describeStore, storeConfigFromEnv } from './config.ts';
import { backupDatabase } from './db/dump.ts';
import { databaseOf, openStore } from './lrs/store/open-store.ts';
import { runCommand, readsStdin, type CommandResult, type Tool } from './operator/commands.ts';
import { askOperatorSocket, operatorSocketPath } from './operator/socket.ts';
import { openPlatformStore } from './platform/store/platform-store.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function run(tool: Tool, argv: string[]): Promise<CommandResult> {
  const config = storeConfigFromEnv(process.env);
  const request = {
    tool,
    argv,
    ...(readsStdin({ tool, argv }) ? { stdin: await readStdin() } : {}),
  };
  if (config.dataDir !== undefined) {
    const answer = await askOperatorSocket(operatorSocketPath(config.dataDir), request);
    if (answer !== null) return answer;
  }
  const store = await openStore(config);
  try {
    const platform = await openPlatformStore(databaseOf(store));
    return await runCommand(request, {
      store,
      platform,
      where: describeStore(config),
      backup: (file) => backupDatabase(databaseOf(store), file),
    });
  } finally {
    await store.close();
  }
}

/** Runs a tool's command (with the process's arguments by default) and sets its exit code. */
export async function runTool(tool: Tool, argv = process.argv.slice(2)): Promise<void> {
  try {
    const result = await run(tool, argv);
    for (const line of result.out) console.log(line);
    for (const line of result.err) console.error(line);
    process.exitCode = result.code;
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : (error as Error).message);
    process.exitCode = 1;
  }
}
