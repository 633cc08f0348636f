import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, readMigrations, splitSql } from '../../src/server/db/migrate.ts';
import { openPgDatabase } from '../../src/server/db/pg-database.ts';
import { openPgliteDatabase } from '../../src/server/db/pglite-database.ts';
import type { SqlDatabase } from '../../src/server/db/sql-database.ts';
import { activitySetsDoneOf } from '../../src/server/lrs/store/agent-relations.ts';
import { LRS_MIGRATIONS } from '../../src/server/lrs/store/open-store.ts';
import { PLATFORM_MIGRATIONS } from '../../src/server/platform/store/platform-store.ts';
import {
  dropSchema,
  inCi,
  newSchema,
  newTempDir,
  POSTGRES_MISSING_IN_CI,
  removeDir,
} from './helpers.ts';

interface Opened {
  db: SqlDatabase;
  cleanup(): Promise<void>;
}

const databases: { name: string; open: () => Promise<Opened> }[] = [
  {
    name: 'embedded',
    async open() {
      const dir = await newTempDir('lrs-migrate-');
      const db = await openPgliteDatabase(dir);
      return {
        db,
        async cleanup() {
          await db.close();
          await removeDir(dir);
        },
      };
    },
  },
];
const url = process.env.DATABASE_URL;
if (url !== undefined && url !== '') {
  databases.push({
    name: 'postgres',
    async open() {
      const schema = newSchema('lrs_migrate');
      const db = await openPgDatabase({ connectionString: url, schema });
      return {
        db,
        async cleanup() {
          await db.close();
          await dropSchema(url, schema);
        },
      };
    },
  });
} else if (inCi()) {
  throw new Error(POSTGRES_MISSING_IN_CI);
}

/** Runs `test` on a copy of the LRS migrations folder that it may change, then removes it. */
async function withCopyOfLrsMigrations(
  test: (copy: { dir: string; url: URL }) => Promise<void>,
): Promise<void> {
  const dir = await newTempDir('lrs-migrations-copy-');
  try {
    await cp(LRS_MIGRATIONS, dir, { recursive: true });
    await test({ dir, url: pathToFileURL(`${dir}/`) });
  } finally {
    await removeDir(dir);
  }
}

