// The operator's commands (credentials, staff accounts and backups) as functions of the open stores, so that
// the same code runs in the command-line tool when it opens the store itself and in the service
// when the tool asks it through the operator socket (socket.ts) because the service holds the
// embedded store's data folder.
import path from 'node:path';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { newCredential, parseScopes, SCOPES } from '../lrs/auth/credentials.ts';
import type { Store } from '../lrs/store/types.ts';
import type { Json } from '../lrs/xapi/types.ts';
import { isObject } from '../lrs/xapi/validate.ts';
import { createStaffUser, OPERATOR, STAFF_ROLES } from '../platform/staff/accounts.ts';
import { generatePassword } from '../platform/staff/passwords.ts';
import type { PlatformStore } from '../platform/store/platform-store.ts';

/** The tools (restore is not one: it never runs in the service, see backup-cli.ts). */
export const TOOLS = ['credentials', 'staff', 'backup'] as const;
export type Tool = (typeof TOOLS)[number];

/** What a command needs: the open stores and a description of where they are. */
export interface OperatorContext {
  store: Store;
  platform: PlatformStore;
  /** "embedded store in ./data", "PostgreSQL at ...": printed by create. */
  where: string;
  /** Writes a consistent snapshot of the store's database to a file (given by the root). */
  backup: (file: string) => Promise<BackupSummary>;
}

/** What a backup wrote: the file, its size, rows per table, how long the snapshot took (ms). */
export interface BackupSummary {
  file: string;
  bytes: number;
  counts: Record<string, number>;
  ms: number;
}

/** A command's request: its arguments and, for --password-stdin, what the tool read. */
export interface CommandRequest {
  tool: Tool;
  argv: string[];
  stdin?: string;
}

/** A command's answer: its exit code and the lines it printed. */
export interface CommandResult {
  code: number;
  out: string[];
  err: string[];
}

export const CREDENTIALS_USAGE = `Usage: npm run lrs:credentials -- <command>

  create --name NAME --scopes SCOPE[,SCOPE...] [--agent AGENT_JSON]
      Prints a new key and secret (the secret is shown once). With --agent the credential is a
      learner's: it may only send statements whose actor is that Agent and read its own data.
  list [--json]
      Lists credentials (never secrets).
  revoke KEY
      Revokes a credential at once.

Scopes: ${SCOPES.join(', ')}
The store is chosen like the service: DATABASE_URL, else DATA_DIR (default ./data). While the
service runs on that data folder, the command is carried out by the service.`;

export const STAFF_USAGE = `Usage:
  npm run staff -- create --name NAME --role admin|dpo|trainer [--password-stdin]
  npm run staff -- list [--json]
  npm run staff -- disable --name NAME
Without --password-stdin a random password is generated and printed once. An admin account
manages the others in the browser (/en/staff/admin/). Every change is written to the staff audit.
While the service runs on the data folder, the command is carried out by the service.`;

export const BACKUP_USAGE = `Usage:
  npm run backup -- FILE             (also: npm run export -- FILE)
      Writes a consistent snapshot of the store (statements, documents, attachments, credentials)
      and the platform's tables to FILE (gzip-compressed JSON lines; FILE must not exist). Works
      while the service runs.
  npm run restore -- FILE [--replace]  (also: npm run import -- FILE)
      Loads FILE into the store, which must be empty (a new data folder or database) unless
      --replace is given. The service must be stopped on an embedded store's data folder.
The store is chosen like the service: DATABASE_URL, else DATA_DIR (default ./data). A file made
on one kind of store loads into the other: that is how a centre moves to PostgreSQL and back.`;

/** Whether a tool's arguments ask to read a password from standard input. */
export function readsStdin(request: Omit<CommandRequest, 'stdin'>): boolean {
  return request.tool === 'staff' && request.argv.includes('--password-stdin');
}

/** Runs one command on open stores; never throws (errors become exit code 1 and a message). */
export async function runCommand(
  request: CommandRequest,
  ctx: OperatorContext,
): Promise<CommandResult> {
  const result: CommandResult = { code: 0, out: [], err: [] };
  const io = {
    log: (line: string) => result.out.push(line),
    error: (line: string) => result.err.push(line),
  };
  try {
    result.code =
      request.tool === 'credentials'
        ? await credentials(request.argv, ctx, io)
        : request.tool === 'staff'
          ? await staff(request.argv, request.stdin, ctx, io)
          : await backup(request.argv, ctx, io);
  } catch (error) {
    io.error((error as Error).message);
    result.code = 1;
  }
  return result;
}

interface Io {
  log(line: string): void;
  error(line: string): void;
}

/** A command's options and positionals, as node:util's parseArgs reads them (strict). */
function commandArgs<O extends ParseArgsOptionsConfig>(argv: string[], options: O) {
  return parseArgs({ args: argv, allowPositionals: true, options });
}

/** The FILE of `backup FILE` or `restore FILE` and the command's options; null unless one FILE. */
export function backupArgs<O extends ParseArgsOptionsConfig>(argv: string[], options: O) {
  const { positionals, values } = commandArgs(argv, options);
  const [file] = positionals;
  return file === undefined || positionals.length > 1 ? null : { file, values };
}

