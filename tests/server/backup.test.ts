import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { backupDatabase } from '../../src/server/db/dump.ts';
import { databaseOf } from '../../src/server/lrs/store/open-store.ts';
import { operatorSocketPath, serveOperatorSocket } from '../../src/server/operator/socket.ts';
import { startPlatform } from './certification-helpers.ts';
import {
  checkCentre,
  fillCentre,
  newCentreStore,
  postgresTestsRun,
  rowsOf,
  runBackupCli,
  tableRows,
  type CentreKind,
  type CentreRecords,
  type CentreStore,
} from './centre-helpers.ts';
import { newTempDir, removeDir, xapi } from './helpers.ts';

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
        const store = await source.open();
        try {
          const { server, platform } = await startPlatform(store);
          await fillCentre(server, store, platform);
          await server.close();
        } finally {
          await store.close();
        }
        const file = `${dir}/whole.jsonl.gz`;
        expect((await runBackupCli(['backup', file], source.env)).code).toBe(0);
        const lines = gunzipSync(await readFile(file))
          .toString('utf8')
          .trimEnd()
          .split('\n');
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
