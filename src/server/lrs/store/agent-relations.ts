// SQL over the LRS's statement tables for another store on the same database to use inside a
// query of its own: the platform's completion report joins its learners to these in one
// aggregate query instead of carrying every learner's counts out of the database and back. The
// LRS's tables are named here (and in the rest of lrs/store) only: a caller gets a relation or a
// condition as SQL text, and hands its values over through `param`, which adds one to the
// caller's parameter list and returns its placeholder.

/** Adds a value to the caller's query parameters and returns its placeholder (`$n`). */
export type Param = (value: unknown) => string;

/** The one verb whose activities the store keeps per agent (migration 7). */
export const COUNTED_VERB = 'http://adlnet.gov/expapi/verbs/completed';

/** What activitySetsDoneOf reads. */
export interface AgentActivityRelation {
  verb: string;
  activitySets: readonly (readonly string[])[];
  /** A query of one text column: the agent IFIs to read; null for every actor. */
  agents: string | null;
}

/**
 * A relation `(agent_ifi text, done0 boolean, done1 boolean, ...)`: each agent of `agents` (or
 * any) that is the actor of a non-voided statement with `verb` (COUNTED_VERB), and whether such
 * statements have every activity of each set as their object (as Store.activityCounts counts
 * them: a set is done when its count of distinct activities reaches its size). Read from
 * actor_completions (one row per actor: the keys of the activities completed, kept by triggers
 * with the statements: migrations 7 and 8), not the statements. A set is turned into its keys
 * once per query; a set with an activity nobody completed has no key for it and no one has done
 * it. The rows come in the order of the agents' IFIs from the table's primary key, which carries
 * the keys (`listed`, NULL for the few actors whose keys do not fit in it: read from the table).
 */
export function activitySetsDoneOf(param: Param, query: AgentActivityRelation): string {
  if (query.verb !== COUNTED_VERB) {
    throw new Error(`the store keeps the activities of ${COUNTED_VERB} only, not ${query.verb}`);
  }
  const keys = `COALESCE(a.listed,
      (SELECT f.object_keys FROM actor_completions f WHERE f.actor_ifi = a.actor_ifi))`;
  const done = query.activitySets.map((set, i) => {
    const ids = [...new Set(set)];
    if (ids.length === 0) return `true AS done${i}`;
    return `${keys} @> (SELECT CASE WHEN count(*) = ${String(ids.length)}
        THEN array_agg(activity_key) END
      FROM activity_keys WHERE activity_id = ANY(${param(ids)}::text[])) AS done${i}`;
  });
  return `SELECT a.actor_ifi AS agent_ifi${done.map((d) => `, ${d}`).join('')}
    FROM actor_completions a${query.agents === null ? '' : ` WHERE a.actor_ifi IN (${query.agents})`}`;
}

/**
 * A condition: some statement, voided or not, names the agent whose IFI is the SQL expression
 * `ifi` directly (as actor or object), as Store.activityCounts lists an agent.
 */
export function namedDirectly(ifi: string): string {
  return `EXISTS (SELECT 1 FROM statement_agents named WHERE named.ifi = ${ifi} AND named.direct)`;
}
