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
