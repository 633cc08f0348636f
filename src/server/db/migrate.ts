import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlClient, SqlDatabase } from './sql-database.ts';

/** One versioned schema change, read from a file named `NNN-what-it-does.sql`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** A function definition, read from `functions/<name>.sql` beside the migrations. */
interface FunctionFile {
  name: string;
  sql: string;
  checksum: string;
}

const MIGRATION_FILE = /^(\d{3})-([a-z0-9-]+)\.sql$/;

/**
 * Reads a scope's migrations: `NNN-name.sql` files in version order. Versions must be unique;
 * a gap is allowed (a version withdrawn before release).
 */
export async function readMigrations(directory: URL): Promise<Migration[]> {
  const dir = fileURLToPath(directory);
  const migrations: Migration[] = [];
  for (const file of (await readdir(dir)).sort()) {
    if (!file.endsWith('.sql')) continue;
    const match = MIGRATION_FILE.exec(file);
    if (match === null) {
      throw new Error(`${path.join(dir, file)}: a migration is named NNN-what-it-does.sql`);
    }
    const version = Number(match[1]);
    if (migrations.some((m) => m.version === version)) {
      throw new Error(`${path.join(dir, file)}: version ${version} is taken by another file`);
    }
    migrations.push({
      version,
      name: match[2] ?? '',
      sql: await readFile(path.join(dir, file), 'utf8'),
    });
  }
  return migrations;
}

async function readFunctions(directory: URL): Promise<FunctionFile[]> {
  const dir = path.join(fileURLToPath(directory), 'functions');
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return Promise.all(
    files.map(async (file) => {
      const sql = await readFile(path.join(dir, file), 'utf8');
      return {
        name: file.replace(/\.sql$/, ''),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    }),
  );
}

/**
 * Splits a file into statements, which run one at a time (the extended protocol takes one per
 * call): a statement ends with a semicolon at the end of a line outside a `$fn$`-quoted body.
 */
export function splitSql(sql: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  let inBody = false;
  for (const line of sql.split('\n')) {
    if (!inBody && line.trim().startsWith('--')) continue;
    current.push(line);
    if ((line.split('$fn$').length - 1) % 2 === 1) inBody = !inBody;
    if (!inBody && line.trimEnd().endsWith(';')) {
      statements.push(current.join('\n').trim().replace(/;$/, ''));
      current = [];
    }
  }
  const rest = current.join('\n').trim();
  if (rest !== '') statements.push(rest);
  return statements;
}

async function run(tx: SqlClient, sql: string): Promise<void> {
  for (const statement of splitSql(sql)) await tx.query(statement);
}

// What has been applied, per scope: the versions, and the checksum of each function file.
const BOOKKEEPING = `
CREATE TABLE IF NOT EXISTS schema_versions (
  scope text NOT NULL,
  version integer NOT NULL,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, version)
);
CREATE TABLE IF NOT EXISTS schema_functions (
  scope text NOT NULL,
  name text NOT NULL,
  checksum text NOT NULL,
  defined_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, name)
);
`;

/** What migrate did: the versions it applied and the functions it (re)defined. */
export interface MigrateResult {
  applied: number[];
  functions: string[];
}

/**
 * Brings one scope's schema up to date from its folder ("lrs" and "platform" each have one).
 * Functions come first, each defined once in `functions/<name>.sql` and defined again only
 * when its file changes (so a change to a function is an edit of its one file, not a copy in a
 * new version); then every `NNN-name.sql` not yet applied, in order, up to `upTo` (for tests of
 * an upgrade). All of it runs in one transaction, under an advisory lock that serialises the
 * instances that start at the same time against one PostgreSQL database.
 */
export async function migrate(
  db: SqlDatabase,
  scope: string,
  directory: URL,
  upTo = Number.POSITIVE_INFINITY,
): Promise<MigrateResult> {
  const migrations = await readMigrations(directory);
  const functions = await readFunctions(directory);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(7283519)');
    const legacy = await tx.query<{ t: string | null }>(
      "SELECT to_regclass('schema_migrations')::text AS t",
    );
    if (legacy[0]?.t != null) {
      throw new Error(
        'this database was made by an earlier version of the service (it has a schema_migrations ' +
          'table), whose schema this version does not upgrade; start from an empty data folder ' +
          'or database',
      );
    }
    await run(tx, BOOKKEEPING);
    const defined = new Map(
      (
        await tx.query<{ name: string; checksum: string }>(
          'SELECT name, checksum FROM schema_functions WHERE scope = $1',
          [scope],
        )
      ).map((r) => [r.name, r.checksum]),
    );
    const result: MigrateResult = { applied: [], functions: [] };
    // Function bodies may name tables that a migration below creates.
    await tx.query('SET LOCAL check_function_bodies = off');
    for (const fn of functions) {
      if (defined.get(fn.name) === fn.checksum) continue;
      await run(tx, fn.sql);
      await tx.query(
        `INSERT INTO schema_functions (scope, name, checksum) VALUES ($1, $2, $3)
         ON CONFLICT (scope, name) DO UPDATE SET checksum = EXCLUDED.checksum, defined_at = now()`,
        [scope, fn.name, fn.checksum],
      );
      result.functions.push(fn.name);
    }
    const done = new Set(
      (
        await tx.query<{ version: number }>(
          'SELECT version FROM schema_versions WHERE scope = $1',
          [scope],
        )
      ).map((r) => r.version),
    );
    for (const m of migrations) {
      if (done.has(m.version) || m.version > upTo) continue;
      await run(tx, m.sql);
      await tx.query('INSERT INTO schema_versions (scope, version, name) VALUES ($1, $2, $3)', [
        scope,
        m.version,
        m.name,
      ]);
      result.applied.push(m.version);
    }
    return result;
  });
}
