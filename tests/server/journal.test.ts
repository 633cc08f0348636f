// The embedded store's statement journal: statements are acknowledged once journaled, applied
// afterwards, and applied again on start-up if the process died in between.
import { createHash } from 'node:crypto';
import { readFile, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IdFilter } from '../../src/server/db/id-filter.ts';
import { Journal, readJournal } from '../../src/server/db/journal.ts';
import { openStore } from '../../src/server/lrs/store/open-store.ts';
import { SqlStore } from '../../src/server/lrs/store/sql-store.ts';
import { WorkerDatabase } from '../../src/server/db/worker-database.ts';
import { newAgent, newStoreStatement, randomUUID, useTempDir } from './helpers.ts';

const tempDir = useTempDir('each', 'lrs-journal-');

describe('journal file', () => {
  it('reads back what was appended, across appends and reopening', async () => {
    const file = path.join(tempDir(), 'j.log');
    const first = Journal.open(file);
    expect(first.contents).toEqual({ records: [], tornBytes: 0 });
    first.journal.append(['[{"a":1}]', '[{"b":"é ü \'quote\'"}]']);
    first.journal.append(['[]']);
    first.journal.close();
    const again = Journal.open(file);
    expect(again.contents.records).toEqual(['[{"a":1}]', '[{"b":"é ü \'quote\'"}]', '[]']);
    expect(again.contents.tornBytes).toBe(0);
    again.journal.clear();
    again.journal.close();
    expect((await stat(file)).size).toBe(0);
  });

  it('keeps the whole records before a write cut short, and drops the rest', async () => {
    const file = path.join(tempDir(), 'j.log');
    const { journal } = Journal.open(file);
    journal.append(['[1]', '[2,2]']);
    journal.append(['[3,3,3]']);
    journal.close();
    const size = (await stat(file)).size;
    await truncate(file, size - 3);
    const cut = readJournal(await readFile(file));
    expect(cut.records).toEqual(['[1]', '[2,2]']);
    expect(cut.tornBytes).toBeGreaterThan(0);
  });

  it('stops at a record whose checksum does not match', async () => {
    const file = path.join(tempDir(), 'j.log');
    const { journal } = Journal.open(file);
    journal.append(['[1]', '[2]']);
    journal.close();
    const bytes = await readFile(file);
    const at = bytes.lastIndexOf('[2]');
    bytes[at + 1] = '7'.charCodeAt(0);
    await writeFile(file, bytes);
    expect(readJournal(bytes).records).toEqual(['[1]']);
  });
});

function newStatement() {
  return newStoreStatement(newAgent(), 'https://example.org/activity/journal');
}

/** The embedded store's files in the test's folder. */
function files() {
  const dir = tempDir();
  return {
    dataDir: path.join(dir, 'pglite'),
    journalFile: path.join(dir, 'journal.log'),
    ownJournalFile: path.join(dir, 'journal-service.log'),
  };
}

