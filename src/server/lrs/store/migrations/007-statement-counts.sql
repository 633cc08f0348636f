-- What the completion report reads instead of every completion: for the `completed` verb, per
-- actor and object how many non-voided statements there are (statement_counts), and per actor
-- the objects that have one (actor_verb_objects: one row a learner, where statement_counts has
-- one a module). Only that verb: counting every verb about halved the ingest rate of batches of
-- 100 (bench:lrs). Both follow the statements through triggers (functions/count-statements.sql)
-- in the transaction of each write, so they never disagree with them; they are built here from
-- the statements already stored. Backups leave them out: a restore rebuilds them as it loads the
-- statements.
LOCK TABLE statements IN SHARE ROW EXCLUSIVE MODE;
CREATE TABLE statement_counts (
  verb_id text NOT NULL,
  actor_ifi text NOT NULL,
  object_id text NOT NULL,
  -- Zero once every such statement is voided (the row stays: counts only change by a delta).
  statements integer NOT NULL CHECK (statements >= 0),
  PRIMARY KEY (verb_id, actor_ifi, object_id)
);
INSERT INTO statement_counts (verb_id, actor_ifi, object_id, statements)
SELECT verb_id, actor_ifi, object_id, count(*) FROM statements
 WHERE verb_id = 'http://adlnet.gov/expapi/verbs/completed' AND NOT voided
   AND actor_ifi IS NOT NULL AND object_id IS NOT NULL
 GROUP BY verb_id, actor_ifi, object_id;
CREATE TABLE actor_verb_objects (
  verb_id text NOT NULL,
  actor_ifi text NOT NULL,
  -- Never empty: the row goes when its last object does.
  object_ids text[] NOT NULL,
  PRIMARY KEY (verb_id, actor_ifi)
);
INSERT INTO actor_verb_objects (verb_id, actor_ifi, object_ids)
SELECT verb_id, actor_ifi, array_agg(object_id ORDER BY object_id) FROM statement_counts
 WHERE statements > 0
 GROUP BY verb_id, actor_ifi;
CREATE TRIGGER statements_counted_insert AFTER INSERT ON statements
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION lrs_count_statements();
CREATE TRIGGER statements_counted_update AFTER UPDATE ON statements
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION lrs_count_statements();
CREATE TRIGGER statements_counted_delete AFTER DELETE ON statements
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION lrs_count_statements();
CREATE TRIGGER statements_counted_truncate AFTER TRUNCATE ON statements
  FOR EACH STATEMENT EXECUTE FUNCTION lrs_count_statements();
CREATE TRIGGER statement_counts_listed_insert AFTER INSERT ON statement_counts
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION lrs_list_objects();
CREATE TRIGGER statement_counts_listed_update AFTER UPDATE ON statement_counts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION lrs_list_objects();
ANALYZE statement_counts;
ANALYZE actor_verb_objects;
