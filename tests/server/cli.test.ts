import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './process-helpers.ts';

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