describe('acknowledged, not yet applied (embedded store)', () => {
  it('applies on start-up what a crash left in the journal, keeping its stored time', async () => {
    // Applying waits a minute here, so the statements stay in the journal only.
    const store = await openStore({ dataDir: tempDir(), applyAfterMs: 60_000 });
    const statements = [newStatement(), newStatement(), newStatement()];
    const { consistentThrough } = await store.insertStatements(statements.slice(0, 2));
    await store.insertStatements(statements.slice(2));
    // In the service's journal, or the database thread's while the id filter is being read.
    const journals = [files().journalFile, files().ownJournalFile];
    const records = async () =>
      (await Promise.all(journals.map(async (f) => readJournal(await readFile(f)).records))).flat()
        .length;
    expect(await records()).toBe(2);
    // The thread dies before it applies anything, as in a crash.
    expect(store instanceof SqlStore && store.database instanceof WorkerDatabase).toBe(true);
    if (store instanceof SqlStore && store.database instanceof WorkerDatabase) {
      await store.database.kill();
    }

    const reopened = await openStore({ dataDir: tempDir() });
    try {
      expect(await records()).toBe(0);
      const stored = await Promise.all(statements.map((s) => reopened.getStatement(s.id, false)));
      expect(stored.map((s) => s?.statement.id)).toEqual(statements.map((s) => s.id));
      // "stored" is the time of the acknowledgement, not of the replay.
      expect(stored[0]?.statement.stored).toBe(consistentThrough);
      const page = await reopened.queryStatements({
        limit: 10,
        ascending: true,
        relatedActivities: false,
        relatedAgents: false,
      });
      expect(page.statements.map((s) => s.id)).toEqual(statements.map((s) => s.id));
    } finally {
      await reopened.close();
    }
  });

  it('reports a database thread that stops, and fails every request after it', async () => {
    const failures: Error[] = [];
    const db = await WorkerDatabase.open(files(), (error) => failures.push(error));
    expect(await db.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await db.kill();
    await expect(db.query('SELECT 1')).rejects.toThrow(/database thread exited/);
    expect(failures).toHaveLength(1);
    // A deliberate close is not a failure.
    const again = await WorkerDatabase.open(files(), (error) => failures.push(error));
    await again.close();
    expect(failures).toHaveLength(1);
  });

  it('shows a statement to a query sent right after its acknowledgement', async () => {
    const store = await openStore({ dataDir: tempDir(), applyAfterMs: 60_000 });
    try {
      const s = newStatement();
      await store.insertStatements([s]);
      expect((await store.getStatement(s.id, false))?.statement.id).toBe(s.id);
      for (const f of [files().journalFile, files().ownJournalFile]) {
        expect((await stat(f)).size, f).toBe(0);
      }
    } finally {
      await store.close();
    }
  });
});

describe('id filter', () => {
  it('knows every id added, and mistakes about 1% of the others for added ones', () => {
    const filter = new IdFilter();
    // Past the first filter's capacity (65,536), so that it has grown.
    const added = Array.from({ length: 100_000 }, () => randomUUID());
    for (const id of added) filter.add(id);
    expect(added.every((id) => filter.mightHave(id))).toBe(true);
    // Version-1-like ids that differ only in a few characters are told apart too.
    const others = Array.from(
      { length: 20_000 },
      (_, i) => `${String(i).padStart(8, '0')}-0000-1000-8000-000000000000`,
    );
    const mistaken = others.filter((id) => filter.mightHave(id)).length;
    expect(mistaken / others.length).toBeLessThan(0.03);
    expect(filter.size).toBe(100_000);
  });
});

describe('conflicts the id filter must not hide (embedded store)', () => {
  it('refuses a different statement under an id stored before a restart', async () => {
    const first = await openStore({ dataDir: tempDir() });
    const taken = newStatement();
    await first.insertStatements([taken]);
    await first.close();
    const store = await openStore({ dataDir: tempDir() });
    try {
      const rival = { ...newStatement(), id: taken.id };
      await expect(store.insertStatements([rival])).rejects.toMatchObject({ status: 409 });
      // The same statement again is accepted, as an identical re-send.
      await expect(store.insertStatements([taken])).resolves.toMatchObject({ ids: [taken.id] });
    } finally {
      await store.close();
    }
  });

  it('refuses a different statement under an id stored with an attachment', async () => {
    const store = await openStore({ dataDir: tempDir() });
    try {
      const taken = newStatement();
      const content = new TextEncoder().encode('certificate');
      const sha2 = createHash('sha256').update(content).digest('hex');
      await store.insertStatements([taken], [{ sha2, contentType: 'text/plain', content }]);
      const rival = { ...newStatement(), id: taken.id };
      await expect(store.insertStatements([rival])).rejects.toMatchObject({ status: 409 });
    } finally {
      await store.close();
    }
  });
});
