-- The platform's own records: certificates, staff accounts and sessions, cohorts, sign-in codes.

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
    