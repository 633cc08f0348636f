-- Links the statements of a stored batch into their chains.
CREATE OR REPLACE FUNCTION lrs_link_refs(batch jsonb) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  rec record;
BEGIN
  -- A targeting statement takes the keys of every statement down its chain; a missing
  -- link is remembered as awaited.
  FOR rec IN
    SELECT s.seq FROM jsonb_array_elements(batch) AS b(e)
    JOIN statements s ON s.id = (b.e->>'id')::uuid
    WHERE b.e->'statement'->'object'->>'objectType' = 'StatementRef'
  LOOP
    WITH RECURSIVE down(seq, ref_id, depth) AS (
      SELECT s.seq, s.ref_id, 0 FROM statements s WHERE s.seq = rec.seq
      UNION
      SELECT t.seq, t.ref_id, down.depth + 1 FROM down JOIN statements t ON t.id = down.ref_id
      WHERE down.depth < 100
    ),
    awaited AS (
      INSERT INTO statement_awaited_refs (target_id)
      SELECT d.ref_id FROM down d
      WHERE d.ref_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM statements x WHERE x.id = d.ref_id)
      ON CONFLICT DO NOTHING
    )
    INSERT INTO statement_ref_keys AS k (kind, key, seq, direct)
    SELECT o.kind, o.key, rec.seq, bool_or(o.direct)
    FROM (SELECT DISTINCT seq FROM down) d, lrs_own_keys(d.seq) o
    GROUP BY o.kind, o.key
    ON CONFLICT (kind, key, seq) DO UPDATE SET direct = k.direct OR EXCLUDED.direct;
  END LOOP;
  IF NOT EXISTS (SELECT 1 FROM statement_awaited_refs) THEN
    RETURN;
  END IF;
  -- A statement that earlier statements were waiting for: they, and whatever targets them,
  -- take its keys (its chain's, when it targets another statement itself).
  FOR rec IN
    SELECT s.seq, s.id FROM jsonb_array_elements(batch) AS b(e)
    JOIN statement_awaited_refs w ON w.target_id = (b.e->>'id')::uuid
    JOIN statements s ON s.id = w.target_id
  LOOP
    INSERT INTO statement_ref_keys AS k (kind, key, seq, direct)
    SELECT t.kind, t.key, up.seq, bool_or(t.direct)
    FROM (
      WITH RECURSIVE up(seq, id) AS (
        SELECT u.seq, u.id FROM statements u WHERE u.ref_id = rec.id
        UNION
        SELECT u.seq, u.id FROM statements u JOIN up ON u.ref_id = up.id
      )
      SELECT up.seq FROM up
    ) up,
    (SELECT o.kind, o.key, o.direct FROM lrs_own_keys(rec.seq) o
     UNION ALL
     SELECT r.kind, r.key, r.direct FROM statement_ref_keys r WHERE r.seq = rec.seq) t
    GROUP BY t.kind, t.key, up.seq
    ON CONFLICT (kind, key, seq) DO UPDATE SET direct = k.direct OR EXCLUDED.direct;
    DELETE FROM statement_awaited_refs WHERE target_id = rec.id;
  END LOOP;
END
$fn$;
