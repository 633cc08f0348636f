import { closeSync, fsyncSync, openSync } from 'node:fs';
import { PGlite, type Results } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { NodeFS } from '@electric-sql/pglite/nodefs';
import type { SqlClient, SqlDatabase } from './sql-database.ts';
import { inlineParams } from './sql-literal.ts';

// PGlite's parameterised `query` makes five calls into the WebAssembly database (parse,
// describe, bind, describe, execute); `exec` makes one. At about 0.1 ms a call on this
// machine, that was most of the cost of an authenticated request, so parameters are inlined as
// quoted literals and every query goes through `exec`.
function rowsOf<T>(results: Results[]): T[] {
  return (results[results.length - 1]?.rows ?? []) as T[];
}

function sqlText(text: string, params: unknown[] | undefined): string {
  return params === undefined || params.length === 0 ? text : inlineParams(text, params);
}

// The part of Emscripten's NODEFS (the file system PGlite's NodeFS mounts) that syncing needs.
interface NodeFsStream {
  nfd?: number;
  node: unknown;
}
interface EmscriptenNodeFs {
  stream_ops: { fsync?: (stream: NodeFsStream) => number };
  realPath(node: unknown): string;
  tryFSOperation<T>(fn: () => T): T;
}

/**
 * PGlite's NodeFS with fsync that reaches the disk. As published (0.5), PGlite starts PostgreSQL
 * with `-F` (fsync off), and Emscripten's NODEFS has no fsync operation, so an fsync from
 * PostgreSQL returns at once having synced nothing. This adds the operation: a file's descriptor
 * is synced; a directory (which NODEFS opens without a descriptor, and which PostgreSQL syncs
 * after creating a WAL segment) is opened and synced by its path on the host.
 */
class SyncedNodeFS extends NodeFS {
  override async init(pg: PGlite, opts: Parameters<NodeFS['init']>[1]): ReturnType<NodeFS['init']> {
    const { emscriptenOpts } = await super.init(pg, opts);
    const preRun = emscriptenOpts.preRun ?? [];
    const syncs = (mod: { NODEFS: EmscriptenNodeFs }): void => {
      const nodefs = mod.NODEFS;
      nodefs.stream_ops.fsync = (stream) =>
        nodefs.tryFSOperation(() => {
          if (stream.nfd !== undefined) {
            fsyncSync(stream.nfd);
          } else {
            const fd = openSync(nodefs.realPath(stream.node), 'r');
            try {
              fsyncSync(fd);
            } finally {
              closeSync(fd);
            }
          }
          return 0;
        });
    };
    return {
      emscriptenOpts: {
        ...emscriptenOpts,
        preRun: [...preRun, syncs],
      },
    };
  }
}

/**
 * PostgreSQL's start-up options as PGlite sets them, with fsync on: `-F` (fsync off) left out,
 * and the WAL synced with fsync(), the one sync call NODEFS carries (Emscripten's fdatasync does
 * nothing). A commit returns once its WAL record is on disk.
 */
export const DURABLE_START_PARAMS = [
  ...PGlite.defaultStartParams.filter((p) => p !== '-F'),
  '-c',
  'fsync=on',
  '-c',
  'wal_sync_method=fsync',
  '-c',
  'synchronous_commit=on',
];

/** Opens (creating on first use) an embedded PostgreSQL in `dataDir` through PGlite. */
export async function openPgliteDatabase(dataDir: string): Promise<SqlDatabase> {
  // relaxedDurability stays off (it only defers syncing a browser's IndexedDB copy); the
  // durability of a commit comes from fsync on, above.
  const db = await PGlite.create({
    fs: new SyncedNodeFS(dataDir),
    relaxedDurability: false,
    startParams: DURABLE_START_PARAMS,
    // Trigram indexes serve the learner list's search (platform migration 007).
    extensions: { pg_trgm },
  });
  // sql-literal.ts writes standard literals, in which a backslash is an ordinary character.
  await db.exec('SET standard_conforming_strings = on');
  const client: SqlClient = {
    async query<T>(text: string, params?: unknown[]): Promise<T[]> {
      return rowsOf<T>(await db.exec(sqlText(text, params)));
    },
  };
  return {
    kind: 'pglite',
    query: (text, params) => client.query(text, params),
    groupCommit: (text, rows) => client.query(text, [rows]),
    transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      return db.transaction(async (tx) =>
        fn({
          async query<R>(text: string, params?: unknown[]): Promise<R[]> {
            return rowsOf<R>(await tx.exec(sqlText(text, params)));
          },
        }),
      );
    },
    async close(): Promise<void> {
      await db.close();
    },
  };
}
