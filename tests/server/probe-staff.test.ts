import { describe, expect, it } from 'vitest';
import { storeKinds, type TestServer } from './helpers.ts';
import { api, staffLogin, usePlatform } from './certification-helpers.ts';

// Hostile and careless requests to the staff account administration: each one is refused with a
// 4xx and changes no account and no line of the audit.

const STAFF = [
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
  describe(`staff administration under attack (${kind.name})`, () => {
    let server: TestServer;
    usePlatform(kind, STAFF, (started) => {
      ({ server } = started);
    });

    const as = (who: { cookie: string; csrf: string }) => ({
      get: (path: string) => api(server, path, { headers: { Cookie: who.cookie } }),
      post: (path: string, body?: unknown) =>
        api(server, path, {
          method: 'POST',
          headers: { Cookie: who.cookie, 'X-CSRF-Token': who.csrf },
          ...(body === undefined ? {} : { body }),
        }),
    });
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
