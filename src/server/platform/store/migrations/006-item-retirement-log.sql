-- The log of item retirements: every time a DPO retires a bank item from new forms or brings it
-- back, who did it and when, written in the transaction of the change. retired_items holds only
-- the items retired now; this keeps the history (a restore deletes the retired_items row).
CREATE TABLE item_retirements (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_id text NOT NULL,
  retired boolean NOT NULL,
  actor_id text NOT NULL REFERENCES staff_users (id),
  actor_name text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX item_retirements_at ON item_retirements (id DESC);
