import type { SqlDatabase } from '../../db/sql-database.ts';
import { activitySetsDoneOf, namedDirectly } from '../../lrs/store/agent-relations.ts';
import type { ServiceRecord } from '../../../api/reports.ts';
import { serviceRecordOf, type ServiceRecordRow } from './learners.ts';

/** The dimensions a report can be grouped by. */
export const GROUP_BY = ['mission', 'country', 'unit', 'role', 'track', 'cohort'] as const;

/** A report dimension. */
export type GroupBy = (typeof GROUP_BY)[number];

/** Report filters, all optional; text filters match exactly, ignoring case. */
export interface ReportFilters {
  mission?: string;
  country?: string;
  unit?: string;
  role?: string;
  track?: string;
  cohort?: string;
  /** Learners enrolled on or after this instant. */
  from?: string;
  /** Learners enrolled before this instant. */
  to?: string;
  /** Part of a learner's name or service number. */
  q?: string;
  /** Certification status on the learner's own track. */
  status?: CertificationStatus;
}

/**
 * A learner's certification status on their own track: holds an unexpired certificate, held one
 * that has expired (and holds none now), or never held one.
 */
export const CERTIFICATION_STATUSES = ['certified', 'expired', 'not-certified'] as const;

/** One of CERTIFICATION_STATUSES. */
export type CertificationStatus = (typeof CERTIFICATION_STATUSES)[number];

// Whether learner `l` has a certificate for their own track (unexpired only, or any).
const HAS_CERTIFICATE = (valid: boolean) =>
  `EXISTS (SELECT 1 FROM certificates c WHERE c.learner_ifi = l.agent_ifi
     AND c.track_id = l.track_id${valid ? ' AND c.expires_at > now()' : ''})`;

const STATUS_WHERE: Record<CertificationStatus, string> = {
  certified: HAS_CERTIFICATE(true),
  expired: `NOT ${HAS_CERTIFICATE(true)} AND ${HAS_CERTIFICATE(false)}`,
  'not-certified': `NOT ${HAS_CERTIFICATE(false)}`,
};

/** A learner in a report, with their current certificate for their track. */
export interface ReportedLearner extends ServiceRecord {
  learnerId: string;
  agentIfi: string;
  cohort: string | null;
  trackId: string | null;
  enrolledAt: string;
  certificate: { code: string; issuedAt: string; expiresAt: string } | null;
}

/** A graded attempt of a cohort's learner. */
export interface CohortAttempt {
  learnerIfi: string;
  passed: boolean;
  scaled: number;
  outcomes: { module: string; outcome: string; met: boolean }[];
}

/** One group of the completion report: its key ('' for learners without a value) and counts. */
export interface CompletionCounts {
  key: string;
  enrolled: number;
  started: number;
  completed: number;
  certified: number;
}

/** What a learner must have done, per track, to count as having completed it. */
export interface CompletionRule {
  /** The verb of a completion (xAPI `completed`). */
  verb: string;
  /** Per track, the activities (module ids as activity IRIs) it requires, at least one each. */
  tracks: readonly { trackId: string; activityIds: readonly string[] }[];
}

const DIMENSION: Record<GroupBy, string> = {
  mission: 'l.mission',
  country: 'l.country',
  unit: 'l.unit',
  role: 'l.role',
  track: 'l.track_id',
  cohort: 'l.cohort',
};

