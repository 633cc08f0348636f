import { describe, expect, it } from 'vitest';
import { OPERATOR } from '../../src/server/platform/staff/accounts.ts';
import type { PlatformStore } from '../../src/server/platform/store/platform-store.ts';
import { storeKinds, type TestServer } from './helpers.ts';
import { api, asStaff, staffLogin, usePlatform } from './certification-helpers.ts';

/** The staff accounts each suite starts with (password STAFF_PASSWORD). */
const STAFF = [
  ['admin-ada', 'admin'],
  ['admin-bo', 'admin'],
  ['dpo-ana', 'dpo'],
  ['trainer-ben', 'trainer'],
] as const;
const PROBED = [
  ['probe-admin', 'admin'],
  ['probe-admin-2', 'admin'],
  ['probe-dpo', 'dpo'],
  ['probe-trainer', 'trainer'],
] as const;

interface Account {
  id: string;
  name: string;
  role: string;
  disabled: boolean;
}

for (const kind of storeKinds()) {
  describe(`staff accounts in the browser (${kind.name})`, () => {
    let server: TestServer;
    let platform: PlatformStore;

    // Every test here signs in many times from one address: more than the service's default.
    const signIns = { max: 200, windowMs: 60_000 };
    usePlatform(
      kind,
      STAFF,
      (started) => {
        ({ server, platform } = started);
      },
      { rateLimits: { staffLoginPerAddress: signIns } },
    );

    const as = (who: { cookie: string; csrf: string }) => asStaff(server, who);
    const accountNamed = async (admin: ReturnType<typeof as>, name: string) => {
      const res = await admin.get('/api/staff/accounts');
      const found = (res.json as { accounts: Account[] }).accounts.find((a) => a.name === name);
      if (found === undefined) throw new Error(`no account ${name}`);
      return found;
    };

    it('lets only an administrator manage accounts: 401 without a session, 403 to the other roles and without the CSRF token', async () => {
      expect((await api(server, '/api/staff/accounts')).status).toBe(401);
      for (const name of ['dpo-ana', 'trainer-ben']) {
        const other = as(await staffLogin(server, name));
        expect((await other.get('/api/staff/accounts')).status).toBe(403);
        expect((await other.get('/api/staff/audit')).status).toBe(403);
        const made = await other.post('/api/staff/accounts', { name: 'sneaky', role: 'admin' });
        expect(made.status).toBe(403);
      }
      const admin = await staffLogin(server, 'admin-ada');
      const noCsrf = await api(server, '/api/staff/accounts', {
        headers: { Cookie: admin.cookie },
        body: { name: 'no-token', role: 'trainer' },
      });
      expect(noCsrf.status).toBe(403);
      const list = (await as(admin).get('/api/staff/accounts')).json as { accounts: Account[] };
      expect(list.accounts.map((a) => a.name)).not.toContain('sneaky');
      expect(list.accounts.map((a) => a.name)).not.toContain('no-token');
      expect(JSON.stringify(list)).not.toMatch(/scrypt|password/);
    });

    it('creates an account with a one-time password that signs in, and refuses bad input and taken names', async () => {
      const admin = as(await staffLogin(server, 'admin-ada'));
      const made = await admin.post('/api/staff/accounts', {
        name: 'Trainer Cleo',
        role: 'trainer',
      });
      expect(made.status).toBe(201);
      const { password, id } = made.json as { password: string; id: string };
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(id).toMatch(/^s-/);
      const cleo = await staffLogin(server, 'Trainer Cleo', password);
      expect(cleo.res.status).toBe(200);
      expect(cleo.res.json).toMatchObject({ role: 'trainer', mustChangePassword: true });
      // The password is never shown again.
      expect((await admin.get('/api/staff/accounts')).text).not.toContain(password);
      expect((await admin.get('/api/staff/audit')).text).not.toContain(password);

      const taken = await admin.post('/api/staff/accounts', { name: 'Trainer Cleo', role: 'dpo' });
      expect(taken.status).toBe(409);
      for (const body of [
        { name: '', role: 'trainer' },
        { name: 'x'.repeat(81), role: 'trainer' },
        { name: 'a\u0000b', role: 'trainer' },
        { name: 'ok', role: 'root' },
        { name: 'ok', role: 'trainer', password: 'mine' },
        ['ok'],
      ]) {
        expect((await admin.post('/api/staff/accounts', body)).status).toBe(400);
      }
      expect((await admin.post('/api/staff/accounts/s-nobody/disable')).status).toBe(404);
      expect((await admin.post('/api/staff/accounts/..%2F/reset')).status).toBe(404);
    });

    it('resets a password: the old password and every old session stop working, the new one signs in', async () => {
      const admin = as(await staffLogin(server, 'admin-ada'));
      const made = await admin.post('/api/staff/accounts', { name: 'dpo-dee', role: 'dpo' });
      const first = (made.json as { password: string }).password;
      const sessions = [
        await staffLogin(server, 'dpo-dee', first),
        await staffLogin(server, 'dpo-dee', first),
      ];
      for (const s of sessions) expect((await as(s).get('/api/staff/session')).status).toBe(200);

      const account = await accountNamed(admin, 'dpo-dee');
      const reset = await admin.post(`/api/staff/accounts/${account.id}/reset`);
      expect(reset.status).toBe(200);
      const second = (reset.json as { password: string }).password;
      expect(second).not.toBe(first);
      for (const s of sessions) {
        expect((await as(s).get('/api/staff/session')).status).toBe(401);
        expect((await as(s).get('/api/reports/completion')).status).toBe(401);
      }
      expect((await staffLogin(server, 'dpo-dee', first)).res.status).toBe(401);
      expect((await staffLogin(server, 'dpo-dee', second)).res.status).toBe(200);
    });

    it('disables an account: its sessions end and it cannot sign in, until enabled again', async () => {
      const admin = as(await staffLogin(server, 'admin-ada'));
      const trainer = await staffLogin(server, 'trainer-ben');
      expect((await as(trainer).get('/api/cohorts')).status).toBe(200);
      const account = await accountNamed(admin, 'trainer-ben');
      const off = await admin.post(`/api/staff/accounts/${account.id}/disable`);
      expect(off.status).toBe(200);
      expect(off.json).toMatchObject({ changed: true, account: { disabled: true } });
      expect((await as(trainer).get('/api/cohorts')).status).toBe(401);
      expect((await staffLogin(server, 'trainer-ben')).res.status).toBe(401);
      // Again: nothing changes, and nothing more is audited.
      const again = await admin.post(`/api/staff/accounts/${account.id}/disable`);
      expect(again.json).toMatchObject({ changed: false });

      expect((await admin.post(`/api/staff/accounts/${account.id}/enable`)).status).toBe(200);
      expect((await staffLogin(server, 'trainer-ben')).res.status).toBe(200);
    });

    it('refuses to let an administrator disable or reset themself, or anyone disable the last administrator', async () => {
      const ada = as(await staffLogin(server, 'admin-ada'));
      const self = await accountNamed(ada, 'admin-ada');
      const own = await ada.post(`/api/staff/accounts/${self.id}/disable`);
      expect(own.status).toBe(409);
      expect(own.json).toMatchObject({ code: 'own_account' });
      expect((await ada.post(`/api/staff/accounts/${self.id}/reset`)).status).toBe(409);

      // Two administrators disabling each other at once: one of them stays.
      const bo = as(await staffLogin(server, 'admin-bo'));
      const boAccount = await accountNamed(ada, 'admin-bo');
      const results = await Promise.all([
        ada.post(`/api/staff/accounts/${boAccount.id}/disable`),
        bo.post(`/api/staff/accounts/${self.id}/disable`),
      ]);
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      const active = (await platform.staff.listUsers()).filter(
        (u) => u.role === 'admin' && !u.disabled,
      );
      expect(active).toHaveLength(1);
      // The operator's command cannot disable the last one either.
      const last = active[0]?.name ?? '';
      expect(await platform.staff.disableUser({ name: last }, OPERATOR)).toBe('last-admin');
      // Put things back for the next test.
      const survivor = as(await staffLogin(server, last));
      const other = last === 'admin-ada' ? boAccount : self;
      expect((await survivor.post(`/api/staff/accounts/${other.id}/enable`)).status).toBe(200);
    });

    it('keeps an audit the administrator reads: who did what to whom, and when', async () => {
      const admin = as(await staffLogin(server, 'admin-ada'));
      const res = await admin.get('/api/staff/audit?limit=500');
      expect(res.status).toBe(200);
      const entries = (
        res.json as {
          entries: { id: number; at: string; actor: string; action: string; target: string }[];
        }
      ).entries;
      const lines = entries.map((e) => `${e.actor} ${e.action} ${e.target}`);
      // Newest first; the accounts the suite began with were made by the operator.
      expect(lines).toEqual(
        expect.arrayContaining([
          'operator create admin-ada',
          'admin-ada create Trainer Cleo',
          'admin-ada reset dpo-dee',
          'admin-ada disable trainer-ben',
          'admin-ada enable trainer-ben',
        ]),
      );
      expect(lines.filter((l) => l === 'admin-ada disable trainer-ben')).toHaveLength(1);
      expect(lines).not.toContain('admin-ada disable admin-ada');
      const ids = entries.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      for (const e of entries) expect(Date.parse(e.at)).toBeLessThanOrEqual(Date.now());
      const page = await admin.get(`/api/staff/audit?limit=2&before=${String(ids[1])}`);
      expect((page.json as { entries: { id: number }[] }).entries.map((e) => e.id)).toEqual(
        ids.slice(2, 4),
      );
      expect((await admin.get('/api/staff/audit?limit=0')).status).toBe(400);
      expect((await admin.get('/api/staff/audit?before=x')).status).toBe(400);
    });

    it('opens nothing with a one-time password until its holder chooses their own', async () => {
      const admin = as(await staffLogin(server, 'admin-ada'));
      const made = await admin.post('/api/staff/accounts', {
        name: 'Trainer Flo',
        role: 'trainer',
      });
      const given = (made.json as { password: string }).password;
      const flo = await staffLogin(server, 'Trainer Flo', given);
      const elsewhere = await staffLogin(server, 'Trainer Flo', given);
      expect(flo.res.json).toMatchObject({ mustChangePassword: true });
      const locked = await as(flo).get('/api/cohorts');
      expect(locked.status).toBe(403);
      expect(locked.json).toMatchObject({ code: 'password_change_required' });
      expect((await as(flo).post('/api/cohorts', { name: 'Room 1' })).status).toBe(403);
      expect((await as(flo).get('/api/staff/session')).json).toMatchObject({
        name: 'Trainer Flo',
        mustChangePassword: true,
      });

      const mine = 'a room with forty chairs 7';
      const change = (body: unknown, who = flo) => as(who).post('/api/staff/password', body);
      const refused: [unknown, number, string | undefined][] = [
        [{ current: given, password: 'short' }, 400, 'weak_password'],
        [{ current: given, password: 'x Trainer flo x long enough' }, 400, 'weak_password'],
        [{ current: given, password: given }, 400, 'same_password'],
        [{ current: given, password: 'a room\u0000with forty chairs' }, 400, 'weak_password'],
        [{ current: given, password: mine, role: 'admin' }, 400, undefined],
        [{ password: mine }, 400, undefined],
        [{ current: 'not what was given', password: mine }, 401, 'wrong_password'],
      ];
      for (const [body, status, code] of refused) {
        const res = await change(body);
        expect(res.status, JSON.stringify(body)).toBe(status);
        if (code !== undefined) expect(res.json).toMatchObject({ code });
      }
      // Without the CSRF token, nothing changes either.
      const noCsrf = await api(server, '/api/staff/password', {
        method: 'POST',
        headers: { Cookie: flo.cookie },
        body: { current: given, password: mine },
      });
      expect(noCsrf.status).toBe(403);
      expect((await as(flo).get('/api/cohorts')).status).toBe(403);

      const done = await change({ current: given, password: mine });
      expect(done.status).toBe(200);
      expect((await as(flo).get('/api/cohorts')).status).toBe(200);
      // The other session opened with the given password ends; the given password is dead.
      expect((await as(elsewhere).get('/api/staff/session')).status).toBe(401);
      expect((await staffLogin(server, 'Trainer Flo', given)).res.status).toBe(401);
      const again = await staffLogin(server, 'Trainer Flo', mine);
      expect(again.res.json).toMatchObject({ mustChangePassword: false });
      const audit = (await admin.get('/api/staff/audit?limit=5')).json as {
        entries: { actor: string; action: string; target: string }[];
      };
      expect(audit.entries[0]).toMatchObject({
        actor: 'Trainer Flo',
        action: 'password',
        target: 'Trainer Flo',
      });

      // A reset by an administrator makes the password one-time again.
      const account = await accountNamed(admin, 'Trainer Flo');
      const reset = await admin.post(`/api/staff/accounts/${account.id}/reset`);
      const third = (reset.json as { password: string }).password;
      const afterReset = await staffLogin(server, 'Trainer Flo', third);
      expect(afterReset.res.json).toMatchObject({ mustChangePassword: true });
      expect((await as(afterReset).get('/api/cohorts')).status).toBe(403);
      // Accounts whose holder chose the password (the suite's) are not held.
      const ben = await staffLogin(server, 'trainer-ben');
      expect(ben.res.json).toMatchObject({ mustChangePassword: false });
    });
  });

  // Hostile and careless requests to the staff account administration: each one is refused with
  // a 4xx and changes no account and no line of the audit.
  describe(`staff administration under attack (${kind.name})`, () => {
    let server: TestServer;
    usePlatform(kind, PROBED, (started) => {
      ({ server } = started);
    });

    const as = (who: { cookie: string; csrf: string }) => asStaff(server, who);
    const accounts = async (admin: ReturnType<typeof as>) =>
      ((await admin.get('/api/staff/accounts')).json as { accounts: Account[] }).accounts;
    const auditCount = async (admin: ReturnType<typeof as>) =>
      ((await admin.get('/api/staff/audit?limit=500')).json as { entries: unknown[] }).entries
        .length;

    it('does not let an administrator take over another administrator by resetting their password', async () => {
      const admin = as(await staffLogin(server, 'probe-admin'));
      const other = (await accounts(admin)).find((a) => a.name === 'probe-admin-2');
      const before = await auditCount(admin);
      const reset = await admin.post(`/api/staff/accounts/${other?.id ?? ''}/reset`);
      expect(reset.status).toBe(409);
      expect(reset.json).toMatchObject({ code: 'admin_account' });
      expect(reset.text).not.toMatch(/"password"/);
      // The other administrator still signs in with their own password; nothing was audited.
      expect((await staffLogin(server, 'probe-admin-2')).res.status).toBe(200);
      expect(await auditCount(admin)).toBe(before);
      // A trainer's or DPO's password is still reset.
      const made = await admin.post('/api/staff/accounts', { name: 'probe-dpo-2', role: 'dpo' });
      const ok = await admin.post(`/api/staff/accounts/${(made.json as Account).id}/reset`);
      expect(ok.status).toBe(200);
      expect(await auditCount(admin)).toBe(before + 2);
    });

    it('refuses cross-site form posts and a session cookie without its CSRF token', async () => {
      const admin = await staffLogin(server, 'probe-admin');
      const before = (await accounts(as(admin))).length;
      for (const [type, body] of [
        ['application/x-www-form-urlencoded', 'name=csrf-form&role=admin'],
        ['text/plain', '{"name":"csrf-text","role":"admin"}'],
        [
          'multipart/form-data; boundary=x',
          '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\ncsrf-multi\r\n--x--\r\n',
        ],
      ] as const) {
        const res = await fetch(`${server.url}/api/staff/accounts`, {
          method: 'POST',
          headers: { Cookie: admin.cookie, 'Content-Type': type, Origin: 'https://evil.example' },
          body,
        });
        expect(res.status, type).toBeGreaterThanOrEqual(400);
        expect(res.status, type).toBeLessThan(500);
      }
      // The right token from another session is not this session's token.
      const other = await staffLogin(server, 'probe-admin-2');
      const swapped = await as({ cookie: admin.cookie, csrf: other.csrf }).post(
        '/api/staff/accounts',
        { name: 'csrf-swapped', role: 'admin' },
      );
      expect(swapped.status).toBe(403);
      expect(await accounts(as(admin))).toHaveLength(before);
    });

    it('answers 4xx to oversized, NUL, control and ill-formed names, and stores none of them', async () => {
      const admin = as(await staffLogin(server, 'probe-admin'));
      const before = await auditCount(admin);
      for (const name of [
        'x'.repeat(81),
        'a\u0000b',
        'a\u0007b',
        '\ud800bad',
        '   ',
        'x'.repeat(100_000),
      ]) {
        const res = await admin.post('/api/staff/accounts', { name, role: 'trainer' });
        expect(res.status, JSON.stringify(name.slice(0, 20))).toBe(400);
      }
      for (const body of [
        { name: 'ok', role: 'root' },
        { name: 'ok', role: 'trainer', id: 's-x' },
        [],
        'x',
        null,
      ]) {
        const res = await admin.post('/api/staff/accounts', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      // Bytes that are not UTF-8 inside the JSON.
      const raw = Buffer.concat([
        Buffer.from('{"name":"bad'),
        Buffer.from([0xff, 0xfe, 0xc0]),
        Buffer.from('","role":"trainer"}'),
      ]);
      const session = await staffLogin(server, 'probe-admin');
      const res = await fetch(`${server.url}/api/staff/accounts`, {
        method: 'POST',
        headers: {
          Cookie: session.cookie,
          'X-CSRF-Token': session.csrf,
          'Content-Type': 'application/json',
        },
        body: raw,
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('UTF-8');
      const ids = ['..%2F..%2Fetc', 's-%00', `s-${'a'.repeat(5000)}`, 'S-UPPER'];
      for (const id of ids) {
        const r = await admin.post(`/api/staff/accounts/${id}/disable`);
        expect(r.status, id).toBeGreaterThanOrEqual(400);
        expect(r.status, id).toBeLessThan(500);
      }
      const names = (await accounts(admin)).map((a) => a.name);
      expect(names.some((n) => n.startsWith('bad'))).toBe(false);
      expect(await auditCount(admin)).toBe(before);
    });

    it("refuses a name that reads the same as another account's, so nobody acts under a look-alike name", async () => {
      const admin = as(await staffLogin(server, 'probe-admin'));
      const before = await auditCount(admin);
      for (const name of ['probe-admin\u200b', '\u202eprobe-admin', 'probe\u2060-admin']) {
        const res = await admin.post('/api/staff/accounts', { name, role: 'admin' });
        expect(res.status, JSON.stringify(name)).toBe(400);
      }
      for (const name of ['PROBE-ADMIN', 'Probe-Admin-2', 'ｐｒｏｂｅ-ａｄｍｉｎ']) {
        const res = await admin.post('/api/staff/accounts', { name, role: 'admin' });
        expect(res.status, name).toBe(409);
        expect(res.json).toMatchObject({ code: 'name_taken' });
      }
      expect(await auditCount(admin)).toBe(before);
      expect(
        (await accounts(admin)).filter((a) => a.name.toLowerCase().includes('admin')),
      ).toHaveLength(2);
    });

    it('keeps trainers and the DPO out of every administration route', async () => {
      const admin = as(await staffLogin(server, 'probe-admin'));
      const target = (await accounts(admin)).find((a) => a.name === 'probe-admin');
      const before = await auditCount(admin);
      for (const name of ['probe-dpo', 'probe-trainer']) {
        const who = as(await staffLogin(server, name));
        for (const action of ['disable', 'reset', 'enable']) {
          const res = await who.post(`/api/staff/accounts/${target?.id ?? ''}/${action}`);
          expect(res.status, `${name} ${action}`).toBe(403);
        }
      }
      expect(await auditCount(admin)).toBe(before);
    });
  });
}
