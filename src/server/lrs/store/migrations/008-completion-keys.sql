-- The completion report joins every learner to their list of completed activities: at 1,000,000
-- learners the lists of migration 7 (activity IRIs, about 560 bytes a learner) took 558 MB and
-- the hash join of 1,000,000 long text keys most of the report's 1.7 s. Here each completed
-- activity gets a small integer key (activity_keys, one row per activity ever completed) and
-- each actor one row of keys (actor_completions, about 100 bytes), read in the order of its
-- primary key, which carries the keys too (`listed`): the report merges it with the learners in
-- the same order, without a hash table or a visit to the table. A btree entry holds at most about
-- 2,700 bytes, so `listed` is left empty (NULL) for an actor whose keys would not fit (more than
-- about 450 activities completed); the report reads those few from the table.
-- Both follow statement_counts through its triggers (functions/count-statements.sql), in the
-- transaction of each write; they are built here from the counts. Backups leave them out.
LOCK TABLE statements IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE statement_counts IN SHARE ROW EXCLUSIVE MODE;
DROP TABLE actor_verb_objects;
CREATE TABLE activity_keys (
  activity_key integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  activity_id text NOT NULL UNIQUE
);
INSERT INTO activity_keys (activity_id)
SELECT DISTINCT object_id FROM statement_counts WHERE statements > 0 ORDER BY 1;
-- One row per actor with a non-voided completion (of the one verb statement_counts keeps).
CREATE TABLE actor_completions (
  actor_ifi text NOT NULL,
  -- Never empty: the row goes when its last object does. In no order.
  object_keys integer[] NOT NULL,
  listed integer[] GENERATED ALWAYS AS (
    CASE WHEN octet_length(actor_ifi) + 4 * cardinality(object_keys) <= 2000 THEN object_keys END
  ) STORED,
  PRIMARY KEY (actor_ifi) INCLUDE (listed)
);
INSERT INTO actor_completions (actor_ifi, object_keys)
SELECT c.actor_ifi, array_agg(k.activity_key ORDER BY k.activity_key)
  FROM statement_counts c JOIN activity_keys k ON k.activity_id = c.object_id
 WHERE c.statements > 0
 GROUP BY c.actor_ifi;
ANALYZE activity_keys;
ANALYZE actor_completions;