/** The platform's side of the DPO reports: learners, their cohorts and certificates. */
export class ReportQueries {
  readonly #db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  // The WHERE clause of the filters on learners `l`, its parameters appended to `params`.
  #where(filters: ReportFilters, params: unknown[]): string {
    const p = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [];
    for (const field of ['mission', 'country', 'unit', 'role', 'cohort'] as const) {
      const value = filters[field];
      if (value !== undefined) where.push(`lower(l.${field}) = lower(${p(value)})`);
    }
    if (filters.track !== undefined) where.push(`l.track_id = ${p(filters.track)}`);
    if (filters.from !== undefined) where.push(`l.enrolled_at >= ${p(filters.from)}::timestamptz`);
    if (filters.to !== undefined) where.push(`l.enrolled_at < ${p(filters.to)}::timestamptz`);
    if (filters.q !== undefined) {
      // Case ignored by lowering both sides; LIKE's own wildcards in the text are escaped.
      const like = p(`%${filters.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(lower(l.name) LIKE ${like} OR lower(l.service_number) LIKE ${like})`);
    }
    if (filters.status !== undefined) where.push(STATUS_WHERE[filters.status]);
    return where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  }

  /**
   * The completion report in one query: per value of the grouping dimension, the matching
   * learners (enrolled), those some statement names directly (started: any activity at all), those
   * who completed every activity their track requires, and those holding an unexpired certificate
   * for their track. The learners' statements are read through the LRS store's relations
   * (agent-relations.ts), so the database counts and only the groups come back.
   */
  async completion(
    filters: ReportFilters,
    groupBy: GroupBy,
    rule: CompletionRule,
  ): Promise<CompletionCounts[]> {
    const params: unknown[] = [];
    const p = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const tracks = rule.tracks
      .map((t) => ({ trackId: t.trackId, activityIds: [...new Set(t.activityIds)] }))
      .filter((t) => t.activityIds.length > 0);
    // The filters twice, with parameters of their own each time: once to choose whose statements
    // to count, once for the learners counted. A query of `learners` each time, rather than a
    // common table, so that the planner knows how many learners match from the table's
    // statistics (it guesses 200 rows for a common table's distinct values).
    // Unfiltered, every learner counts: the completions are read without a join to choose them.
    const chosen = this.#where(filters, params);
    const done = activitySetsDoneOf(p, {
      verb: rule.verb,
      activitySets: tracks.map((t) => t.activityIds),
      agents: chosen === '' ? null : `SELECT l.agent_ifi FROM learners l ${chosen}`,
    });
    const where = this.#where(filters, params);
    // A learner completed their track when they have a completion of each of its activities.
    const completed =
      tracks.length === 0
        ? 'false'
        : `CASE l.track_id ${tracks
            .map((t, i) => `WHEN ${p(t.trackId)} THEN d.done${i}`)
            .join(' ')} ELSE false END`;
    // Compiling it with JIT took 0.45 s of its 2 s at 100,000 learners and saved less. The
    // learners are joined by hash on the embedded store: with the default 4 MB of working memory
    // the hash table of 100,000 learners went to disk in 16 batches; 128 MB holds them. On
    // PostgreSQL, at 1,000,000 learners, building and probing hash tables of 1,000,000 long IFIs
    // took most of the report's 1.7 s of CPU; there the learners (read in the order of
    // learners_report, platform migration 11), their completions (in the order of their primary
    // key) and their certificates (certificates_learner) are merged in IFI order instead, each
    // read once from its index without a visit to its table (0.58 s). The planner, costing the
    // hash join lower, is told not to use one; with a narrow filter it still looks learners up by
    // index. The embedded store has no vacuum to keep the indexes' visibility maps, so it keeps
    // the hash join.
    return this.#db.transaction(async (tx) => {
      await tx.query('SET LOCAL jit = off');
      await tx.query("SET LOCAL work_mem = '128MB'");
      if (this.#db.kind === 'postgres') await tx.query('SET LOCAL enable_hashjoin = off');
      return tx.query<CompletionCounts>(
        `WITH done AS (${done}),
       certified AS (
         SELECT learner_ifi, array_agg(track_id) AS tracks FROM certificates
         WHERE expires_at > now() GROUP BY learner_ifi
       )
       SELECT COALESCE(${DIMENSION[groupBy]}, '') AS key, count(*)::int AS enrolled,
         count(*) FILTER (WHERE d.agent_ifi IS NOT NULL OR ${namedDirectly('l.agent_ifi')})::int
           AS started,
         count(*) FILTER (WHERE ${completed})::int AS completed,
         count(*) FILTER (WHERE l.track_id = ANY (c.tracks))::int AS certified
       FROM learners l
       LEFT JOIN done d ON d.agent_ifi = l.agent_ifi
       LEFT JOIN certified c ON c.learner_ifi = l.agent_ifi
       ${where}
       GROUP BY 1`,
        params,
      );
    });
  }

  /**
   * The matching learners by name, at most `limit` from `offset`, and how many match in all. The
   * page is read in the learners_name index's order and each of its learners' current certificate
   * is looked up alone (certificates_learner); the total is a count of its own, skipped when the
   * first page holds every match.
   */
  async learners(
    filters: ReportFilters,
    limit: number,
    offset: number,
  ): Promise<{ total: number; learners: ReportedLearner[] }> {
    const params: unknown[] = [];
    const where = this.#where(filters, params);
    const countParams = [...params];
    params.push(limit, offset);
    const rows = await this.#db.query<
      ServiceRecordRow & {
        learner_id: string;
        agent_ifi: string;
        cohort: string | null;
        track_id: string | null;
        enrolled_at: Date | string;
        code: string | null;
        issued_at: Date | string | null;
        expires_at: Date | string | null;
      }
    >(
      `SELECT l.learner_id, l.agent_ifi, l.name, l.service_number, l.mission, l.country, l.unit,
           l.role, l.cohort, l.track_id, l.enrolled_at, c.code, c.issued_at, c.expires_at
         FROM (
           SELECT * FROM learners l ${where}
           ORDER BY lower(l.name), l.learner_id
           LIMIT $${params.length - 1} OFFSET $${params.length}
         ) l
         LEFT JOIN LATERAL (
           SELECT code, issued_at, expires_at FROM certificates c
           WHERE c.learner_ifi = l.agent_ifi AND c.track_id = l.track_id AND c.expires_at > now()
           ORDER BY c.issued_at DESC LIMIT 1
         ) c ON true
         ORDER BY lower(l.name), l.learner_id`,
      params,
    );
    // A page that starts the list and is not full holds every match: no count needed.
    const counted =
      offset === 0 && rows.length < limit
        ? [{ total: rows.length }]
        : await this.#db.query<{ total: number }>(
            `SELECT count(*)::int AS total FROM learners l ${where}`,
            countParams,
          );
    const iso = (v: Date | string): string => new Date(v).toISOString();
    return {
      total: counted[0]?.total ?? 0,
      learners: rows.map((r) => ({
        learnerId: r.learner_id,
        agentIfi: r.agent_ifi,
        ...serviceRecordOf(r),
        cohort: r.cohort,
        trackId: r.track_id,
        enrolledAt: iso(r.enrolled_at),
        certificate:
          r.code === null || r.issued_at === null || r.expires_at === null
            ? null
            : { code: r.code, issuedAt: iso(r.issued_at), expiresAt: iso(r.expires_at) },
      })),
    };
  }

  /**
   * The graded attempts on a track of a cohort's learners, oldest first: who, passed, score and
   * per learning outcome met or not.
   */
  async cohortAttempts(cohort: string, trackId: string): Promise<CohortAttempt[]> {
    const rows = await this.#db.query<{
      learner_ifi: string;
      passed: boolean;
      scaled: number;
      outcomes: { module: string; outcome: string; met: boolean }[] | null;
    }>(
      `SELECT a.learner_ifi, a.passed, a.scaled, a.outcomes FROM attempts a
       JOIN learners l ON l.agent_ifi = a.learner_ifi
       WHERE l.cohort = $1 AND a.track_id = $2 AND a.passed IS NOT NULL
       ORDER BY a.submitted_at, a.id`,
      [cohort, trackId],
    );
    return rows.map((r) => ({
      learnerIfi: r.learner_ifi,
      passed: r.passed,
      scaled: r.scaled,
      outcomes: r.outcomes ?? [],
    }));
  }

  /** Certificates issued per month (UTC) to the matching learners for their track, valid or not. */
  async certifiedPerMonth(filters: ReportFilters): Promise<{ month: string; certified: number }[]> {
    const params: unknown[] = [];
    const where = this.#where(filters, params);
    return this.#db.query<{ month: string; certified: number }>(
      `SELECT to_char(date_trunc('month', c.issued_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month,
         count(*)::int AS certified
       FROM certificates c
       JOIN learners l ON l.agent_ifi = c.learner_ifi AND l.track_id = c.track_id
       ${where}
       GROUP BY 1 ORDER BY 1`,
      params,
    );
  }
}
