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
    version: 5,
    name: 'attachment contents',
    sql: `
      -- Attachment contents sent as multipart parts, once per sha2 however many statements
      -- carry them. A statement links to its contents through the sha2 of its attachment
      -- objects, which its JSON keeps; contents are immutable, like statements.
      CREATE TABLE attachments (
        sha2 text PRIMARY KEY,
        content_type text NOT NULL,
        content bytea NOT NULL,
        stored timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 6,
    name: 'stored from the database clock',
    sql: `
      -- Sets "stored" (and "timestamp" where the client sent none) of a batch to the start of
      -- the inserting transaction, on the database's clock. A statement not yet committed then
      -- always has a stored time at or after the start of a transaction still open, which is
      -- what X-Experience-API-Consistent-Through is computed from, whichever instance wrote it.
      CREATE FUNCTION lrs_stamp(batch jsonb) RETURNS jsonb
      LANGUAGE sql STABLE AS $fn$
        SELECT coalesce(jsonb_agg(
          a.e || jsonb_build_object(
            'stored', t.s,
            'statement', (a.e->'statement') || jsonb_build_object('stored', t.s)
              || CASE WHEN (a.e->>'timestamp_from_stored')::boolean
                   THEN jsonb_build_object('timestamp', t.s) ELSE '{}'::jsonb END)
          ORDER BY a.n), '[]'::jsonb)
        FROM jsonb_array_elements(batch) WITH ORDINALITY AS a(e, n),
          (SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS s) t
      $fn$;
    `,
  },
  {
    version: 7,
    name: 'statement references for the StatementRef query rule',
    sql: `
      -- The statement a statement targets through a StatementRef object (xAPI Communication
      -- 2.1.3, "Filter Conditions for StatementRefs").
      ALTER TABLE statements ADD COLUMN ref_id uuid GENERATED ALWAYS AS (
        CASE WHEN statement->'object'->>'objectType' = 'StatementRef'
          THEN (statement->'object'->>'id')::uuid END) STORED;
      CREATE INDEX statements_ref_id ON statements (ref_id) WHERE ref_id IS NOT NULL;

      -- For each statement that targets another, every filter key of the statements in its
      -- chain (its own and those of the statements it targets, directly or not): kind 'a' an
      -- agent, 'c' an activity, 'v' a verb, 'r' a registration; direct as in the statement the
      -- key comes from. A query walks (kind, key, seq) like the other key indexes and stops at
      -- the page size. Kept up to date on insert, also when a target arrives after the
      -- statements that target it.
      CREATE TABLE statement_ref_keys (
        kind text NOT NULL,
        key text NOT NULL,
        seq bigint NOT NULL,
        direct boolean NOT NULL,
        PRIMARY KEY (kind, key, seq)
      );
      CREATE INDEX statement_ref_keys_seq ON statement_ref_keys (seq, kind, key);

      -- Targets that statements point at but that are not stored yet. Usually empty, so a batch
      -- learns in one probe that none of its statements is awaited.
      CREATE TABLE statement_awaited_refs (target_id uuid PRIMARY KEY);

      -- The filter keys a statement has of its own.
      CREATE FUNCTION lrs_own_keys(stmt bigint)
      RETURNS TABLE (kind text, key text, direct boolean)
      LANGUAGE sql STABLE AS $fn$
        SELECT 'a', a.ifi, a.direct FROM statement_agents a WHERE a.seq = stmt
        UNION ALL
        SELECT 'c', c.activity_id, c.direct FROM statement_activities c WHERE c.seq = stmt
        UNION ALL
        SELECT 'v', s.verb_id, true FROM statements s WHERE s.seq = stmt
        UNION ALL
        SELECT 'r', s.registration::text, true FROM statements s
        WHERE s.seq = stmt AND s.registration IS NOT NULL
      $fn$;

      -- Links the statements of a stored batch into their chains.
      CREATE FUNCTION lrs_link_refs(batch jsonb) RETURNS void
      LANGUAGE plpgsql AS $fn$
      DECLARE
        rec record;
      BEGIN
        -- A targeting statement takes the keys of every statement down its chain; a missing
        -- link is remembered as awaited.
        FOR rec IN
          SELECT s.seq FROM jsonb_array_elements(batch) AS b(e)
          JOIN statements s ON s.id = (b.e->>'id')::uuid
          WHERE b.e->'statement'->'object'->>'objectType' = 'StatementRef'
        LOOP
          WITH RECURSIVE down(seq, ref_id, depth) AS (
            SELECT s.seq, s.ref_id, 0 FROM statements s WHERE s.seq = rec.seq
            UNION
            SELECT t.seq, t.ref_id, down.depth + 1 FROM down JOIN statements t ON t.id = down.ref_id
            WHERE down.depth < 100
          ),
          awaited AS (
            INSERT INTO statement_awaited_refs (target_id)
            SELECT d.ref_id FROM down d
            WHERE d.ref_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM statements x WHERE x.id = d.ref_id)
            ON CONFLICT DO NOTHING
          )
          INSERT INTO statement_ref_keys AS k (kind, key, seq, direct)
          SELECT o.kind, o.key, rec.seq, bool_or(o.direct)
          FROM (SELECT DISTINCT seq FROM down) d, lrs_own_keys(d.seq) o
          GROUP BY o.kind, o.key
          ON CONFLICT (kind, key, seq) DO UPDATE SET direct = k.direct OR EXCLUDED.direct;
        END LOOP;
        IF NOT EXISTS (SELECT 1 FROM statement_awaited_refs) THEN
          RETURN;
        END IF;
        -- A statement that earlier statements were waiting for: they, and whatever targets them,
        -- take its keys (its chain's, when it targets another statement itself).
        FOR rec IN
          SELECT s.seq, s.id FROM jsonb_array_elements(batch) AS b(e)
          JOIN statement_awaited_refs w ON w.target_id = (b.e->>'id')::uuid
          JOIN statements s ON s.id = w.target_id
        LOOP
          INSERT INTO statement_ref_keys AS k (kind, key, seq, direct)
          SELECT t.kind, t.key, up.seq, bool_or(t.direct)
          FROM (
            WITH RECURSIVE up(seq, id) AS (
              SELECT u.seq, u.id FROM statements u WHERE u.ref_id = rec.id
              UNION
              SELECT u.seq, u.id FROM statements u JOIN up ON u.ref_id = up.id
            )
            SELECT up.seq FROM up
          ) up,
          (SELECT o.kind, o.key, o.direct FROM lrs_own_keys(rec.seq) o
           UNION ALL
           SELECT r.kind, r.key, r.direct FROM statement_ref_keys r WHERE r.seq = rec.seq) t
          GROUP BY t.kind, t.key, up.seq
          ON CONFLICT (kind, key, seq) DO UPDATE SET direct = k.direct OR EXCLUDED.direct;
          DELETE FROM statement_awaited_refs WHERE target_id = rec.id;
        END LOOP;
      END
      $fn$;

      -- Stores a batch (stored set from the database clock) and links its references, in one
      -- round trip.
      CREATE FUNCTION lrs_store_statements(batch jsonb) RETURNS void
      LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM lrs_insert_statements(lrs_stamp(batch));
        PERFORM lrs_link_refs(batch);
      END
      $fn$;

      -- Statements stored before this version.
      SELECT lrs_link_refs(coalesce(
        (SELECT jsonb_agg(jsonb_build_object('id', id, 'statement', statement) ORDER BY seq)
         FROM statements WHERE ref_id IS NOT NULL),
        '[]'::jsonb));
    `,
  },
  {
    version: 8,
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
  {
    version: 9,
    name: 'leaner statement insert: stamp in the insert, check and link only when needed',
    sql: `
      -- The first version ran six statements for every batch, three of them checks before the
      -- insert. This one inserts first and checks only what the insert shows can be wrong: ids
      -- that were already stored (a conflict unless the content is the same) and voiding
      -- statements (whose targets must not be voiding statements). An exception rolls the
      -- whole call back, so a refused batch still stores nothing.
      CREATE OR REPLACE FUNCTION lrs_insert_statements(batch jsonb) RETURNS void
      LANGUAGE plpgsql AS $fn$
      DECLARE
        bad record;
        inserted integer;
        voiding boolean;
        -- "stored" is the start of the inserting transaction on the database clock (see
        -- version 6), set here in the one pass that inserts.
        stamp text := to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
      BEGIN
        WITH input AS (
          SELECT * FROM jsonb_to_recordset(batch) AS x(
            ord integer, id uuid, statement jsonb, fingerprint text, verb_id text,
            actor_ifi text, registration uuid, voids uuid, credential_key text,
            agents jsonb, activities jsonb, timestamp_from_stored boolean)
        ),
        ins AS (
          INSERT INTO statements
            (id, statement, fingerprint, stored, verb_id, actor_ifi, registration, voids,
             credential_key)
          SELECT id,
                 statement || jsonb_build_object('stored', stamp)
                   || CASE WHEN timestamp_from_stored THEN jsonb_build_object('timestamp', stamp)
                      ELSE '{}'::jsonb END,
                 fingerprint, stamp::timestamptz, verb_id, actor_ifi, registration, voids,
                 credential_key
          FROM input ORDER BY ord
          ON CONFLICT (id) DO NOTHING
          RETURNING id, seq, voids
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
        SELECT count(*), coalesce(bool_or(ins.voids IS NOT NULL), false)
          INTO inserted, voiding FROM ins;
        IF inserted < jsonb_array_length(batch) THEN
          -- Some ids were stored before: by an earlier send, or by another instance just now.
          SELECT b.id INTO bad
            FROM jsonb_to_recordset(batch) AS b(id uuid, fingerprint text)
            JOIN statements s ON s.id = b.id
            WHERE s.fingerprint <> b.fingerprint LIMIT 1;
          IF FOUND THEN
            RAISE EXCEPTION 'statement % already exists with different content', bad.id
              USING ERRCODE = 'LRS09';
          END IF;
        END IF;
        IF voiding THEN
          SELECT b.id, b.voids INTO bad
            FROM jsonb_to_recordset(batch) AS b(id uuid, voids uuid)
            JOIN statements t ON t.id = b.voids
            WHERE t.voids IS NOT NULL LIMIT 1;
          IF FOUND THEN
            RAISE EXCEPTION 'statement % voids %, which is itself a voiding statement; a voiding statement cannot be voided', bad.id, bad.voids
              USING ERRCODE = 'LRS00';
          END IF;
          UPDATE statements SET voided = true
            WHERE voids IS NULL AND NOT voided
              AND id IN (SELECT b.voids FROM jsonb_to_recordset(batch) AS b(voids uuid)
                         WHERE b.voids IS NOT NULL);
        END IF;
        -- Statements of the batch that an earlier voiding statement already targets (it may
        -- arrive before its target).
        UPDATE statements s SET voided = true
          WHERE s.voids IS NULL AND NOT s.voided
            AND s.id IN (SELECT b.id FROM jsonb_to_recordset(batch) AS b(id uuid))
            AND EXISTS (SELECT 1 FROM statements v WHERE v.voids = s.id);
      END
      $fn$;

      -- Stamping now happens inside the insert (version 6 rebuilt the whole batch first, about
      -- a fifth of the time of a batch of 100), and references are linked only when the batch
      -- holds a StatementRef or a stored statement awaits its target (linking walked the whole
      -- batch every time, another tenth).
      CREATE OR REPLACE FUNCTION lrs_store_statements(batch jsonb) RETURNS void
      LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM lrs_insert_statements(batch);
        IF jsonb_path_exists(batch, '$[*].statement.object ? (@.objectType == "StatementRef")')
           OR EXISTS (SELECT 1 FROM statement_awaited_refs) THEN
          PERFORM lrs_link_refs(batch);
        END IF;
      END
      $fn$;
    `,
  },
  {
    version: 10,
    name: 'no planner statistics on document and statement contents',
    sql: `
      -- No query filters or joins on these columns (the indexed values are columns of their
      -- own), and sampling them was half the time of an ANALYZE on the embedded store.
      ALTER TABLE statements ALTER COLUMN statement SET STATISTICS 0;
      ALTER TABLE state_documents ALTER COLUMN content SET STATISTICS 0;
      ALTER TABLE profile_documents ALTER COLUMN content SET STATISTICS 0;
      ALTER TABLE attachments ALTER COLUMN content SET STATISTICS 0;
    `,
  },
  {
    version: 11,
    name: 'statements applied after their acknowledgement: order numbers as bigint, stored time from the row',
    sql: `
      -- The embedded store acknowledges statements before it applies them, then applies the
      -- writes of many requests in one call (pglite-worker.ts). Two changes to version 9's
      -- function serve it: "ord", numbered by one counter for the life of the process, may
      -- pass 2^31, so it is a bigint; and a row may bring its own "stored_at", the time it
      -- was acknowledged, which it keeps. Rows without one (PostgreSQL's) are stamped from
      -- the database clock at insert, as before.
      CREATE OR REPLACE FUNCTION lrs_insert_statements(batch jsonb) RETURNS void
      LANGUAGE plpgsql AS $fn$
      DECLARE
        bad record;
        inserted integer;
        voiding boolean;
        -- "stored" is the start of the inserting transaction on the database clock (see
        -- version 6), set here in the one pass that inserts.
        stamp text := to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
      BEGIN
        WITH input AS (
          SELECT * FROM jsonb_to_recordset(batch) AS x(
            ord bigint, id uuid, statement jsonb, fingerprint text, verb_id text,
            actor_ifi text, registration uuid, voids uuid, credential_key text,
            agents jsonb, activities jsonb, timestamp_from_stored boolean, stored_at text)
        ),
        ins AS (
          INSERT INTO statements
            (id, statement, fingerprint, stored, verb_id, actor_ifi, registration, voids,
             credential_key)
          SELECT id,
                 statement || jsonb_build_object('stored', coalesce(stored_at, stamp))
                   || CASE WHEN timestamp_from_stored
                      THEN jsonb_build_object('timestamp', coalesce(stored_at, stamp))
                      ELSE '{}'::jsonb END,
                 fingerprint, coalesce(stored_at, stamp)::timestamptz, verb_id, actor_ifi,
                 registration, voids, credential_key
          FROM input ORDER BY ord
          ON CONFLICT (id) DO NOTHING
          RETURNING id, seq, voids
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
        SELECT count(*), coalesce(bool_or(ins.voids IS NOT NULL), false)
          INTO inserted, voiding FROM ins;
        IF inserted < jsonb_array_length(batch) THEN
          -- Some ids were stored before: by an earlier send, or by another instance just now.
          SELECT b.id INTO bad
            FROM jsonb_to_recordset(batch) AS b(id uuid, fingerprint text)
            JOIN statements s ON s.id = b.id
            WHERE s.fingerprint <> b.fingerprint LIMIT 1;
          IF FOUND THEN
            RAISE EXCEPTION 'statement % already exists with different content', bad.id
              USING ERRCODE = 'LRS09';
          END IF;
        END IF;
        IF voiding THEN
          SELECT b.id, b.voids INTO bad
            FROM jsonb_to_recordset(batch) AS b(id uuid, voids uuid)
            JOIN statements t ON t.id = b.voids
            WHERE t.voids IS NOT NULL LIMIT 1;
          IF FOUND THEN
            RAISE EXCEPTION 'statement % voids %, which is itself a voiding statement; a voiding statement cannot be voided', bad.id, bad.voids
              USING ERRCODE = 'LRS00';
          END IF;
          UPDATE statements SET voided = true
            WHERE voids IS NULL AND NOT voided
              AND id IN (SELECT b.voids FROM jsonb_to_recordset(batch) AS b(voids uuid)
                         WHERE b.voids IS NOT NULL);
        END IF;
        -- Statements of the batch that an earlier voiding statement already targets (it may
        -- arrive before its target).
        UPDATE statements s SET voided = true
          WHERE s.voids IS NULL AND NOT s.voided
            AND s.id IN (SELECT b.id FROM jsonb_to_recordset(batch) AS b(id uuid))
            AND EXISTS (SELECT 1 FROM statements v WHERE v.voids = s.id);
      END
      $fn$;
    `,
  },
];

/**
 * Brings the schema up to date (or up to version `upTo`, for tests of an upgrade). An advisory
 * lock serialises instances that start at the same time against one PostgreSQL database.
 */
export async function migrate(db: SqlDatabase, upTo = Number.POSITIVE_INFINITY): Promise<number[]> {
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
      if (done.has(m.version) || m.version > upTo) continue;
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
