import { describe, expect, it } from 'vitest';
import { useTempDir } from './helpers.ts';
import { runCli, startService } from './process-helpers.ts';

describe('credentials command', () => {
  // The commands follow DATABASE_URL like the service; these tests pin the embedded store.
  const dataDir = useTempDir('all', 'lrs-cli-');
  const env = (): Record<string, string> => ({ DATA_DIR: dataDir(), DATABASE_URL: '' });

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
      env(),
    );
    expect(created.code).toBe(0);
    const { key, secret } = JSON.parse(created.stdout) as { key: string; secret: string };
    expect(secret.length).toBeGreaterThanOrEqual(24);

    const listed = await runCli(['list'], env());
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(key);
    expect(listed.stdout).toContain('active');
    expect(listed.stdout).not.toContain(secret);

    expect((await runCli(['revoke', key], env())).code).toBe(0);
    expect((await runCli(['list'], env())).stdout).toContain('revoked');
    const again = await runCli(['revoke', key], env());
    expect(again.code).toBe(1);
  }, 120_000);

  it('rejects unknown scopes, bad agents and unknown commands with a message', async () => {
    const scope = await runCli(['create', '--name', 'x', '--scopes', 'everything'], env());
    expect(scope.code).toBe(1);
    expect(scope.stderr).toContain('unknown scope "everything"');
    const agent = await runCli(
      ['create', '--name', 'x', '--scopes', 'state', '--agent', '{"name":"x"}'],
      env(),
    );
    expect(agent.code).toBe(1);
    expect(agent.stderr).toContain('agent');
    const command = await runCli(['delete'], env());
    expect(command.code).toBe(1);
    expect(command.stderr).toContain('unknown command');
  }, 120_000);
});

describe('staff command', () => {
  // The commands follow DATABASE_URL like the service; these tests pin the embedded store.
  const dataDir = useTempDir('all', 'staff-cli-');
  const env = (): Record<string, string> => ({ DATA_DIR: dataDir(), DATABASE_URL: '' });

  it("creates, lists and disables staff accounts in the platform's tables", async () => {
    const created = await runCli(
      ['create', '--name', 'dpo-cli', '--role', 'dpo', '--json'],
      env(),
      'staff',
    );
    expect(created.code, created.stderr).toBe(0);
    const user = JSON.parse(created.stdout) as { name: string; role: string; password: string };
    expect(user).toMatchObject({ name: 'dpo-cli', role: 'dpo' });
    expect(user.password.length).toBeGreaterThanOrEqual(20);

    const again = await runCli(
      ['create', '--name', 'dpo-cli', '--role', 'trainer'],
      env(),
      'staff',
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');

    const listed = await runCli(['list', '--json'], env(), 'staff');
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ name: 'dpo-cli', role: 'dpo', disabled: false }),
    ]);
    expect(listed.stdout).not.toContain(user.password);

    expect((await runCli(['disable', '--name', 'dpo-cli'], env(), 'staff')).code).toBe(0);
    expect((await runCli(['list'], env(), 'staff')).stdout).toContain('dpo-cli\tdpo\tdisabled');
    expect((await runCli(['disable', '--name', 'dpo-cli'], env(), 'staff')).code).toBe(1);
    const role = await runCli(['create', '--name', 'x', '--role', 'root'], env(), 'staff');
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('Usage');
  }, 120_000);

  it('works while the service runs on the data folder, and the service uses the result at once', async () => {
    const service = await startService(env());
    try {
      const statement = (authorization: string) =>
        fetch(`${service.url}/xapi/statements`, {
          method: 'POST',
          headers: {
            Authorization: authorization,
            'X-Experience-API-Version': '1.0.3',
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({
            actor: { mbox: 'mailto:operator@example.org' },
            verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
            object: { id: 'https://example.org/activity' },
          }),
        });

      const created = await runCli(
        ['create', '--name', 'while-running', '--scopes', 'statements/write', '--json'],
        env(),
      );
      expect(created.code, created.stderr).toBe(0);
      const { key, secret } = JSON.parse(created.stdout) as { key: string; secret: string };
      const basic = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
      expect((await statement(basic)).status).toBe(200);
      expect((await runCli(['list'], env())).stdout).toContain('while-running');
      expect((await runCli(['revoke', key], env())).code).toBe(0);
      expect((await statement(basic)).status).toBe(401);

      // The first administrator is made this way, while the service runs.
      const staff = await runCli(
        ['create', '--name', 'admin-live', '--role', 'admin', '--json'],
        env(),
        'staff',
      );
      expect(staff.code, staff.stderr).toBe(0);
      const { password } = JSON.parse(staff.stdout) as { password: string };
      const login = await fetch(`${service.url}/api/staff/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'admin-live', password }),
      });
      expect(login.status).toBe(200);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const { csrfToken, mustChangePassword } = (await login.json()) as {
        csrfToken: string;
        mustChangePassword: boolean;
      };
      // A generated password opens only the form to choose one's own.
      expect(mustChangePassword).toBe(true);
      const accountsUrl = `${service.url}/api/staff/accounts`;
      expect((await fetch(accountsUrl, { headers: { cookie } })).status).toBe(403);
      const own = await fetch(`${service.url}/api/staff/password`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrfToken, 'Content-Type': 'application/json' },
        body: JSON.stringify({ current: password, password: 'the first of the admins 1' }),
      });
      expect(own.status).toBe(200);
      const accounts = await fetch(accountsUrl, { headers: { cookie } });
      expect(accounts.status).toBe(200);
      const listed = (await accounts.json()) as { accounts: { name: string; role: string }[] };
      expect(listed.accounts).toContainEqual(
        expect.objectContaining({ name: 'admin-live', role: 'admin' }),
      );
      // A change made in the browser is logged through the service's logger.
      const made = await fetch(`${service.url}/api/staff/accounts`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrfToken, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'trainer-live', role: 'trainer' }),
      });
      expect(made.status).toBe(201);
      await expect
        .poll(() => service.output())
        .toContain('staff account create: trainer-live (trainer) by admin-live');
      // The service ran each command and said so in its log.
      expect(service.output()).toContain('Operator command: staff create (exit 0)');
    } finally {
      service.child.kill('SIGTERM');
      await new Promise((resolve) => service.child.once('exit', resolve));
    }
  }, 120_000);
});
