-- The platform's own records, apart from the LRS's tables: staff accounts and their sessions,
-- trainers' cohorts, learners and their enrolment profile, sign-in codes, graded attempts and
-- certificates. The LRS never reads these; the platform reads the LRS through its store's API.

CREATE TABLE staff_users (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('dpo', 'trainer')),
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz
);

-- Only a SHA-256 of the cookie token is kept; the CSRF token is sent with every change.
CREATE TABLE staff_sessions (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES staff_users (id),
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX staff_sessions_expires ON staff_sessions (expires_at);
CREATE INDEX staff_sessions_user ON staff_sessions (user_id);

CREATE TABLE cohorts (
  code text PRIMARY KEY,
  name text NOT NULL,
  track_id text NOT NULL,
  created_by text NOT NULL REFERENCES staff_users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cohorts_created_by ON cohorts (created_by, created_at);

-- One row per enrolment: the learner's opaque id (the name of their xAPI account), the Agent
-- their statements carry, the registration their tracker uses, and the profile they gave. The
-- track is fixed at enrolment: the cohort's, else the one for the learner's role.
CREATE TABLE learners (
  learner_id text PRIMARY KEY,
  agent_ifi text NOT NULL UNIQUE,
  actor jsonb NOT NULL,
  registration uuid NOT NULL,
  name text NOT NULL,
  service_number text NOT NULL,
  mission text NOT NULL,
  country text NOT NULL,
  unit text NOT NULL,
  role text NOT NULL,
  track_id text,
  language text NOT NULL,
  cohort text REFERENCES cohorts (code),
  enrolled_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX learners_cohort ON learners (cohort);
CREATE INDEX learners_enrolled_at ON learners (enrolled_at);
CREATE INDEX learners_name ON learners (lower(name), learner_id);

-- A short, single-use code that a learner (or their trainer) asks for and another device
-- exchanges for a new credential of the same learner. Only the code's SHA-256 is kept; used_at
-- and credential_key record the exchange, so a code works once.
CREATE TABLE sign_in_codes (
  code_hash text PRIMARY KEY,
  learner_id text NOT NULL REFERENCES learners (learner_id),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  credential_key text
);
CREATE INDEX sign_in_codes_learner ON sign_in_codes (learner_id);
CREATE INDEX sign_in_codes_expires ON sign_in_codes (expires_at);

-- Graded attempts, scored on the server. The id is also the id of the passed or failed
-- statement the certification service recorded in the LRS.
CREATE TABLE attempts (
  id uuid PRIMARY KEY,
  learner_ifi text NOT NULL,
  track_id text NOT NULL,
  assessment_id text NOT NULL,
  language text NOT NULL,
  raw double precision NOT NULL,
  max double precision NOT NULL,
  scaled double precision NOT NULL,
  passed boolean NOT NULL,
  submitted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attempts_learner ON attempts (learner_ifi, track_id, submitted_at);

-- Certificates; the code is the verification code, statement_id the "completed" statement on
-- the track that the service recorded in the LRS (with the code's hash, never the code).
CREATE TABLE certificates (
  code text PRIMARY KEY,
  learner_ifi text NOT NULL,
  learner_name text NOT NULL,
  track_id text NOT NULL,
  issued_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  statement_id uuid NOT NULL
);
CREATE INDEX certificates_learner ON certificates (learner_ifi, track_id, expires_at);
CREATE INDEX certificates_issued ON certificates (issued_at);
