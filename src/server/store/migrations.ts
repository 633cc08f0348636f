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
      -- store, where planning dominates the cost of a small insert, and set-based statements
      -- keep the per-statement executor overhead low. Errors carry SQLSTATEs LRS09 (id
      -- conflict, HTTP 409) and LRS00 (bad voiding, HTTP 400).
      CREATE FUNCTION lrs_insert_statements(batch jsonb) RETURNS void
      LANGUAGE plpgsql AS $fn$
      DECLARE
        bad record;
        expected integer;
        inserted integer;
      BEGIN
        SELECT b.id INTO bad
          FROM jsonb_to_recordset(batch) AS b(id uuid, fingerprint text)
          JOIN statements s ON s.id = b.id
          WHERE s.fingerprint <> b.fingerprint LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'statement % already exists with different content', bad.id
            USING ERRCODE = 'LRS09';
        END IF;
        SELECT b.id, b.voids INTO bad
          FROM jsonb_to_recordset(batch) AS b(id uuid, voids uuid)
          JOIN statements t ON t.id = b.voids
          WHERE t.voids IS NOT NULL AND NOT EXISTS (SELECT 1 FROM statements x WHERE x.id = b.id)
          LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'statement % voids %, which is itself a voiding statement; a voiding statement cannot be voided', bad.id, bad.voids
            USING ERRCODE = 'LRS00';
        END IF;
        SELECT count(*) INTO expected
          FROM jsonb_to_recordset(batch) AS b(id uuid)
          WHERE NOT EXISTS (SELECT 1 FROM statements x WHERE x.id = b.id);
        WITH input AS (
          SELECT * FROM jsonb_to_recordset(batch) AS x(
            ord integer, id uuid, statement jsonb, fingerprint text, stored timestamptz,
            verb_id text, actor_ifi text, registration uuid, voids uuid, credential_key text,
            agents jsonb, activities jsonb)
        ),
        ins AS (
          INSERT INTO statements
            (id, statement, fingerprint, stored, verb_id, actor_ifi, registration, voids,
             credential_key)
          SELECT id, statement, fingerprint, stored, verb_id, actor_ifi, registration, voids,
                 credential_key
          FROM input ORDER BY ord
          ON CONFLICT (id) DO NOTHING
          RETURNING id, seq
        ),
        ag AS (
          INSERT INTO statement_agents (seq, ifi, direct)
          SELECT ins.seq, a.ifi, a.direct FROM ins JOIN input USING (id),
            jsonb_to_recordset(input.agents) AS a(ifi text, direct boolean)
        ),
        ac AS (
          INSERT INTO statement_activities (seq, activity_id, direct)
          SELECT ins.seq, a.id, a.direct FROM ins JOIN input USING (id),
            jsonb_to_recordset(input.activities) AS a(id text, direct boolean)
        )
        SELECT count(*) INTO inserted FROM ins;
        IF inserted < expected THEN
          -- Another instance stored some of these ids after our check.
          SELECT b.id INTO bad
            FROM jsonb_to_recordset(batch) AS b(id uuid, fingerprint text)
            JOIN statements s ON s.id = b.id
            WHERE s.fingerprint <> b.fingerprint LIMIT 1;
          IF FOUND THEN
            RAISE EXCEPTION 'statement % already exists with different content', bad.id
              USING ERRCODE = 'LRS09';
          END IF;
        END IF;
        -- Void the targets of the batch's voiding statements, and statements of the batch that
        -- an earlier voiding statement already targets (it may arrive before its target).
        UPDATE statements SET voided = true
          WHERE voids IS NULL AND NOT voided
            AND id IN (SELECT b.voids FROM jsonb_to_recordset(batch) AS b(voids uuid)
                       WHERE b.voids IS NOT NULL);
        UPDATE statements s SET voided = true
          WHERE s.voids IS NULL AND NOT s.voided
            AND s.id IN (SELECT b.id FROM jsonb_to_recordset(batch) AS b(id uuid))
            AND EXISTS (SELECT 1 FROM statements v WHERE v.voids = s.id);
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
  {
    version: 3,
    name: 'reports: enrolment fields as generated columns, completions indexed by learner',
    sql: `
      -- The enrolment profile is a JSON state document; the completion report used to parse all
      -- of them on every run (several times per row). Generated columns extract the fields when
      -- the document is written, in the same statement, so they cannot drift from it. A document
      -- that is not valid UTF-8 JSON yields NULLs instead of failing the learner's state write.
      CREATE FUNCTION lrs_enrolment_field(state_id text, content bytea, field text) RETURNS text
      LANGUAGE plpgsql IMMUTABLE AS $fn$
      BEGIN
        IF state_id <> 'enrolment' THEN
          RETURN NULL;
        END IF;
        BEGIN
          RETURN convert_from(content, 'UTF8')::jsonb ->> field;
        EXCEPTION WHEN others THEN
          RETURN NULL;
        END;
      END
      $fn$;
      -- enrolledAt is written by the service as an ISO 8601 instant with its offset, so reading
      -- it does not depend on the session's time zone or date style.
      CREATE FUNCTION lrs_enrolment_time(state_id text, content bytea) RETURNS timestamptz
      LANGUAGE plpgsql IMMUTABLE AS $fn$
      BEGIN
        IF state_id <> 'enrolment' THEN
          RETURN NULL;
        END IF;
        BEGIN
          RETURN (convert_from(content, 'UTF8')::jsonb ->> 'enrolledAt')::timestamptz;
        EXCEPTION WHEN others THEN
          RETURN NULL;
        END;
      END
      $fn$;
      ALTER TABLE state_documents
        ADD COLUMN enrol_learner_id text
          GENERATED ALWAYS AS (lrs_enrolment_field(state_id, content, 'learnerId')) STORED,
        ADD COLUMN enrol_name text
          GENERATED ALWAYS AS (lrs_enrolment_field(state_id, content, 'name')) STORED,
        ADD COLUMN enrol_service_number text
          GENERATED ALWAYS AS (lrs_enrolment_field(state_id, content, 'serviceNumber')) STORED,
        ADD COLUMN enrol_mission text
          GENERATED ALWAYS AS (lrs_enrolment_field(state_id, content, 'mission')) STORED,
        ADD COLUMN enrol_country text
          GENERATED ALWAYS AS (lrs_enrolment_field(state_id, content, 'country')) STORED,
        ADD COLUMN enrol_unit text
          GENERATED ALWAYS AS (lrs_enrolment_field(state_id, content, 'unit')) STORED,
        ADD COLUMN enrol_role text
          GENERATED ALWAYS AS (lrs_enrolment_field(state_id, content, 'role')) STORED,
        ADD COLUMN enrol_cohort text
          GENERATED ALWAYS AS (lrs_enrolment_field(state_id, content, 'cohort')) STORED,
        ADD COLUMN enrolled_at timestamptz
          GENERATED ALWAYS AS (lrs_enrolment_time(state_id, content)) STORED;
      -- Resume state far outnumbers enrolments; the report reads only these.
      CREATE INDEX state_documents_enrolment ON state_documents (activity_id, agent_ifi)
        WHERE state_id = 'enrolment';
      -- Completions in (learner, module) order: the report counts each learner's distinct
      -- modules in one ordered pass instead of sorting every completion. Only the completed
      -- verb, so the entries stay narrow and the index small.
      CREATE INDEX statements_completed_actor_object ON statements (actor_ifi, object_id)
        WHERE verb_id = 'http://adlnet.gov/expapi/verbs/completed' AND NOT voided;
    `,
  },
  {
    version: 4,
    name: 'activity and agent profile documents',
    sql: `
      -- One table for both profile resources: subject is the activity id for kind 'activity'
      -- and the agent's identifier string for kind 'agent'.
      CREATE TABLE profile_documents (
        kind text NOT NULL,
        subject text NOT NULL,
        profile_id text NOT NULL,
        content_type text NOT NULL,
        content bytea NOT NULL,
        etag text NOT NULL,
        updated timestamptz NOT NULL,
        PRIMARY KEY (kind, subject, profile_id)
      );
    `,
  },
  {
    version: 6,
    name: 'sign-in codes: carry a learner to another device',
    sql: `
      -- A short, single-use code that a signed-in learner (or their trainer) asks for and another
      -- device exchanges for a new credential of the same learner. Only the code's SHA-256 is
      -- kept; used_at and credential_key record the exchange, so a code works once.
      CREATE TABLE sign_in_codes (
        code_hash text PRIMARY KEY,
        actor jsonb NOT NULL,
        agent_ifi text NOT NULL,
        registration uuid NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        credential_key text
      );
      CREATE INDEX sign_in_codes_agent ON sign_in_codes (agent_ifi);
      CREATE INDEX sign_in_codes_expires ON sign_in_codes (expires_at);
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
