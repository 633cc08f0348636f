import { randomUUID } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { backupDatabase, restoreDatabase } from '../../src/server/db/dump.ts';
import { databaseOf, openStore } from '../../src/server/lrs/store/open-store.ts';
import { createStaffUser } from '../../src/server/platform/staff/accounts.ts';
import { operatorSocketPath, serveOperatorSocket } from '../../src/server/operator/socket.ts';
import { api, enrol, staffLogin, startPlatform, STAFF_PASSWORD } from './certification-helpers.ts';
import {
  checkCentre,
  fillCentre,
  fillNewCentre,
  moveCentre,
  newCentreStore,
  rowsOf,
  runBackupCli,
  tableRows,
  type CentreKind,
  type CentreRecords,
  type CentreStore,
} from './centre-helpers.ts';
import { newTempDir, postgresTestsRun, removeDir, storeKinds, xapi } from './helpers.ts';

/** The lines of a gzipped backup or export file. */
async function linesOf(file: string): Promise<string[]> {
  return gunzipSync(await readFile(file))
    .toString('utf8')
    .trimEnd()
    .split('\n');
}

// The tables a statement write adds rows to; the others are not written during the backup.
const STATEMENT_TABLES = new Set([
  'statements',
  'statement_agents',
  'statement_activities',
  'statement_ref_keys',
  'statement_awaited_refs',
]);

const kinds: CentreKind[] = postgresTestsRun() ? ['pglite', 'postgres'] : ['pglite'];

for (const kind of kinds) {
  describe(`backup and restore (${kind})`, () => {
    it('backs up while the service serves and restores everything into a fresh store', async () => {
      const dir = await newTempDir('lrs-backup-');
      const file = `${dir}/centre.jsonl.gz`;
      const stores: CentreStore[] = [];
      try {
        const source = await newCentreStore(kind);
        const target = await newCentreStore(kind);
        stores.push(source, target);

        // The service runs on the source; with the embedded store the tool reaches it through
        // the operator socket, as it would reach main.ts.
        const store = await source.open();
        let records: CentreRecords;
        let before: Record<string, string[]>;
        const written: string[] = [];
        try {
          const { server, platform } = await startPlatform(store);
          const closeSocket =
            kind === 'pglite'
              ? await serveOperatorSocket(
                  operatorSocketPath(source.env.DATA_DIR ?? ''),
                  {
                    store,
                    platform,
                    where: 'test store',
                    backup: (file) => backupDatabase(databaseOf(store), file),
                  },
                  () => undefined,
                )
              : null;
          records = await fillCentre(server, store, platform);
          before = await tableRows(databaseOf(store));

          // A client keeps writing while the backup is taken.
          const run = { writing: true };
          const writer = (async () => {
            while (run.writing) {
              const id = randomUUID();
              const res = await xapi(server, records.client, '/xapi/statements', {
                body: {
                  id,
                  actor: { mbox: 'mailto:writer@example.org' },
                  verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
                  object: { id: `https://example.org/during/${id}` },
                },
              });
              expect(res.status, res.text).toBe(200);
              written.push(id);
            }
          })();
          const backedUp = await runBackupCli(['backup', file], source.env);
          run.writing = false;
          await writer;
          expect(backedUp.code, backedUp.stderr).toBe(0);
          expect(backedUp.stdout).toMatch(/statements: \d+, learners: 2, certificates: 1/);
          expect(written.length).toBeGreaterThan(0);

          // An existing file is never overwritten.
          const again = await runBackupCli(['backup', file], source.env);
          expect(again.code).toBe(1);
          expect(again.stdout + again.stderr).toMatch(/exists/);
          await closeSocket?.();
          await server.close();
        } finally {
          await store.close();
        }

        const restored = await runBackupCli(['restore', file], target.env);
        expect(restored.code, restored.stderr + restored.stdout).toBe(0);
        const after = await rowsOf(target);

        // Every table as it was when the writer started; the statements a snapshot of the writes
        // during the backup, each whole (its agent and activity rows with it).
        expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
        for (const [table, rows] of Object.entries(before)) {
          if (STATEMENT_TABLES.has(table)) {
            expect(after[table]).toEqual(expect.arrayContaining(rows));
          } else {
            expect(after[table], table).toEqual(rows);
          }
        }
        const ids = (after.statements ?? []).map((r) => (JSON.parse(r) as { id: string }).id);
        // The platform's own statements (attempts, certificate) are among those of before.
        const idsBefore = (before.statements ?? []).map(
          (r) => (JSON.parse(r) as { id: string }).id,
        );
        const known = new Set([...idsBefore, ...written]);
        expect(ids.filter((id) => !known.has(id))).toEqual([]);
        for (const id of records.statementIds) expect(ids).toContain(id);
        const seqs = new Set(
          (after.statements ?? []).map((r) => (JSON.parse(r) as { seq: number }).seq),
        );
        const agentSeqs = new Set(
          (after.statement_agents ?? []).map((r) => (JSON.parse(r) as { seq: number }).seq),
        );
        expect(agentSeqs).toEqual(seqs);

        // The restored centre works: its certificate, its learner, its voided statement, new writes.
        await checkCentre(target, records);

        // A store that is not empty is refused, and left as it was.
        const onFull = await runBackupCli(['restore', file], target.env);
        expect(onFull.code).toBe(1);
        expect(onFull.stderr).toMatch(/not empty.*--replace/);
      } finally {
        for (const s of stores) await s.cleanup();
        await removeDir(dir);
      }
    }, 300_000);

    it('refuses a file cut short and loads nothing', async () => {
      const dir = await newTempDir('lrs-backup-');
      const source = await newCentreStore(kind);
      const target = await newCentreStore(kind);
      try {
        await fillNewCentre(source);
        const file = `${dir}/whole.jsonl.gz`;
        expect((await runBackupCli(['backup', file], source.env)).code).toBe(0);
        const lines = await linesOf(file);
        const cut = `${dir}/cut.jsonl.gz`;
        await writeFile(cut, gzipSync(`${lines.slice(0, -3).join('\n')}\n`));
        const refused = await runBackupCli(['restore', cut], target.env);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(/cut short|end line/);
        const rows = await rowsOf(target);
        expect(Object.values(rows).every((r) => r.length === 0)).toBe(true);
        const notADump = `${dir}/other.gz`;
        await writeFile(notADump, gzipSync('{"hello": 1}\n'));
        const other = await runBackupCli(['restore', notADump], target.env);
        expect(other.code).toBe(1);
        expect(other.stderr).toMatch(/not a backup or export/);
      } finally {
        await source.cleanup();
        await target.cleanup();
        await removeDir(dir);
      }
    }, 240_000);
  });
}

