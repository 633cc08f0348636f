// SQL over the LRS's statement tables for another store on the same database to use inside a
// query of its own: the platform's completion report joins its learners to these in one
// aggregate query instead of carrying every learner's counts out of the database and back. The
// LRS's tables are named here (and in the rest of lrs/store) only: a caller gets a relation or a
// condition as SQL text, and hands its values over through `param`, which adds one to the
// caller's parameter list and returns its placeholder.

/** Adds a value to the caller's query parameters and returns its placeholder (`$n`). */
export type Param = (value: unknown) => string;

/** What activityCountsOf counts. */
export interface AgentActivityRelation {
  verb: string;
  activitySets: readonly (readonly string[])[];
  /** A query of one text column: the agent IFIs to count for; null for every actor. */
  agents: string | null;
}

/**
 * A relation `(agent_ifi text, n0 int, n1 int, ...)`: each agent of `agents` (or any) that is the actor
 * of a non-voided statement with `verb`, with how many distinct activities of each set such
 * statements have as their object (as Store.activityCounts counts them). Each (agent, activity)
 * pair is made distinct first, in the order of the completions index when the verb is
 * `completed`, so the counts need no sort of their own.
 */
export function activityCountsOf(param: Param, query: AgentActivityRelation): string {
  const verb = param(query.verb);
  const counts = query.activitySets.map(
    (set, i) =>
      `count(*) FILTER (WHERE object_id = ANY(${param([...new Set(set)])}::text[]))::int AS n${i}`,
  );
  return `SELECT actor_ifi AS agent_ifi${counts.map((c) => `, ${c}`).join('')}
    FROM (
      SELECT DISTINCT actor_ifi, object_id FROM statements
      WHERE verb_id = ${verb} AND NOT voided
        AND ${query.agents === null ? 'actor_ifi IS NOT NULL' : `actor_ifi IN (${query.agents})`}
    ) pairs
    GROUP BY actor_ifi`;
}

/**
 * A condition: some statement, voided or not, names the agent whose IFI is the SQL expression
 * `ifi` directly (as actor or object), as Store.activityCounts lists an agent.
 */
export function namedDirectly(ifi: string): string {
  return `EXISTS (SELECT 1 FROM statement_agents named WHERE named.ifi = ${ifi} AND named.direct)`;
}
