-- Inserts a batch of checked statements with their agent and activity keys, in one round trip:
-- plpgsql caches its plans, which matters most for the embedded store, where planning dominates
-- the cost of a small insert. It inserts first and checks only what the insert shows can be
-- wrong: ids already stored (a conflict unless the content is the same: SQLSTATE LRS09, HTTP
-- 409) and voiding statements (whose targets must not be voiding statements: LRS00, HTTP 400).
-- An exception rolls the whole call back, so a refused batch stores nothing.
--
-- "stored" is the start of the inserting transaction on the database clock, so a statement
-- not yet committed always has a stored time at or after the start of a transaction still
-- open, which is what X-Experience-API-Consistent-Through is computed from. "ord" keeps the
-- batch's order.
CREATE OR REPLACE FUNCTION lrs_insert_statements(batch jsonb) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  bad record;
  inserted integer;
  voiding boolean;
  stamp text := to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
BEGIN
  WITH input AS (
    SELECT * FROM jsonb_to_recordset(batch) AS x(
      ord bigint, id uuid, statement jsonb, fingerprint text, verb_id text,
      actor_ifi text, registration uuid, voids uuid, credential_key text,
      agents jsonb, activities jsonb, timestamp_from_stored boolean)
  ),
  ins AS (
    INSERT INTO statements
      (id, statement, fingerprint, stored, verb_id, actor_ifi, registration, voids,
       credential_key)
    SELECT id,
           statement || jsonb_build_object('stored', stamp)
             || CASE WHEN timestamp_from_stored
                THEN jsonb_build_object('timestamp', stamp)
                ELSE '{}'::jsonb END,
           fingerprint, stamp::timestamptz, verb_id, actor_ifi,
           registration, voids, credential_key
    FROM input ORDER BY ord
    ON CONFLICT (id) DO NOTHING
    RETURNING id, seq, voids
  ),
  ag AS (
    INSERT INTO statement_agents (seq, ifi, direct)
    SELECT ins.seq, a.ifi, a.direct FROM ins JOIN input USING (id),
      jsonb_to_recordset(input.agents) AS a(ifi text, direct boolean)
  ),
  ac AS (
    INSERT INTO statement_activities (seq, activity_id, direct)
    SELECT ins.seq, a.id, a.direct FROM ins JOIN input USING (id),
      jsonb_to_recordset(input.activities) AS a(id text, direct boolean)
  )
  SELECT count(*), coalesce(bool_or(ins.voids IS NOT NULL), false)
    INTO inserted, voiding FROM ins;
  IF inserted < jsonb_array_length(batch) THEN
    -- Some ids were stored before: by an earlier send, or by another instance just now.
    SELECT b.id INTO bad
      FROM jsonb_to_recordset(batch) AS b(id uuid, fingerprint text)
      JOIN statements s ON s.id = b.id
      WHERE s.fingerprint <> b.fingerprint LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'statement % already exists with different content', bad.id
        USING ERRCODE = 'LRS09';
    END IF;
  END IF;
  IF voiding THEN
    SELECT b.id, b.voids INTO bad
      FROM jsonb_to_recordset(batch) AS b(id uuid, voids uuid)
      JOIN statements t ON t.id = b.voids
      WHERE t.voids IS NOT NULL LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'statement % voids %, which is itself a voiding statement; a voiding statement cannot be voided', bad.id, bad.voids
        USING ERRCODE = 'LRS00';
    END IF;
    UPDATE statements t SET voided = true
      FROM jsonb_to_recordset(batch) AS b(voids uuid, credential_key text)
      WHERE t.id = b.voids AND t.voids IS NULL AND NOT t.voided
        AND lrs_may_void(b.credential_key, t.credential_key);
  END IF;
  -- Statements of the batch that an earlier voiding statement of the same authority already
  -- targets (it may arrive before its target; another authority's has no effect).
  UPDATE statements s SET voided = true
    WHERE s.voids IS NULL AND NOT s.voided
      AND s.id IN (SELECT b.id FROM jsonb_to_recordset(batch) AS b(id uuid))
      AND EXISTS (SELECT 1 FROM statements v
                   WHERE v.voids = s.id AND lrs_may_void(v.credential_key, s.credential_key));
END
$fn$;
