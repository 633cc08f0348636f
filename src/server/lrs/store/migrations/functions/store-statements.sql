-- Stores a batch and links its StatementRefs in one round trip; references are linked only
-- when the batch holds a StatementRef or a stored statement awaits its target.
CREATE OR REPLACE FUNCTION lrs_store_statements(batch jsonb) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM lrs_insert_statements(batch);
  IF jsonb_path_exists(batch, '$[*].statement.object ? (@.objectType == "StatementRef")')
     OR EXISTS (SELECT 1 FROM statement_awaited_refs) THEN
    PERFORM lrs_link_refs(batch);
  END IF;
END
$fn$;
