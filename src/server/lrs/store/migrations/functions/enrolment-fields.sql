-- Read the enrolment profile's fields out of its state document, for the generated columns
-- of state_documents (002-documents.sql).
CREATE OR REPLACE FUNCTION lrs_enrolment_field(state_id text, content bytea, field text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $fn$
BEGIN
  IF state_id <> 'enrolment' THEN
    RETURN NULL;
  END IF;
  BEGIN
    RETURN convert_from(content, 'UTF8')::jsonb ->> field;
  EXCEPTION WHEN others THEN
    RETURN NULL;
  END;
END
$fn$;

-- enrolledAt is written by the service as an ISO 8601 instant with its offset, so reading
-- it does not depend on the session's time zone or date style.
CREATE OR REPLACE FUNCTION lrs_enrolment_time(state_id text, content bytea) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE AS $fn$
BEGIN
  IF state_id <> 'enrolment' THEN
    RETURN NULL;
  END IF;
  BEGIN
    RETURN (convert_from(content, 'UTF8')::jsonb ->> 'enrolledAt')::timestamptz;
  EXCEPTION WHEN others THEN
    RETURN NULL;
  END;
END
$fn$;
