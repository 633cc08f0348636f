-- Graded attempts become server objects: an attempt is started (its form drawn on the server and
-- its key kept here, never sent), then graded once. Rows written before this migration were
-- graded when they were created: they count as started and expired at their submission.
ALTER TABLE attempts
  ALTER COLUMN raw DROP NOT NULL,
  ALTER COLUMN max DROP NOT NULL,
  ALTER COLUMN scaled DROP NOT NULL,
  ALTER COLUMN passed DROP NOT NULL,
  ALTER COLUMN submitted_at DROP NOT NULL,
  ALTER COLUMN submitted_at DROP DEFAULT,
  ADD COLUMN started_at timestamptz,
  ADD COLUMN expires_at timestamptz,
  -- The drawn form: each item's public id, its bank item and module outcome, and the map from
  -- the form's random option, step, item and target ids to the bank's. Server-only.
  ADD COLUMN form jsonb,
  -- The form as the learner was given it (no key), to hand back the same attempt on a reload.
  ADD COLUMN questions jsonb,
  -- Per learning outcome, met or not, once graded.
  ADD COLUMN outcomes jsonb,
  -- Each item's score and the bank ids chosen, for the item statistics.
  ADD COLUMN item_results jsonb,
  -- The passed or failed statement recorded in the LRS (not the attempt id, which the learner
  -- knows before it is graded).
  ADD COLUMN statement_id uuid;

UPDATE attempts SET started_at = submitted_at, expires_at = submitted_at, statement_id = id;

ALTER TABLE attempts
  ALTER COLUMN started_at SET NOT NULL,
  ALTER COLUMN started_at SET DEFAULT now(),
  ALTER COLUMN expires_at SET NOT NULL;

CREATE INDEX attempts_started ON attempts (learner_ifi, track_id, started_at);

-- One learner per person: the service number and country, compared without case or spaces.
-- Rows enrolled before this migration keep their own learner; only the first of each person
-- takes the key, so a later enrolment reaches that one.
ALTER TABLE learners ADD COLUMN person_key text;
UPDATE learners AS l SET person_key = k.key
FROM (
  SELECT DISTINCT ON (key) learner_id, key
  FROM (
    SELECT learner_id, enrolled_at,
      lower(regexp_replace(country, '\s+', '', 'g')) || '/' ||
        lower(regexp_replace(service_number, '[\s-]+', '', 'g')) AS key
    FROM learners
  ) AS keyed
  ORDER BY key, enrolled_at, learner_id
) AS k
WHERE l.learner_id = k.learner_id;
CREATE UNIQUE INDEX learners_person ON learners (person_key);

-- Bank items a DPO retired from new forms, without a deploy (the item statistics' flag).
CREATE TABLE retired_items (
  item_id text PRIMARY KEY,
  retired_by text NOT NULL,
  retired_at timestamptz NOT NULL DEFAULT now()
);
