// A centre's records as one file: every table of the LRS and the platform, read in one
// REPEATABLE READ transaction (a consistent snapshot, taken while the service serves), written as
// gzip-compressed JSON lines. The same file is a backup (restored into the same kind of store) and
// an export (imported into the other kind: embedded store to PostgreSQL and back), since both
// stores are PostgreSQL and the rows go through PostgreSQL's own JSON forms (row_to_json out,
// json_populate_recordset in): timestamps keep their microseconds, bytea its bytes, jsonb its
// value, and identity columns (statement seq) their numbers.
//
// Layout: a header line {format, version, created, source, schema, tables}, then one line per row
// {"t": table, "r": row}, tables in an order that loads foreign keys after what they point at,
// then a trailer {"end": true, "counts": {...}} that restore checks, so a cut-off file is refused.
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import type { SqlClient, SqlDatabase } from './sql-database.ts';

export const DUMP_FORMAT = 'peacekeeping-training-centre-dump';
export const DUMP_VERSION = 1;

// Tables left out: the migration bookkeeping (the target's migrations write it), the rate
// limits' counters (not records; a restored centre starts with none), and the LRS's counts of
// statements and per-actor completions with their activity keys (its triggers rebuild them as
// the statements are loaded).
const BOOKKEEPING = new Set([
  'schema_versions',
  'schema_functions',
  'rate_limits',
  'statement_counts',
  'actor_completions',
  'activity_keys',
]);
// Rows fetched at a time: few where a row may hold a document or attachment of megabytes.
const ROWS_PER_FETCH = 2000;
const ROWS_PER_FETCH_WITH_BYTES = 8;
// Rows inserted at a time on restore: up to this many, or this many bytes of JSON.
const ROWS_PER_INSERT = 1000;
const BYTES_PER_INSERT = 8 * 1024 * 1024;

/** One table as the dump records it: the columns written (generated ones are left out). */
export interface DumpTable {
  name: string;
  columns: string[];
  /** The identity column (statements.seq), restored as it was and its sequence moved past it. */
  identity: string | null;
}

/** The dump's first line. */
export interface DumpHeader {
  format: typeof DUMP_FORMAT;
  version: number;
  created: string;
  /** 'pglite' (embedded) or 'postgres'. */
  source: string;
  /** Applied migration versions per scope ("lrs", "platform"). */
  schema: Record<string, number[]>;
  tables: DumpTable[];
}

/** What backup or restore did: rows per table. */
export interface DumpSummary {
  file: string;
  bytes: number;
  counts: Record<string, number>;
  /** Milliseconds the snapshot transaction (backup) or the load (restore) took. */
  ms: number;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`unexpected table or column name "${name}"`);
  return `"${name}"`;
}

/** The schema's tables in load order (a table after those its foreign keys point at). */
async function readTables(tx: SqlClient): Promise<DumpTable[]> {
  const columns = await tx.query<{
    table_name: string;
    column_name: string;
    is_generated: string;
    is_identity: string;
  }>(
    `SELECT c.table_name, c.column_name, c.is_generated, c.is_identity
       FROM information_schema.columns c
       JOIN information_schema.tables t
         ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.ordinal_position`,
  );
  const tables = new Map<string, DumpTable>();
  for (const c of columns) {
    if (BOOKKEEPING.has(c.table_name)) continue;
    const table = tables.get(c.table_name) ?? { name: c.table_name, columns: [], identity: null };
    tables.set(c.table_name, table);
    if (c.is_generated === 'ALWAYS') continue;
    table.columns.push(c.column_name);
    if (c.is_identity === 'YES') table.identity = c.column_name;
  }
  const references = await tx.query<{ child: string; parent: string }>(
    `SELECT cl.relname AS child, pa.relname AS parent
       FROM pg_constraint k
       JOIN pg_class cl ON cl.oid = k.conrelid
       JOIN pg_class pa ON pa.oid = k.confrelid
      WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace`,
  );
  const ordered: DumpTable[] = [];
  const placed = new Set<string>();
  const place = (name: string, path: string[]): void => {
    if (placed.has(name) || path.includes(name)) return;
    for (const r of references) {
      if (r.child === name && r.parent !== name) place(r.parent, [...path, name]);
    }
    const table = tables.get(name);
    if (table !== undefined && !placed.has(name)) {
      placed.add(name);
      ordered.push(table);
    }
  };
  for (const name of [...tables.keys()].sort()) place(name, []);
  return ordered;
}

async function readSchemaVersions(tx: SqlClient): Promise<Record<string, number[]>> {
  const rows = await tx.query<{ scope: string; version: number }>(
    'SELECT scope, version FROM schema_versions ORDER BY scope, version',
  );
  const schema: Record<string, number[]> = {};
  for (const r of rows) (schema[r.scope] ??= []).push(r.version);
  return schema;
}

