// The operator socket: while the service holds the embedded store's data folder, the credential
// and staff commands reach it through a Unix socket inside that folder (lrs.sock, readable and
// writable by the folder's owner only, who can read the database files anyway). One JSON line
// asks, one JSON line answers.
import { chmod, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {
  runCommand,
  TOOLS,
  type CommandRequest,
  type CommandResult,
  type OperatorContext,
} from './commands.ts';

/** The socket's path in a data folder. */
export function operatorSocketPath(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'lrs.sock');
}

// Longest path a Unix socket may have (sun_path), less the terminating byte.
const MAX_SOCKET_PATH = 103;
const MAX_REQUEST_BYTES = 64 * 1024;

function parseRequest(line: string): CommandRequest | null {
  try {
    const value = JSON.parse(line) as { tool?: unknown; argv?: unknown; stdin?: unknown };
    const tool = TOOLS.find((t) => t === value.tool);
    const { argv, stdin } = value;
    if (
      tool !== undefined &&
      Array.isArray(argv) &&
      argv.every((a) => typeof a === 'string') &&
      (stdin === undefined || typeof stdin === 'string')
    ) {
      return { tool, argv, ...(stdin === undefined ? {} : { stdin }) };
    }
  } catch {
    // Not JSON: answered below as a bad request.
  }
  return null;
}

/**
 * Serves the operator commands on `socketPath` (a stale socket file left by a crash is replaced:
 * the caller holds the data folder's lock). Returns a function that closes it, or null (with a
 * log line) where the path is too long for a Unix socket.
 */
export async function serveOperatorSocket(
  socketPath: string,
  ctx: OperatorContext,
  log: (line: string) => void,
): Promise<(() => Promise<void>) | null> {
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    log(`Operator commands need the service stopped: ${socketPath} is too long for a socket.`);
    return null;
  }
  await rm(socketPath, { force: true });
  const server = net.createServer((socket) => {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      if (buffered.length > MAX_REQUEST_BYTES) {
        socket.end(`${JSON.stringify({ code: 1, out: [], err: ['request too large'] })}\n`);
        return;
      }
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      socket.pause();
      const request = parseRequest(buffered.slice(0, newline));
      const answer: Promise<CommandResult> =
        request === null
          ? Promise.resolve({ code: 1, out: [], err: ['bad request'] })
          : runCommand(request, ctx);
      void answer.then((result) => {
        if (request !== null) {
          log(`Operator command: ${request.tool} ${request.argv[0] ?? ''} (exit ${result.code})`);
        }
        socket.end(`${JSON.stringify(result)}\n`);
      });
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      resolve();
    });
  });
  await chmod(socketPath, 0o600);
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
}

/**
 * Asks the service on `socketPath` to run a command; null when no service answers there (no
 * socket, or a stale one), so that the tool opens the store itself.
 */
export function askOperatorSocket(
  socketPath: string,
  request: CommandRequest,
): Promise<CommandResult | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let buffered = '';
    let connected = false;
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk: string) => (buffered += chunk));
    socket.on('end', () => {
      try {
        resolve(JSON.parse(buffered) as CommandResult);
      } catch {
        reject(new Error('the service answered the operator command with something unreadable'));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected && ['ENOENT', 'ECONNREFUSED', 'ENOTSOCK'].includes(error.code ?? '')) {
        resolve(null);
      } else reject(error);
    });
  });
}
