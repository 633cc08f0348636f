-- The filter keys a statement has of its own.
CREATE OR REPLACE FUNCTION lrs_own_keys(stmt bigint)
RETURNS TABLE (kind text, key text, direct boolean)
LANGUAGE sql STABLE AS $fn$
  SELECT 'a', a.ifi, a.direct FROM statement_agents a WHERE a.seq = stmt
  UNION ALL
  SELECT 'c', c.activity_id, c.direct FROM statement_activities c WHERE c.seq = stmt
  UNION ALL
  SELECT 'v', s.verb_id, true FROM statements s WHERE s.seq = stmt
  UNION ALL
  SELECT 'r', s.registration::text, true FROM statements s
  WHERE s.seq = stmt AND s.registration IS NOT NULL
$fn$;
