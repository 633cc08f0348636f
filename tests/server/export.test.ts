import { describe, expect, it } from 'vitest';
import { startPlatform } from './certification-helpers.ts';
import {
  checkCentre,
  fillCentre,
  newCentreStore,
  postgresTestsRun,
  rowsOf,
  runBackupCli,
  type CentreRecords,
  type CentreStore,
} from './centre-helpers.ts';
import { newTempDir, removeDir } from './helpers.ts';

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

      const store = await embedded.open();
      let records: CentreRecords;
      try {
        const { server, platform } = await startPlatform(store);
        records = await fillCentre(server, store, platform);
        await server.close();
      } finally {
        await store.close();
      }
      const original = await rowsOf(embedded);
      expect(original.statements?.length).toBeGreaterThan(25);
      expect(original.attachments).toHaveLength(2);
      expect(original.state_documents).toHaveLength(2);
      expect(original.profile_documents).toHaveLength(2);
      expect(original.certificates).toHaveLength(1);

      const toPostgres = `${dir}/to-postgres.jsonl.gz`;
      const exported = await runBackupCli(['export', toPostgres], embedded.env);
      expect(exported.code, exported.stderr).toBe(0);
      const imported = await runBackupCli(['import', toPostgres], postgres.env);
      expect(imported.code, imported.stderr + imported.stdout).toBe(0);
      expect(await rowsOf(postgres)).toEqual(original);
      await checkCentre(postgres, records);

      // And back, from what PostgreSQL now holds (one more statement, from checkCentre).
      const onPostgres = await rowsOf(postgres);
      expect(onPostgres.statements).toHaveLength((original.statements?.length ?? 0) + 1);
      const toEmbedded = `${dir}/to-embedded.jsonl.gz`;
      const exportedBack = await runBackupCli(['export', toEmbedded], postgres.env);
      expect(exportedBack.code, exportedBack.stderr).toBe(0);
      const importedBack = await runBackupCli(['import', toEmbedded], back.env);
      expect(importedBack.code, importedBack.stderr + importedBack.stdout).toBe(0);
      expect(await rowsOf(back)).toEqual(onPostgres);
      await checkCentre(back, records);
    } finally {
      for (const s of stores) await s.cleanup();
      await removeDir(dir);
    }
  }, 240_000);
});