async function hasBytes(tx: SqlClient, table: string): Promise<boolean> {
  const rows = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 AND data_type = 'bytea'`,
    [table],
  );
  return (rows[0]?.n ?? 0) > 0;
}

/** Writes and syncs `file` through a temporary name, so that a file by that name is whole. */
async function writeDurably(
  file: string,
  write: (put: (line: string) => Promise<void>) => Promise<void>,
): Promise<number> {
  const partial = `${file}.partial`;
  const gzip = createGzip();
  const out = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
  gzip.pipe(out);
  const written = once(out, 'close');
  const put = async (line: string): Promise<void> => {
    if (!gzip.write(line)) await once(gzip, 'drain');
  };
  try {
    await write(put);
    gzip.end();
    await written;
    const handle = await open(partial, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(partial, file);
    const dir = await open(path.dirname(file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (error) {
    gzip.destroy();
    out.destroy();
    await rm(partial, { force: true });
    throw error;
  }
  return (await stat(file)).size;
}

/**
 * Writes a consistent snapshot of every table of the database's schema to `file` (which must not
 * exist). On PostgreSQL the snapshot is a REPEATABLE READ, READ ONLY transaction: other sessions
 * go on writing meanwhile. On the embedded store (one connection) the service's requests wait
 * while it is read.
 */
export async function backupDatabase(db: SqlDatabase, file: string): Promise<DumpSummary> {
  const target = path.resolve(file);
  try {
    await stat(target);
    throw new Error(`${target} exists: give a new file name`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const counts: Record<string, number> = {};
  let ms = 0;
  const bytes = await writeDurably(target, (put) =>
    db.transaction(async (tx) => {
      const started = performance.now();
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      // Renamed for its duration: a snapshot stores no statement, so the LRS's consistent-through
      // (sql-store.ts), which waits for the service's open transactions, need not wait for it.
      await tx.query(
        "SELECT set_config('application_name', 'snapshot of ' || current_setting('application_name'), true)",
      );
      const tables = await readTables(tx);
      const header: DumpHeader = {
        format: DUMP_FORMAT,
        version: DUMP_VERSION,
        created: new Date().toISOString(),
        source: db.kind,
        schema: await readSchemaVersions(tx),
        tables,
      };
      await put(`${JSON.stringify(header)}\n`);
      for (const table of tables) {
        const fetch = (await hasBytes(tx, table.name)) ? ROWS_PER_FETCH_WITH_BYTES : ROWS_PER_FETCH;
        const cols = table.columns.map(ident).join(', ');
        const order = table.identity === null ? '' : ` ORDER BY ${ident(table.identity)}`;
        await tx.query(
          `DECLARE dump_rows NO SCROLL CURSOR FOR
             SELECT row_to_json(r)::text AS j FROM (SELECT ${cols} FROM ${ident(table.name)}${order}) r`,
        );
        const prefix = `{"t":${JSON.stringify(table.name)},"r":`;
        let n = 0;
        for (;;) {
          const rows = await tx.query<{ j: string }>(`FETCH ${fetch} FROM dump_rows`);
          // One write per fetch: a write per row cost more than reading the rows.
          if (rows.length > 0) await put(rows.map((row) => `${prefix}${row.j}}\n`).join(''));
          n += rows.length;
          if (rows.length < fetch) break;
        }
        await tx.query('CLOSE dump_rows');
        counts[table.name] = n;
      }
      await put(`${JSON.stringify({ end: true, counts })}\n`);
      ms = performance.now() - started;
    }),
  );
  return { file: target, bytes, counts, ms };
}

/** Reads a dump's lines: the header first; throws on a file that is not a dump. */
async function* dumpLines(file: string): AsyncGenerator<string> {
  const input = createReadStream(file).pipe(createGunzip());
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) if (line !== '') yield line;
  } catch (error) {
    throw new Error(`${file} is not a readable dump (${(error as Error).message})`, {
      cause: error,
    });
  }
}

// A table as the header lists it: names a restore puts in SQL (ident() checks them again).
function isDumpTable(value: unknown): value is DumpTable {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Partial<Record<keyof DumpTable, unknown>>;
  return (
    typeof t.name === 'string' &&
    IDENT.test(t.name) &&
    Array.isArray(t.columns) &&
    t.columns.every((c) => typeof c === 'string' && IDENT.test(c)) &&
    (t.identity === null || (typeof t.identity === 'string' && t.columns.includes(t.identity)))
  );
}

function parseHeader(line: string | undefined, file: string): DumpHeader {
  let header: Partial<DumpHeader> = {};
  try {
    header = JSON.parse(line ?? '') as Partial<DumpHeader>;
  } catch {
    // Refused below.
  }
  if (header.format !== DUMP_FORMAT || !Array.isArray(header.tables)) {
    throw new Error(`${file} is not a backup or export of this service`);
  }
  if (header.version !== DUMP_VERSION) {
    throw new Error(
      `${file} is a dump of format version ${header.version}; this version reads ${DUMP_VERSION}`,
    );
  }
  if (!header.tables.every(isDumpTable)) {
    throw new Error(`${file} is not a backup or export of this service (its list of tables)`);
  }
  return header as DumpHeader;
}

/** Reads a dump's header (for a restore to prepare the schema it needs). */
export async function readDumpHeader(file: string): Promise<DumpHeader> {
  for await (const line of dumpLines(path.resolve(file))) return parseHeader(line, file);
  throw new Error(`${file} is empty`);
}

/** Rows in the schema's tables (bookkeeping aside): zero means an empty store. */
export async function countRows(db: SqlClient): Promise<Record<string, number>> {
  const tables = await readTables(db);
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const [row] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${ident(t.name)}`);
    counts[t.name] = Number(row?.n ?? 0);
  }
  return counts;
}

