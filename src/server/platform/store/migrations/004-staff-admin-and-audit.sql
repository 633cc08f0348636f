-- Administrators manage staff accounts in the browser, and every change to an account is kept in
-- an audit table the administrators read: who did what to whom, and when.
ALTER TABLE staff_users DROP CONSTRAINT staff_users_role_check;
ALTER TABLE staff_users
  ADD CONSTRAINT staff_users_role_check CHECK (role IN ('admin', 'dpo', 'trainer'));

-- One row per change. The actor is a staff account (actor_id) or the operator's command line
-- (actor_id NULL, actor_name 'operator'); names are copied so a line stays readable as written.
CREATE TABLE staff_audit (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_id text REFERENCES staff_users (id),
  actor_name text NOT NULL,
  action text NOT NULL CHECK (action IN ('create', 'disable', 'enable', 'reset')),
  target_id text NOT NULL REFERENCES staff_users (id),
  target_name text NOT NULL,
  target_role text NOT NULL
);
CREATE INDEX staff_audit_at ON staff_audit (at DESC, id DESC);

-- The DPO's learner list filters by mission, country and unit (case ignored) at 100,000 learners
-- and more: an index on each lowered value serves both the page and its count.
CREATE INDEX learners_mission ON learners (lower(mission));
CREATE INDEX learners_country ON learners (lower(country));
CREATE INDEX learners_unit ON learners (lower(unit));
