import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The project's pinned Node (it runs TypeScript directly), else the one running the tests. */
export const NODE = existsSync(path.resolve('node_modules/.bin/node'))
  ? path.resolve('node_modules/.bin/node')
  : process.execPath;

/** A started `main.ts` with what it printed so far. */
export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts src/server/main.ts on a free port and waits until it listens. */
export function startService(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(NODE, ['src/server/main.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SITE_DIR: 'does-not-exist', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`service did not start:\n${out}`));
    }, 60_000);
    const check = () => {
      const m = /LRS listening on (http:\/\/[^\s]+) /.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: m[1], output: () => out });
      }
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${String(code)}:\n${out}`));
    });
  });
}

/** The command-line tools: the LRS's credentials and the platform's staff accounts. */
export const CLI = {
  credentials: 'src/server/credentials-cli.ts',
  staff: 'src/server/staff-cli.ts',
  backup: 'src/server/backup-cli.ts',
} as const;

/** Runs a command-line tool (the credentials one unless named) and returns its exit code and output. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  tool: keyof typeof CLI = 'credentials',
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(NODE, [CLI[tool], ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Waits for a child process to exit. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
}