// Needs PostgreSQL: without DATABASE_URL it runs only in CI, where it then fails with the reason.
describe.runIf(postgresTestsRun())('export and import between the stores', () => {
  it('moves a centre from the embedded store to PostgreSQL and back with every row the same', async () => {
    const dir = await newTempDir('lrs-export-');
    const stores: CentreStore[] = [];
    try {
      const embedded = await newCentreStore('pglite');
      stores.push(embedded);
      const postgres = await newCentreStore('postgres');
      stores.push(postgres);
      const back = await newCentreStore('pglite');
      stores.push(back);

      const records = await fillNewCentre(embedded);
      const original = await rowsOf(embedded);
      expect(original.statements?.length).toBeGreaterThan(25);
      expect(original.attachments).toHaveLength(2);
      expect(original.state_documents).toHaveLength(2);
      expect(original.profile_documents).toHaveLength(2);
      expect(original.certificates).toHaveLength(1);
      await moveCentre(embedded, postgres, `${dir}/to-postgres.jsonl.gz`, records);

      // And back, from what PostgreSQL now holds (one more statement, from checkCentre).
      const onPostgres = await rowsOf(postgres);
      expect(onPostgres.statements).toHaveLength((original.statements?.length ?? 0) + 1);
      await moveCentre(postgres, back, `${dir}/to-embedded.jsonl.gz`, records);
    } finally {
      for (const s of stores) await s.cleanup();
      await removeDir(dir);
    }
  }, 240_000);
});

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
        const lines = await linesOf(file);
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