/**
 * Loads a dump into the database's schema, whose tables must exist (the caller migrates) and be
 * empty unless `replace` (then they are emptied first), all in one transaction: on any error
 * nothing is loaded. Refuses a dump cut short (no trailer, or counts that differ).
 */
export async function restoreDatabase(
  db: SqlDatabase,
  file: string,
  options: { replace?: boolean } = {},
): Promise<DumpSummary> {
  const source = path.resolve(file);
  const started = performance.now();
  const counts = await db.transaction(async (tx) => {
    const targetTables = new Map((await readTables(tx)).map((t) => [t.name, t]));
    const existing = await countRows(tx);
    const filled = Object.entries(existing).filter(([, n]) => n > 0);
    if (filled.length > 0) {
      if (options.replace !== true) {
        throw new Error(
          `the target is not empty (${filled.map(([t, n]) => `${t}: ${n}`).join(', ')}); ` +
            'restore into an empty data folder or database, or pass --replace to empty it first',
        );
      }
      await tx.query(
        `TRUNCATE ${[...targetTables.keys()].map(ident).join(', ')} RESTART IDENTITY CASCADE`,
      );
    }
    const lines = dumpLines(source);
    const first = await lines.next();
    const header = parseHeader(first.done === true ? undefined : first.value, file);
    const tables = new Map(header.tables.map((t) => [t.name, t]));
    for (const t of header.tables) {
      const target = targetTables.get(t.name);
      const missing = t.columns.filter((c) => !target?.columns.includes(c));
      if (target === undefined || missing.length > 0) {
        throw new Error(
          target === undefined
            ? `the dump has a table "${t.name}" that this version does not have`
            : `the dump's table "${t.name}" has columns this version does not have: ${missing.join(', ')}`,
        );
      }
    }
    const loaded: Record<string, number> = Object.fromEntries(
      header.tables.map((t) => [t.name, 0]),
    );
    let batch: string[] = [];
    let batchBytes = 0;
    let batchTable: DumpTable | null = null;
    const flush = async (): Promise<void> => {
      if (batchTable === null || batch.length === 0) return;
      const t = batchTable;
      const cols = t.columns.map(ident).join(', ');
      const overriding = t.identity === null ? '' : ' OVERRIDING SYSTEM VALUE';
      await tx.query(
        `INSERT INTO ${ident(t.name)} (${cols})${overriding}
         SELECT ${cols} FROM json_populate_recordset(NULL::${ident(t.name)}, $1::json)`,
        [`[${batch.join(',')}]`],
      );
      loaded[t.name] = (loaded[t.name] ?? 0) + batch.length;
      batch = [];
      batchBytes = 0;
    };
    let trailer = null as { end?: boolean; counts?: Record<string, number> } | null;
    for await (const line of lines) {
      if (line.startsWith('{"end"')) {
        trailer = JSON.parse(line) as typeof trailer;
        break;
      }
      // {"t":"name","r":{...}}: the row's JSON is passed on as text, unparsed.
      const match = /^\{"t":"([a-z_][a-z0-9_]*)","r":/.exec(line);
      const table = match === null ? undefined : tables.get(match[1] ?? '');
      if (match === null || table === undefined || !line.endsWith('}')) {
        throw new Error(`${file}: a line is not a row of a table the header names`);
      }
      if (batchTable !== table) {
        await flush();
        batchTable = table;
      }
      const row = line.slice(match[0].length, -1);
      batch.push(row);
      batchBytes += row.length;
      if (batch.length >= ROWS_PER_INSERT || batchBytes >= BYTES_PER_INSERT) await flush();
    }
    await flush();
    if (trailer?.end !== true || trailer.counts === undefined) {
      throw new Error(`${file} is cut short (no end line): nothing was restored`);
    }
    for (const [name, n] of Object.entries(trailer.counts)) {
      if ((loaded[name] ?? 0) !== n) {
        throw new Error(`${file}: ${name} has ${loaded[name] ?? 0} rows, the end line says ${n}`);
      }
    }
    for (const t of header.tables) {
      if (t.identity === null) continue;
      await tx.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(max(${ident(t.identity)}), 0) + 1, false)
           FROM ${ident(t.name)}`,
        [t.name, t.identity],
      );
    }
    return loaded;
  });
  return {
    file: source,
    bytes: (await stat(source)).size,
    counts,
    ms: performance.now() - started,
  };
}
