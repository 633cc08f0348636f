-- The DPO's learner list finds learners by any part of their name or service number, case
-- ignored (`lower(name) LIKE '%text%'`). A B-tree serves no pattern that starts with a wildcard,
-- so each search read every learner: 2.8 s at 1,000,000. Trigram indexes (pg_trgm) serve such a
-- pattern of three characters or more from the index; PostgreSQL ships pg_trgm in its contrib
-- modules (a trusted extension: the database's owner, or any role that may create in the
-- database, can create it) and PGlite in its own (the embedded store loads it).
--
-- The extension is created once per database, in public, and found where it is if someone
-- created it already (elsewhere, say): every schema of the database (one per test run) shares
-- it, and the operator class is named with its schema.
DO $fn$
DECLARE
  trgm text;
BEGIN
  SELECT n.nspname INTO trgm FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
  WHERE e.extname = 'pg_trgm';
  IF trgm IS NULL THEN
    CREATE EXTENSION pg_trgm SCHEMA public;
    trgm := 'public';
  END IF;
  EXECUTE format(
    'CREATE INDEX learners_name_trgm ON learners USING gin (lower(name) %I.gin_trgm_ops)', trgm);
  EXECUTE format(
    'CREATE INDEX learners_service_number_trgm ON learners '
    'USING gin (lower(service_number) %I.gin_trgm_ops)', trgm);
END
$fn$;
