-- Keeps statement_counts (migration 7) equal to the statements of the `completed` verb (the only
-- one the report reads): per verb, actor and object, how many non-voided statements there are. Statement-level triggers on statements run it inside
-- the SQL statement that inserts, voids or removes statements, in its transaction: a write and
-- its counts commit together or not at all. Only the change is applied (count + delta, row by
-- row under the row's lock, in key order), so concurrent writers add up exactly; a statement
-- sent again under its id inserts nothing and counts nothing.
CREATE OR REPLACE FUNCTION lrs_count_statements() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  counted CONSTANT text := 'http://adlnet.gov/expapi/verbs/completed';
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    TRUNCATE statement_counts, actor_completions, activity_keys;
  ELSIF TG_OP = 'INSERT' THEN
    -- Most writes hold no completion: they stop here, before any write that fires more triggers.
    IF NOT EXISTS (SELECT 1 FROM new_rows WHERE verb_id = counted) THEN
      RETURN NULL;
    END IF;
    INSERT INTO statement_counts AS c (verb_id, actor_ifi, object_id, statements)
    SELECT verb_id, actor_ifi, object_id, count(*)::integer FROM new_rows
     WHERE verb_id = counted AND NOT voided AND actor_ifi IS NOT NULL
       AND object_id IS NOT NULL
     GROUP BY verb_id, actor_ifi, object_id
     ORDER BY verb_id, actor_ifi, object_id
    ON CONFLICT (verb_id, actor_ifi, object_id)
      DO UPDATE SET statements = c.statements + EXCLUDED.statements;
  ELSIF NOT EXISTS (SELECT 1 FROM old_rows WHERE verb_id = counted) THEN
    RETURN NULL;
  ELSIF TG_OP = 'UPDATE' THEN
    -- Voiding takes a statement's count down (never below zero: the CHECK); an update that
    -- counted a statement again would add it back.
    UPDATE statement_counts c SET statements = c.statements + change.d
      FROM (
        SELECT verb_id, actor_ifi, object_id, sum(d)::integer AS d FROM (
          SELECT verb_id, actor_ifi, object_id, 1 AS d FROM new_rows
           WHERE verb_id = counted AND NOT voided AND actor_ifi IS NOT NULL
       AND object_id IS NOT NULL
          UNION ALL
          SELECT verb_id, actor_ifi, object_id, -1 FROM old_rows
           WHERE verb_id = counted AND NOT voided AND actor_ifi IS NOT NULL
       AND object_id IS NOT NULL
        ) x
        GROUP BY verb_id, actor_ifi, object_id HAVING sum(d) < 0
      ) change
     WHERE c.verb_id = change.verb_id AND c.actor_ifi = change.actor_ifi
       AND c.object_id = change.object_id;
    INSERT INTO statement_counts AS c (verb_id, actor_ifi, object_id, statements)
    SELECT verb_id, actor_ifi, object_id, sum(d)::integer FROM (
      SELECT verb_id, actor_ifi, object_id, 1 AS d FROM new_rows
       WHERE verb_id = counted AND NOT voided AND actor_ifi IS NOT NULL
       AND object_id IS NOT NULL
      UNION ALL
      SELECT verb_id, actor_ifi, object_id, -1 FROM old_rows
       WHERE verb_id = counted AND NOT voided AND actor_ifi IS NOT NULL
       AND object_id IS NOT NULL
    ) x
     GROUP BY verb_id, actor_ifi, object_id HAVING sum(d) > 0
     ORDER BY verb_id, actor_ifi, object_id
    ON CONFLICT (verb_id, actor_ifi, object_id)
      DO UPDATE SET statements = c.statements + EXCLUDED.statements;
  ELSE
    UPDATE statement_counts c SET statements = c.statements - change.n
      FROM (
        SELECT verb_id, actor_ifi, object_id, count(*)::integer AS n FROM old_rows
         WHERE verb_id = counted AND NOT voided AND actor_ifi IS NOT NULL
       AND object_id IS NOT NULL
         GROUP BY verb_id, actor_ifi, object_id
      ) change
     WHERE c.verb_id = change.verb_id AND c.actor_ifi = change.actor_ifi
       AND c.object_id = change.object_id;
  END IF;
  RETURN NULL;
END
$fn$;

-- Keeps actor_completions equal to statement_counts: per actor, the keys (activity_keys) of the
-- objects with at least one non-voided statement. Statement-level triggers on statement_counts:
-- an object is added when its count leaves zero (a new row, or 0 to more) and removed when it
-- comes back to zero. Each change is made to the row as it is once its lock is held (concurrent
-- writers of one actor change different objects, and the changes of one object are ordered by
-- its count's row lock), so the list stays exact; a list left empty is removed. An object
-- completed for the first time gets its key first (in key order; a concurrent writer of the same
-- new object waits for the first to commit and then uses its key).
CREATE OR REPLACE FUNCTION lrs_list_objects() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_rows) THEN
    RETURN NULL;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO activity_keys (activity_id)
    SELECT DISTINCT object_id FROM new_rows WHERE statements > 0 ORDER BY 1
    ON CONFLICT (activity_id) DO NOTHING;
    INSERT INTO actor_completions AS a (actor_ifi, object_keys)
    SELECT n.actor_ifi, array_agg(k.activity_key ORDER BY k.activity_key)
      FROM new_rows n JOIN activity_keys k ON k.activity_id = n.object_id
     WHERE n.statements > 0
     GROUP BY n.actor_ifi
     ORDER BY n.actor_ifi
    ON CONFLICT (actor_ifi)
      DO UPDATE SET object_keys = a.object_keys || EXCLUDED.object_keys;
  ELSIF TG_OP = 'UPDATE' THEN
    UPDATE actor_completions a
       SET object_keys = ARRAY(SELECT o FROM unnest(a.object_keys) o WHERE o <> ALL (g.gone))
      FROM (SELECT n.actor_ifi, array_agg(k.activity_key) AS gone
              FROM new_rows n JOIN old_rows o USING (verb_id, actor_ifi, object_id)
              JOIN activity_keys k ON k.activity_id = n.object_id
             WHERE o.statements > 0 AND n.statements = 0
             GROUP BY n.actor_ifi) g
     WHERE a.actor_ifi = g.actor_ifi;
    DELETE FROM actor_completions a
     USING (SELECT DISTINCT actor_ifi FROM new_rows WHERE statements = 0) g
     WHERE a.actor_ifi = g.actor_ifi AND a.object_keys = '{}';
    INSERT INTO activity_keys (activity_id)
    SELECT DISTINCT n.object_id
      FROM new_rows n JOIN old_rows o USING (verb_id, actor_ifi, object_id)
     WHERE o.statements = 0 AND n.statements > 0
     ORDER BY 1
    ON CONFLICT (activity_id) DO NOTHING;
    INSERT INTO actor_completions AS a (actor_ifi, object_keys)
    SELECT n.actor_ifi, array_agg(k.activity_key ORDER BY k.activity_key)
      FROM new_rows n JOIN old_rows o USING (verb_id, actor_ifi, object_id)
      JOIN activity_keys k ON k.activity_id = n.object_id
     WHERE o.statements = 0 AND n.statements > 0
     GROUP BY n.actor_ifi
     ORDER BY n.actor_ifi
    ON CONFLICT (actor_ifi)
      DO UPDATE SET object_keys = a.object_keys || EXCLUDED.object_keys;
  END IF;
  RETURN NULL;
END
$fn$;