describe.each(databases)('migrations on the $name database', (database) => {
  let opened: Opened;
  beforeEach(async () => {
    opened = await database.open();
  });
  afterEach(async () => {
    await opened.cleanup();
  });

  it('applies every version and function of each scope once, then nothing', async () => {
    const versions = (await readMigrations(LRS_MIGRATIONS)).map((m) => m.version);
    const first = await migrate(opened.db, 'lrs', LRS_MIGRATIONS);
    expect(first.applied).toEqual(versions);
    expect(first.functions).toEqual([
      'count-statements',
      'insert-statements',
      'link-refs',
      'may-void',
      'own-keys',
      'store-statements',
    ]);
    expect((await migrate(opened.db, 'platform', PLATFORM_MIGRATIONS)).applied).toEqual(
      (await readMigrations(PLATFORM_MIGRATIONS)).map((m) => m.version),
    );
    expect(await migrate(opened.db, 'lrs', LRS_MIGRATIONS)).toEqual({ applied: [], functions: [] });
    expect(await migrate(opened.db, 'platform', PLATFORM_MIGRATIONS)).toEqual({
      applied: [],
      functions: [],
    });
    const tables = await opened.db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = current_schema() ORDER BY 1`,
    );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['statements', 'state_documents', 'certificates', 'staff_users']),
    );
  });

  it('applies only the versions above the ones already applied, up to a limit when given', async () => {
    await withCopyOfLrsMigrations(async (copy) => {
      expect((await migrate(opened.db, 'lrs', copy.url, 2)).applied).toEqual([1, 2]);
      await writeFile(
        path.join(copy.dir, '999-a-test-table.sql'),
        '-- a comment line\nCREATE TABLE migration_probe (n integer);\nINSERT INTO migration_probe VALUES (999);\n',
      );
      const above = (await readMigrations(LRS_MIGRATIONS))
        .map((m) => m.version)
        .filter((v) => v > 2);
      expect(above.slice(0, 2)).toEqual([3, 4]);
      expect((await migrate(opened.db, 'lrs', copy.url)).applied).toEqual([...above, 999]);
      expect(await opened.db.query('SELECT n FROM migration_probe')).toEqual([{ n: 999 }]);
    });
  });

  it('defines a function again when, and only when, its one file changes', async () => {
    await withCopyOfLrsMigrations(async (copy) => {
      await migrate(opened.db, 'lrs', copy.url);
      const file = path.join(copy.dir, 'functions', 'own-keys.sql');
      await writeFile(file, `${await readFile(file, 'utf8')}\n-- changed\n`);
      expect(await migrate(opened.db, 'lrs', copy.url)).toEqual({
        applied: [],
        functions: ['own-keys'],
      });
      expect((await migrate(opened.db, 'lrs', copy.url)).functions).toEqual([]);
    });
  });

  it('rolls a failing version back whole and applies it on the next start once mended', async () => {
    await withCopyOfLrsMigrations(async (copy) => {
      await migrate(opened.db, 'lrs', copy.url);
      const file = path.join(copy.dir, '005-broken.sql');
      await writeFile(file, 'CREATE TABLE half_done (n integer);\nSELECT no_such_function();\n');
      await expect(migrate(opened.db, 'lrs', copy.url)).rejects.toThrow(/no_such_function/);
      const half = await opened.db.query<{ t: string | null }>(
        "SELECT to_regclass('half_done')::text AS t",
      );
      expect(half[0]?.t).toBeNull();
      await writeFile(file, 'CREATE TABLE half_done (n integer);\n');
      expect((await migrate(opened.db, 'lrs', copy.url)).applied).toEqual([5]);
    });
  });

  it('maps free-text countries to ISO codes (English or French names), flags the rest, and keys persons anew', async () => {
    expect((await migrate(opened.db, 'platform', PLATFORM_MIGRATIONS, 2)).applied).toEqual([1, 2]);
    await opened.db.query(
      `INSERT INTO staff_users (id, name, role, password_hash) VALUES ('t1', 'trainer', 'trainer', 'x')`,
    );
    await opened.db.query(
      `INSERT INTO cohorts (code, name, track_id, created_by) VALUES ('C1', 'One', 'police', 't1')`,
    );
    const rows: [string, string, string | null][] = [
      ['Senegal', 'SN-1', 'C1'],
      ['Sénégal', 'SN-2', null],
      ['  sénégal ', 'SN-3', null],
      ['Côte d\u2019Ivoire', 'CI-1', null],
      ["Cote d'Ivoire", 'CI-2', null],
      ['Allemagne', 'DE-1', null],
      ['KE', 'KE-1', null],
      ['ken', 'KE-2', null],
      ['Atlantis', 'AT-1', null],
      ['Congo', 'CG-1', null],
      ['Nepal', 'UN.4471.B', null],
      ['Népal', 'UN\u20134471\u2013B', null],
    ];
    for (const [i, [country, serviceNumber, cohort]] of rows.entries()) {
      await opened.db.query(
        `INSERT INTO learners (learner_id, agent_ifi, actor, registration, name, service_number,
           mission, country, unit, role, track_id, language, cohort, person_key, enrolled_at)
         VALUES ($1, $1, '{}'::jsonb, gen_random_uuid(), 'n', $2, 'm', $3, 'u', 'police', NULL,
           'en', $4, $1, now() + ($5 || ' seconds')::interval)`,
        [`l${String(i)}`, serviceNumber, country, cohort, String(i)],
      );
    }
    expect((await migrate(opened.db, 'platform', PLATFORM_MIGRATIONS, 3)).applied).toEqual([3]);
    const after = await opened.db.query<{
      country: string;
      country_unmapped: boolean;
      person_key: string | null;
      cohort_joined_at: string | null;
    }>(
      `SELECT country, country_unmapped, person_key, cohort_joined_at FROM learners
       ORDER BY enrolled_at`,
    );
    expect(after.map((r) => [r.country, r.country_unmapped])).toEqual([
      ['SN', false],
      ['SN', false],
      ['SN', false],
      ['CI', false],
      ['CI', false],
      ['DE', false],
      ['KE', false],
      ['KE', false],
      ['Atlantis', true],
      // Two countries are called Congo: neither is guessed.
      ['Congo', true],
      ['NP', false],
      ['NP', false],
    ]);
    expect(after[0]?.cohort_joined_at).not.toBeNull();
    expect(after[1]?.cohort_joined_at).toBeNull();
    // One person typed twice before: the first enrolment keeps the key, as in migration 002.
    expect(after.slice(10).map((r) => r.person_key)).toEqual(['np/un4471b', null]);
    expect(after[0]?.person_key).toBe('sn/sn1');
    const seats = await opened.db.query<{ seats: number; closed_at: string | null }>(
      'SELECT seats, closed_at FROM cohorts',
    );
    expect(seats).toEqual([{ seats: 40, closed_at: null }]);
  });

  it('counts the statements already stored when versions 7 and 8 are applied, and follows every later write', async () => {
    expect((await migrate(opened.db, 'lrs', LRS_MIGRATIONS, 6)).applied).toEqual([1, 2, 3, 4, 6]);
    const VERB = 'http://adlnet.gov/expapi/verbs/completed';
    // Statements as an earlier version stored them: two of one (actor, object) pair, one voided,
    // one without an actor IFI, one of another verb (not counted).
    const add = (actor: string | null, object: string, verb = VERB, voided = false) =>
      opened.db.query(
        `INSERT INTO statements (id, statement, fingerprint, stored, verb_id, actor_ifi,
           credential_key, voided)
         VALUES (gen_random_uuid(), jsonb_build_object('object', jsonb_build_object('id', $2::text)),
           'f', now(), $3, $1, 'k', $4)`,
        [actor, object, verb, voided],
      );
    await add('a', 'm1');
    await add('a', 'm1');
    await add('a', 'm2', VERB, true);
    await add('b', 'm2');
    await add(null, 'm3');
    await add('a', 'q1', 'http://adlnet.gov/expapi/verbs/answered');
    // Counts recomputed from the statements, and as the tables hold them.
    const expected = () =>
      opened.db.query(
        `SELECT verb_id, actor_ifi, object_id, count(*)::int AS n FROM statements
         WHERE verb_id = $1 AND NOT voided AND actor_ifi IS NOT NULL
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
        [VERB],
      );
    const counted = () =>
      opened.db.query<{ verb_id: string; actor_ifi: string; object_id: string; n: number }>(
        `SELECT verb_id, actor_ifi, object_id, statements AS n FROM statement_counts
         WHERE statements > 0 ORDER BY 1, 2, 3`,
      );
    // Per actor, the activities of their keys (migration 8), and every key listed in the index
    // entry as in the table.
    const lists = async () =>
      Object.fromEntries(
        (
          await opened.db.query<{ actor_ifi: string; object_ids: string[]; same: boolean }>(
            `SELECT a.actor_ifi, a.listed IS NOT DISTINCT FROM a.object_keys AS same,
               ARRAY(SELECT k.activity_id FROM activity_keys k
                      WHERE k.activity_key = ANY (a.object_keys)) AS object_ids
             FROM actor_completions a`,
          )
        ).map((r) => [r.actor_ifi, [[...r.object_ids].sort(), r.same]]),
      );
    const listed = async () =>
      Object.fromEntries(Object.entries(await lists()).map(([actor, [ids]]) => [actor, ids]));
    expect((await migrate(opened.db, 'lrs', LRS_MIGRATIONS, 8)).applied).toEqual([7, 8]);
    expect(await counted()).toEqual(await expected());
    expect(
      (await counted()).find((r) => r.actor_ifi === 'a' && r.object_id === 'm1'),
    ).toMatchObject({ n: 2 });
    expect(await lists()).toEqual({ a: [['m1'], true], b: [['m2'], true] });

    // Later writes: a new pair, one pair voided down to one and then to none, in one statement
    // and in two; and a voided statement voided again (no change).
    await add('b', 'm1');
    await opened.db.query(
      `UPDATE statements SET voided = true
       WHERE seq = (SELECT min(seq) FROM statements WHERE actor_ifi = 'a' AND object_id = 'm1')`,
    );
    expect(await listed()).toEqual({ a: ['m1'], b: ['m1', 'm2'] });
    await opened.db.query(`UPDATE statements SET voided = true WHERE actor_ifi = 'a'`);
    await opened.db.query(
      `UPDATE statements SET voided = true WHERE actor_ifi = 'b' AND object_id = 'm2'`,
    );
    expect(await counted()).toEqual(await expected());
    expect(await listed()).toEqual({ b: ['m1'] });
    await add('a', 'm2');
    expect(await listed()).toEqual({ a: ['m2'], b: ['m1'] });
    expect(await counted()).toEqual(await expected());
    // An actor with more completed activities than the primary key's entry holds: their keys
    // are in the table only, and the report's relation reads them there.
    await opened.db.query(
      `INSERT INTO statements (id, statement, fingerprint, stored, verb_id, actor_ifi,
         credential_key)
       SELECT gen_random_uuid(), jsonb_build_object('object', jsonb_build_object('id', 'n' || i)),
         'f', now(), $1, 'c', 'k'
       FROM generate_series(1, 600) i`,
      [VERB],
    );
    const c = (await lists()).c as [string[], boolean];
    expect([c[0].length, c[1]]).toEqual([600, false]);
    const params: unknown[] = [];
    const param = (v: unknown) => {
      params.push(v);
      return `$${String(params.length)}`;
    };
    const relation = activitySetsDoneOf(param, {
      verb: VERB,
      activitySets: [['n1', 'n600'], ['m1'], ['n1', 'nobody-did-this']],
      agents: null,
    });
    expect(
      await opened.db.query(`SELECT * FROM (${relation}) r ORDER BY agent_ifi`, params),
    ).toEqual([
      { agent_ifi: 'a', done0: false, done1: false, done2: null },
      { agent_ifi: 'b', done0: false, done1: true, done2: null },
      { agent_ifi: 'c', done0: true, done1: false, done2: null },
    ]);
    // Emptying the statements (a restore that replaces) empties the counts with them.
    await opened.db.query('TRUNCATE statements');
    expect(await opened.db.query('SELECT * FROM statement_counts')).toEqual([]);
    expect(await listed()).toEqual({});
    expect(await opened.db.query('SELECT * FROM activity_keys')).toEqual([]);
  });

  it('refuses a database made by the first version of the schema, saying what to do', async () => {
    await opened.db.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY)');
    await expect(migrate(opened.db, 'lrs', LRS_MIGRATIONS)).rejects.toThrow(
      /earlier version of the service.*start from an empty data folder/,
    );
  });
});

describe('migration files', () => {
  it('refuses a file that is not named NNN-name.sql, naming it', async () => {
    await withCopyOfLrsMigrations(async (copy) => {
      await writeFile(path.join(copy.dir, 'add-things.sql'), 'SELECT 1;\n');
      await expect(readMigrations(copy.url)).rejects.toThrow(
        /add-things\.sql: a migration is named/,
      );
    });
  });

  it('splits statements at line-final semicolons, keeping function bodies whole', () => {
    const sql = [
      '-- a comment;',
      'CREATE TABLE a (n integer);',
      'CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $fn$',
      'BEGIN',
      '  PERFORM 1;',
      'END',
      '$fn$;',
      'SELECT 2',
    ].join('\n');
    expect(splitSql(sql)).toEqual([
      'CREATE TABLE a (n integer)',
      'CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $fn$\nBEGIN\n  PERFORM 1;\nEND\n$fn$',
      'SELECT 2',
    ]);
  });
});
