-- Whether a statement stored under credential `voider` may void one stored under `target`: the
-- same credential, or two credentials bound to the same learner (one per device). The voiding
-- statements' effect is decided here, in the transaction that stores either statement, so a
-- voiding statement that arrives before its target, or races it, still voids only what its
-- authority stored. (plpgsql: the body is checked when it runs, after the tables exist.)
CREATE OR REPLACE FUNCTION lrs_may_void(voider text, target text) RETURNS boolean
LANGUAGE plpgsql STABLE AS $fn$
BEGIN
  RETURN voider = target OR EXISTS (
    SELECT 1 FROM credentials a JOIN credentials b ON a.agent_ifi = b.agent_ifi
     WHERE a.key = voider AND b.key = target AND a.agent_ifi IS NOT NULL
  );
END
$fn$;
