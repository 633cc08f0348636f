-- A learner's browser session: the HttpOnly cookie the site's own calls carry instead of a
-- secret kept by the page. The cookie holds a random token; only its SHA-256 is stored here, with
-- the LRS credential the session acts as (made for the session, its secret never given out) and
-- when it ends. Signing out deletes the row, so every service process on the database refuses the
-- cookie at once; an expired row is refused and removed later.
CREATE TABLE learner_sessions (
  token_hash text PRIMARY KEY,
  learner_id text NOT NULL REFERENCES learners (learner_id),
  credential_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX learner_sessions_expires_at ON learner_sessions (expires_at);
CREATE INDEX learner_sessions_credential ON learner_sessions (credential_key);
