-- Credentials: the key, a hash of the secret, the scopes and, for a learner, the agent it
-- is bound to.
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
