-- The State resource's documents, one per (activity, agent, registration, state id).
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
ALTER TABLE state_documents ALTER COLUMN content SET STATISTICS 0;

-- The enrolment profile is a JSON state document; the completion report used to parse all
-- of them on every run (several times per row). Generated columns extract the fields when
-- the document is written, in the same statement, so they cannot drift from it. A document
-- that is not valid UTF-8 JSON yields NULLs instead of failing the learner's state write
-- (functions/enrolment-fields.sql).
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
ALTER TABLE profile_documents ALTER COLUMN content SET STATISTICS 0;
