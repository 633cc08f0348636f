-- Live questions: a trainer puts a knowledge-check question to a cohort's room, phones answer it,
-- and the room sees the counts. The rows are the state every service process reads, so a
-- question survives a restart and a phone may answer through any process.

-- One row per question put to a room. `options` holds the source option ids in the order shown
-- (the room sees them as A, B, C...; the ids stay on the server).
CREATE TABLE live_questions (
  id text PRIMARY KEY,
  cohort text NOT NULL REFERENCES cohorts (code),
  module_id text NOT NULL,
  question_id text NOT NULL,
  language text NOT NULL,
  options jsonb NOT NULL,
  started_by text NOT NULL REFERENCES staff_users (id),
  started_at timestamptz NOT NULL DEFAULT now(),
  revealed_at timestamptz,
  closed_at timestamptz
);
-- At most one open question per room: starting the next closes the one before.
CREATE UNIQUE INDEX live_questions_open ON live_questions (cohort) WHERE closed_at IS NULL;
CREATE INDEX live_questions_cohort ON live_questions (cohort, started_at);

-- One answer per participant per question (the primary key refuses a second). A participant is
-- an enrolled learner (their Agent's identifier, also in learner_ifi) or a phone that joined
-- without enrolling ("anon:" and the SHA-256 of the random token it keeps). `choice` holds the
-- shown letters chosen; statement_id is the answer's xAPI statement.
CREATE TABLE live_answers (
  question_id text NOT NULL REFERENCES live_questions (id),
  participant text NOT NULL,
  learner_ifi text,
  choice jsonb NOT NULL,
  statement_id uuid NOT NULL,
  answered_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (question_id, participant)
);
