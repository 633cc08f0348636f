import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE, runCli } from './process-helpers.ts';

describe('credentials command', () => {
  let dataDir = '';
  let env: Record<string, string> = {};

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'lrs-cli-'));
    // The command follows DATABASE_URL like the service; this test pins the embedded store.
    env = { DATA_DIR: dataDir, DATABASE_URL: '' };
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates, lists and revokes credentials, never printing stored secrets', async () => {
    const created = await runCli(
      [
        'create',
        '--name',
        'learner-1',
        '--scopes',
        'statements/write,state',
        '--agent',
        '{"mbox":"mailto:l1@example.org"}',
        '--json',
      ],
      env,
    );
    expect(created.code).toBe(0);
    const { key, secret } = JSON.parse(created.stdout) as { key: string; secret: string };
    expect(secret.length).toBeGreaterThanOrEqual(24);

    const listed = await runCli(['list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(key);
    expect(listed.stdout).toContain('active');
    expect(listed.stdout).not.toContain(secret);

    expect((await runCli(['revoke', key], env)).code).toBe(0);
    expect((await runCli(['list'], env)).stdout).toContain('revoked');
    const again = await runCli(['revoke', key], env);
    expect(again.code).toBe(1);
  }, 120_000);

  it('rejects unknown scopes, bad agents and unknown commands with a message', async () => {
    const scope = await runCli(['create', '--name', 'x', '--scopes', 'everything'], env);
    expect(scope.code).toBe(1);
    expect(scope.stderr).toContain('unknown scope "everything"');
    const agent = await runCli(
      ['create', '--name', 'x', '--scopes', 'state', '--agent', '{"name":"x"}'],
      env,
    );
    expect(agent.code).toBe(1);
    expect(agent.stderr).toContain('agent');
    const command = await runCli(['delete'], env);
    expect(command.code).toBe(1);
    expect(command.stderr).toContain('unknown command');
  }, 120_000);
});

/** Runs the staff CLI (`npm run staff -- ...`) and returns its exit code and output. */
function runStaffCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(NODE, ['src/server/staff-cli.ts', ...args], {
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

describe('staff command', () => {
  let dataDir = '';
  let env: Record<string, string> = {};

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'staff-cli-'));
    env = { DATA_DIR: dataDir, DATABASE_URL: '' };
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("creates, lists and disables staff accounts in the platform's tables", async () => {
    const created = await runStaffCli(
      ['create', '--name', 'dpo-cli', '--role', 'dpo', '--json'],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const user = JSON.parse(created.stdout) as { name: string; role: string; password: string };
    expect(user).toMatchObject({ name: 'dpo-cli', role: 'dpo' });
    expect(user.password.length).toBeGreaterThanOrEqual(20);

    const again = await runStaffCli(['create', '--name', 'dpo-cli', '--role', 'trainer'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');

    const listed = await runStaffCli(['list', '--json'], env);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ name: 'dpo-cli', role: 'dpo', disabled: false }),
    ]);
    expect(listed.stdout).not.toContain(user.password);

    expect((await runStaffCli(['disable', '--name', 'dpo-cli'], env)).code).toBe(0);
    expect((await runStaffCli(['list'], env)).stdout).toContain('dpo-cli\tdpo\tdisabled');
    expect((await runStaffCli(['disable', '--name', 'dpo-cli'], env)).code).toBe(1);
    const role = await runStaffCli(['create', '--name', 'x', '--role', 'admin'], env);
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('Usage');
  }, 120_000);
});
