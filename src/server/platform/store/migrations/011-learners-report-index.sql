-- The completion report reads every learner's IFI, track and the dimensions it groups and
-- filters by. From this index alone (no visit to the table, once vacuum has marked its pages),
-- in IFI order, so that PostgreSQL merges the learners with the LRS's per-actor completions and
-- the certificates, read in the same order, instead of hashing 1,000,000 IFIs
-- (report-queries.ts).
CREATE INDEX learners_report ON learners (agent_ifi)
  INCLUDE (track_id, mission, country, unit, role, cohort);
