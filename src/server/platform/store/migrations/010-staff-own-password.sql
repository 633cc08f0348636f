-- A password made by someone else (an administrator's one-time password, or one the operator's
-- command generated) opens nothing but the form to choose one's own: until then the account's
-- sessions may read who they are, change the password and sign out.
ALTER TABLE staff_users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

-- Choosing one's own password is written to the audit like the administrators' changes.
ALTER TABLE staff_audit DROP CONSTRAINT staff_audit_action_check;
ALTER TABLE staff_audit
  ADD CONSTRAINT staff_audit_action_check
  CHECK (action IN ('create', 'disable', 'enable', 'reset', 'password'));
