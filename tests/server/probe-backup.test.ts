import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { backupDatabase, restoreDatabase } from '../../src/server/db/dump.ts';
import { databaseOf, openStore } from '../../src/server/lrs/store/open-store.ts';
import { api, enrol, staffLogin, startPlatform, STAFF_PASSWORD } from './certification-helpers.ts';
import { createStaffUser } from '../../src/server/platform/staff/accounts.ts';
import { newTempDir, removeDir, storeKinds } from './helpers.ts';

// What a backup holds and who can reach it: nobody over the network, nobody but the owner on the
// machine, no secret in the clear; a tampered file is refused with a reason and loads nothing.

describe('the embedded store on disk', () => {
  it('makes a new data folder that only its owner can enter', async () => {
    const parent = await newTempDir('lrs-probe-');
    try {
      const dataDir = path.join(parent, 'centre', 'data');
      const store = await openStore({ dataDir });
      try {
        expect((await stat(dataDir)).mode & 0o077).toBe(0);
      } finally {
        await store.close();
      }
    } finally {
      await removeDir(parent);
    }
  });
});

for (const kind of storeKinds()) {
  describe(`backups under attack (${kind.name})`, () => {
    it('offers no way to start a backup over HTTP, writes it for its owner only, with no secret in the clear', async () => {
      const dir = await newTempDir('lrs-probe-backup-');
      const opened = await kind.open();
      try {
        const { server, platform } = await startPlatform(opened.store);
        try {
          await createStaffUser(platform.staff, 'backup-admin', 'admin', STAFF_PASSWORD);
          const admin = await staffLogin(server, 'backup-admin');
          for (const [method, route] of [
            ['POST', '/api/backup'],
            ['POST', '/api/staff/backup'],
            ['GET', '/api/export'],
            ['POST', '/api/operator'],
            ['GET', '/lrs.sock'],
          ] as const) {
            const res = await api(server, route, {
              method,
              headers: { Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf },
            });
            expect(res.status, route).toBe(404);
          }
          const learner = await enrol(server);
          const file = path.join(dir, 'centre.jsonl.gz');
          await backupDatabase(databaseOf(opened.store), file);
          expect((await stat(file)).mode & 0o777).toBe(0o600);
          const text = gunzipSync(await readFile(file)).toString('utf8');
          expect(text).toContain(learner.key);
          for (const secret of [STAFF_PASSWORD, learner.secret, admin.cookie.split('=')[1] ?? '']) {
            expect(secret.length).toBeGreaterThan(10);
            expect(text).not.toContain(secret);
          }
        } finally {
          await server.close();
        }
      } finally {
        await opened.cleanup();
        await removeDir(dir);
      }
    }, 60_000);

    it('refuses a tampered file with a reason and loads nothing', async () => {
      const dir = await newTempDir('lrs-probe-backup-');
      const source = await kind.open();
      const target = await kind.open();
      try {
        const { server } = await startPlatform(source.store);
        await enrol(server);
        await server.close();
        const file = path.join(dir, 'whole.jsonl.gz');
        await backupDatabase(databaseOf(source.store), file);
        const lines = gunzipSync(await readFile(file))
          .toString('utf8')
          .trimEnd()
          .split('\n');
        const header = JSON.parse(lines[0] ?? '') as { tables: unknown[] };
        const tampered = async (name: string, head: unknown, rest = lines.slice(1)) => {
          const out = path.join(dir, name);
          await writeFile(out, gzipSync(`${[JSON.stringify(head), ...rest].join('\n')}\n`));
          return out;
        };
        const targetDb = databaseOf(target.store);
        // Opening the platform's tables on the target, as the restore command migrates first.
        const prepared = await startPlatform(target.store);
        await prepared.server.close();
        for (const [name, head] of [
          ['not-tables', { ...header, tables: [1, null] }],
          ['no-columns', { ...header, tables: [{ name: 'learners' }] }],
          [
            'bad-identity',
            { ...header, tables: [{ name: 'learners', columns: ['x"'], identity: 7 }] },
          ],
          ['bad-name', { ...header, tables: [{ name: 'learners; DROP TABLE x', columns: [] }] }],
        ] as const) {
          const out = await tampered(name, head);
          const error = await restoreDatabase(targetDb, out).then(
            () => null,
            (e: unknown) => e as Error,
          );
          expect(error, name).not.toBeNull();
          expect(error?.message, name).toMatch(
            /not a backup or export|does not have|unexpected table or column/,
          );
        }
        const counts = await targetDb.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM learners',
        );
        expect(counts[0]?.n).toBe(0);
      } finally {
        await source.cleanup();
        await target.cleanup();
        await removeDir(dir);
      }
    }, 60_000);
  });
}