async function credentials(argv: string[], ctx: OperatorContext, io: Io): Promise<number> {
  const { values, positionals } = commandArgs(argv, {
    name: { type: 'string' },
    scopes: { type: 'string' },
    agent: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  const [command, ...rest] = positionals;
  if (values.help === true || command === undefined) {
    io.log(CREDENTIALS_USAGE);
    return values.help === true ? 0 : 1;
  }
  if (command === 'create') {
    if (values.name === undefined || values.scopes === undefined) {
      io.error('create needs --name and --scopes');
      return 1;
    }
    let agent: Json | null = null;
    if (values.agent !== undefined) {
      agent = JSON.parse(values.agent) as Json;
      if (!isObject(agent)) throw new Error('--agent must be a JSON object');
    }
    const { record, secret } = await newCredential({
      name: values.name,
      scopes: parseScopes(values.scopes),
      agent: isObject(agent) ? agent : null,
    });
    await ctx.store.createCredential(record);
    if (values.json === true) {
      io.log(JSON.stringify({ key: record.key, secret, scopes: record.scopes }));
    } else {
      io.log(`Created credential "${record.name}" in the ${ctx.where}`);
      io.log(`  key:    ${record.key}`);
      io.log(`  secret: ${secret}`);
      io.log(`  scopes: ${record.scopes.join(', ')}`);
      if (record.agent !== null) io.log(`  agent:  ${JSON.stringify(record.agent)}`);
    }
    return 0;
  }
  if (command === 'list') {
    const list = await ctx.store.listCredentials();
    if (values.json === true) {
      io.log(
        JSON.stringify(
          list.map((c) => ({ ...c, secretHash: undefined })),
          null,
          2,
        ),
      );
      return 0;
    }
    for (const c of list) {
      const status = c.revokedAt === null ? 'active' : `revoked ${c.revokedAt}`;
      const who = c.agent === null ? '' : ` agent=${JSON.stringify(c.agent)}`;
      io.log(`${c.key}  ${c.name}  [${c.scopes.join(',')}]  ${status}${who}`);
    }
    if (list.length === 0) io.log('no credentials');
    return 0;
  }
  if (command === 'revoke') {
    const key = rest[0];
    if (key === undefined) {
      io.error('revoke needs the KEY to revoke');
      return 1;
    }
    if (!(await ctx.store.revokeCredential(key))) {
      io.error(`no active credential with key ${key}`);
      return 1;
    }
    io.log(`revoked ${key}`);
    return 0;
  }
  io.error(`unknown command "${command}"\n\n${CREDENTIALS_USAGE}`);
  return 1;
}

async function staff(
  argv: string[],
  stdin: string | undefined,
  ctx: OperatorContext,
  io: Io,
): Promise<number> {
  const { positionals, values } = commandArgs(argv, {
    name: { type: 'string' },
    role: { type: 'string' },
    'password-stdin': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  const command = positionals[0];
  const role = STAFF_ROLES.find((r) => r === values.role);
  if (command !== 'create' && command !== 'list' && command !== 'disable') {
    io.error(STAFF_USAGE);
    return 2;
  }
  const accounts = ctx.platform.staff;
  if (command === 'create') {
    if (values.name === undefined || role === undefined) {
      io.error(STAFF_USAGE);
      return 2;
    }
    const generated = !values['password-stdin'];
    const password = generated ? generatePassword() : (stdin ?? '');
    const user = await createStaffUser(accounts, values.name, role, password, OPERATOR, generated);
    if (values.json) io.log(JSON.stringify({ ...user, ...(generated ? { password } : {}) }));
    else {
      io.log(`Created ${user.role} account "${user.name}".`);
      if (generated) io.log(`Password (shown once): ${password}`);
    }
    return 0;
  }
  if (command === 'list') {
    const users = await accounts.listUsers();
    if (values.json) io.log(JSON.stringify(users));
    else for (const u of users) io.log(`${u.name}\t${u.role}${u.disabled ? '\tdisabled' : ''}`);
    return 0;
  }
  const change = await accounts.disableUser({ name: values.name ?? '' }, OPERATOR);
  if (change === 'done') io.log(`Disabled "${values.name ?? ''}".`);
  else if (change === 'last-admin') io.error('The last active admin account cannot be disabled.');
  else io.log('No such active account.');
  return change === 'done' ? 0 : 1;
}

async function backup(argv: string[], ctx: OperatorContext, io: Io): Promise<number> {
  const args = backupArgs(argv, { json: { type: 'boolean', default: false } });
  if (args === null) {
    io.error(BACKUP_USAGE);
    return 2;
  }
  const { file, values } = args;
  // The tool sends an absolute path: the service's working folder may not be the operator's.
  if (!path.isAbsolute(file)) {
    io.error(`the backup file must be an absolute path, not "${file}"`);
    return 2;
  }
  const summary = await ctx.backup(file);
  if (values.json) io.log(JSON.stringify(summary));
  else {
    const rows = Object.values(summary.counts).reduce((a, b) => a + b, 0);
    io.log(`Backed up the ${ctx.where} to ${summary.file}`);
    io.log(
      `  ${rows} rows in ${Object.keys(summary.counts).length} tables, ${summary.bytes} bytes, ` +
        `snapshot read in ${Math.round(summary.ms)} ms`,
    );
    io.log(
      `  statements: ${summary.counts.statements ?? 0}, learners: ${summary.counts.learners ?? 0}, certificates: ${summary.counts.certificates ?? 0}`,
    );
  }
  return 0;
}
