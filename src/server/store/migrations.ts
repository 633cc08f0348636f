import type { SqlDatabase } from './sql-database.ts';

/** One versioned schema change; versions are applied in order and never edited once released. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration of the LRS schema, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'statements, state documents and credentials',
    sql: `
      CREATE TABLE statements (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        statement jsonb NOT NULL,
        fingerprint text NOT NULL,
        stored timestamptz NOT NULL,
        verb_id text NOT NULL,
        actor_ifi text,
        registration uuid,
        voids uuid,
        voided boolean NOT NULL DEFAULT false,
        credential_key text NOT NULL
      );
      -- Each query filter is an equality on one column plus an order on seq.
      CREATE INDEX statements_verb ON statements (verb_id, seq);
      CREATE INDEX statements_registration ON statements (registration, seq)
        WHERE registration IS NOT NULL;
      CREATE INDEX statements_stored ON statements (stored);
      CREATE INDEX statements_voids ON statements (voids) WHERE voids IS NOT NULL;

      -- Agents and activities a statement mentions; "direct" marks actor/object, which the plain
      -- agent and activity filters match, while related_agents/related_activities match all.
      CREATE TABLE statement_agents (
        seq bigint NOT NULL,
        ifi text NOT NULL,
        direct boolean NOT NULL
      );
      -- Queries walk one of these backwards by seq and stop at the limit; the partial indexes
      -- serve the plain filters, the full ones related_agents/related_activities.
      CREATE INDEX statement_agents_ifi ON statement_agents (ifi, seq);
      CREATE INDEX statement_agents_direct ON statement_agents (ifi, seq) WHERE direct;
      CREATE TABLE statement_activities (
        seq bigint NOT NULL,
        activity_id text NOT NULL,
        direct boolean NOT NULL
      );
      CREATE INDEX statement_activities_id ON statement_activities (activity_id, seq);
      CREATE INDEX statement_activities_direct ON statement_activities (activity_id, seq)
        WHERE direct;

      -- One round trip per batch: plpgsql caches its plans, which matters most for the embedded
      -- store, where planning dominates the cost of a small insert. Errors carry SQLSTATEs
      -- LRS09 (id conflict, HTTP 409) and LRS00 (bad voiding, HTTP 400).
      CREATE FUNCTION lrs_insert_statements(batch jsonb) RETURNS void
      LANGUAGE plpgsql AS $fn$
      DECLARE
        item jsonb;
        sid uuid;
        prior text;
        new_seq bigint;
        target uuid;
        target_voiding boolean;
      BEGIN
        FOR item IN SELECT value FROM jsonb_array_elements(batch) LOOP
          sid := (item->>'id')::uuid;
          SELECT fingerprint INTO prior FROM statements WHERE id = sid;
          IF FOUND THEN
            IF prior <> item->>'fingerprint' THEN
              RAISE EXCEPTION 'statement % already exists with different content', sid
                USING ERRCODE = 'LRS09';
            END IF;
            CONTINUE;
          END IF;
          target := (item->>'voids')::uuid;
          IF target IS NOT NULL THEN
            SELECT voids IS NOT NULL INTO target_voiding FROM statements WHERE id = target;
            IF target_voiding THEN
              RAISE EXCEPTION 'statement % voids %, which is itself a voiding statement; a voiding statement cannot be voided', sid, target
                USING ERRCODE = 'LRS00';
            END IF;
          END IF;
          INSERT INTO statements
            (id, statement, fingerprint, stored, verb_id, actor_ifi, registration, voids,
             credential_key)
          VALUES
            (sid, item->'statement', item->>'fingerprint', (item->>'stored')::timestamptz,
             item->>'verb_id', item->>'actor_ifi', (item->>'registration')::uuid, target,
             item->>'credential_key')
          ON CONFLICT (id) DO NOTHING
          RETURNING seq INTO new_seq;
          IF new_seq IS NULL THEN
            -- Another instance stored this id after our check.
            SELECT fingerprint INTO prior FROM statements WHERE id = sid;
            IF prior <> item->>'fingerprint' THEN
              RAISE EXCEPTION 'statement % already exists with different content', sid
                USING ERRCODE = 'LRS09';
            END IF;
            CONTINUE;
          END IF;
          INSERT INTO statement_agents (seq, ifi, direct)
            SELECT new_seq, a->>'ifi', (a->>'direct')::boolean
            FROM jsonb_array_elements(item->'agents') AS a;
          INSERT INTO statement_activities (seq, activity_id, direct)
            SELECT new_seq, a->>'id', (a->>'direct')::boolean
            FROM jsonb_array_elements(item->'activities') AS a;
          IF target IS NOT NULL THEN
            UPDATE statements SET voided = true WHERE id = target AND voids IS NULL;
          ELSIF EXISTS (SELECT 1 FROM statements WHERE voids = sid) THEN
            -- The voiding statement arrived before its target.
            UPDATE statements SET voided = true WHERE seq = new_seq;
          END IF;
        END LOOP;
      END
      $fn$;

      CREATE TABLE state_documents (
        activity_id text NOT NULL,
        agent_ifi text NOT NULL,
        registration text NOT NULL DEFAULT '',
        state_id text NOT NULL,
        content_type text NOT NULL,
        content bytea NOT NULL,
        etag text NOT NULL,
        updated timestamptz NOT NULL,
        PRIMARY KEY (activity_id, agent_ifi, registration, state_id)
      );

      CREATE TABLE credentials (
        key text PRIMARY KEY,
        secret_hash text NOT NULL,
        name text NOT NULL,
        scopes jsonb NOT NULL,
        agent jsonb,
        agent_ifi text,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz
      );
    `,
  },
  {
    version: 2,
    name: 'certification: certificates, staff accounts and sessions, cohorts, report index',
    sql: `
      -- Reports group completions by learner and activity; a stored copy of the object id lets
      -- a covering index answer them without reading each statement's JSON.
      ALTER TABLE statements
        ADD COLUMN object_id text GENERATED ALWAYS AS (statement->'object'->>'id') STORED;
      CREATE INDEX statements_verb_object_actor ON statements (verb_id, object_id, actor_ifi)
        INCLUDE (credential_key, stored) WHERE NOT voided;

      CREATE TABLE certificates (
        code text PRIMARY KEY,
        learner_ifi text NOT NULL,
        learner_name text NOT NULL,
        track_id text NOT NULL,
        issued_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        statement_id uuid
      );
      CREATE INDEX certificates_learner ON certificates (learner_ifi, track_id, expires_at);
      CREATE INDEX certificates_issued ON certificates (issued_at);

      CREATE TABLE staff_users (
        id text PRIMARY KEY,
        name text NOT NULL UNIQUE,
        role text NOT NULL,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        disabled_at timestamptz
      );
      CREATE TABLE staff_sessions (
        token_hash text PRIMARY KEY,
        user_id text NOT NULL REFERENCES staff_users (id),
        csrf_token text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX staff_sessions_expires ON staff_sessions (expires_at);

      CREATE TABLE cohorts (
        code text PRIMARY KEY,
        name text NOT NULL,
        track_id text NOT NULL,
        created_by text NOT NULL REFERENCES staff_users (id),
        created_at timestamptz NOT NULL
      );
    `,
  },
];

/**
 * Brings the schema up to date. An advisory lock serialises instances that start at the same
 * time against one PostgreSQL database.
 */
export async function migrate(db: SqlDatabase): Promise<number[]> {
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(7283519)');
    const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const part of splitSql(m.sql)) await tx.query(part);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        m.version,
        m.name,
      ]);
      applied.push(m.version);
    }
    return applied;
  });
}

// Migrations run one statement at a time (the extended protocol takes one per call); a
// statement ends with a semicolon at the end of a line outside a $fn$-quoted function body.
function splitSql(sql: string): string[] {
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
