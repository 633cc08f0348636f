import pg from 'pg';
import type { SqlClient, SqlDatabase } from './sql-database.ts';

/**
 * The application_name of the service's connections: `xapi-lrs`, or `xapi-lrs/<schema>` when it
 * works in a schema of its own. X-Experience-API-Consistent-Through looks for transactions open
 * under its own name, from every instance on the same schema, and none of another schema's.
 */
export function applicationNameOf(schema: string | undefined): string {
  return schema === undefined ? 'xapi-lrs' : `xapi-lrs/${schema}`;
}

// PostgreSQL keeps 63 bytes of an application_name: a longer one would cut the schema's name.
const MAX_SCHEMA = 63 - applicationNameOf('').length;

/** Options for a PostgreSQL connection pool. */
export interface PgOptions {
  connectionString: string;
  /** A schema to work in (created if missing); lets several test runs share one database. */
  schema?: string;
  maxConnections?: number;
}

/** Opens a pool on a PostgreSQL server through node-postgres. */
export async function openPgDatabase(options: PgOptions): Promise<SqlDatabase> {
  const { schema } = options;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error(`invalid schema name "${schema}"`);
  }
  if (schema !== undefined && schema.length > MAX_SCHEMA) {
    throw new Error(
      `schema name "${schema}" is too long: at most ${String(MAX_SCHEMA)} characters`,
    );
  }
  if (schema !== undefined) {
    const setup = new pg.Client({ connectionString: options.connectionString });
    await setup.connect();
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    application_name: applicationNameOf(schema),
    // A commit returns once its WAL is flushed to disk, whatever the server's default, so that
    // an answer means the write is durable.
    options: [
      '-c synchronous_commit=on',
      ...(schema === undefined ? [] : [`-c search_path=${schema}`]),
    ].join(' '),
  });
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => {
    // Dropped idle connections are replaced on the next query.
  });
  // fsync is the server's own setting: without it a commit is not on disk when it returns.
  const [fsync] = (await pool.query<{ fsync: string }>('SHOW fsync')).rows;
  if (fsync?.fsync !== 'on') {
    console.error(
      'Warning: the PostgreSQL server runs with fsync off; acknowledged writes can be lost in a power cut.',
    );
  }
  const query = async <T>(text: string, params?: unknown[]): Promise<T[]> => {
    const result = await pool.query(text, params);
    return result.rows as T[];
  };
  return {
    kind: 'postgres',
    query,
    // Each call commits on a connection of its own; the server flushes the WAL of commits that
    // arrive together in one write (its own group commit).
    groupCommit: (text, rows) => query(text, [rows]),
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      const conn = await pool.connect();
      try {
        await conn.query('BEGIN');
        const value = await fn({
          async query<R>(text: string, params?: unknown[]): Promise<R[]> {
            return (await conn.query(text, params)).rows as R[];
          },
        });
        await conn.query('COMMIT');
        return value;
      } catch (error) {
        await conn.query('ROLLBACK').catch(() => {
          // The original error matters more than a failed rollback.
        });
        throw error;
      } finally {
        conn.release();
      }
    },
    async close(): Promise<void> {
      await pool.end();
    },
  };
}
