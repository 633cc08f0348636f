import { VERBS } from '../../../xapi/vocabulary.ts';
import { courseActivityId } from '../enrolment/routes.ts';
import type { SqlClient } from '../../db/sql-database.ts';
import { groupCode } from '../certification/codes.ts';
import { SERVICE_CREDENTIAL_KEY, type CertificationService } from '../certification/service.ts';

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
}

/** Counts for one group of learners. */
export interface ReportGroup {
  key: string;
  enrolled: number;
  started: number;
  completed: number;
  certified: number;
}

/** One learner's line in a report. */
export interface ReportLearner {
  learnerId: string;
  name: string;
  serviceNumber: string;
  mission: string;
  country: string;
  unit: string;
  role: string;
  cohort: string | null;
  track: string | null;
  enrolledAt: string;
  started: boolean;
  modulesDone: number;
  modulesRequired: number;
  completed: boolean;
  certificateCode: string | null;
  certifiedAt: string | null;
  expiresAt: string | null;
}

const DIMENSION_SQL: Record<GroupBy, string> = {
  mission: 'mission',
  country: 'country',
  unit: 'unit',
  role: 'role',
  track: 'track_id',
  cohort: 'cohort',
};

/**
 * Reports over the stored statements: module completions are the learners' completed statements,
 * certification the certificates the service issued; nothing is counted twice or kept apart.
 */
export class Reports {
  readonly #svc: CertificationService;
  readonly #course: string;

  constructor(svc: CertificationService) {
    this.#svc = svc;
    this.#course = courseActivityId(svc.site);
  }

  /** Whether a certification track of this id exists. */
  hasTrack(trackId: string): boolean {
    return this.#svc.track(trackId) !== undefined;
  }

  /** The modules a track requires ([] for an unknown track). */
  requiredModules(trackId: string): string[] {
    return this.#svc.track(trackId)?.rule.requiredModules ?? [];
  }

  /** The agent identifier (IFI) of a learner's account on the site. */
  learnerIfi(learnerId: string): string {
    return `agent|account|${this.#svc.site}|${learnerId}`;
  }

  // One learner per row: profile (the enrolment document's generated columns), track,
  // completions, certificate. Each learner's completions are counted in one ordered pass over
  // the partial (actor, object) index of completed statements, for every track at once, so
  // nothing is sorted or probed per learner. Restricting that scan to the required modules costs
  // more than it saves: the per-track filters below drop the others anyway.
  #perLearner(filters: ReportFilters, params: unknown[]): string {
    const p = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const tracks: { track_id: string; n: number }[] = [];
    const roleTracks: { role: string; track_id: string }[] = [];
    const perTrack: string[] = [];
    const pick: string[] = [];
    for (const [id, track] of this.#svc.catalog) {
      const iris = [...new Set(track.rule.requiredModules.map((m) => this.#svc.moduleIri(m)))];
      const column = `n${tracks.length}`;
      tracks.push({ track_id: id, n: iris.length });
      perTrack.push(`count(*) FILTER (WHERE object_id = ANY(${p(iris)}::text[])) AS ${column}`);
      pick.push(`WHEN ${p(id)} THEN d.${column}`);
      if (track.audience !== 'all') roleTracks.push({ role: track.audience, track_id: id });
    }
    const where: string[] = [];
    for (const field of ['mission', 'country', 'unit', 'role', 'cohort'] as const) {
      const value = filters[field];
      if (value !== undefined) where.push(`lower(l.${field}) = lower(${p(value)})`);
    }
    if (filters.track !== undefined) {
      where.push(`COALESCE(c.track_id, a.track_id) = ${p(filters.track)}`);
    }
    if (filters.from !== undefined) where.push(`l.enrolled_at >= ${p(filters.from)}::timestamptz`);
    if (filters.to !== undefined) where.push(`l.enrolled_at < ${p(filters.to)}::timestamptz`);
    if (filters.q !== undefined) {
      const like = p(`%${filters.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(l.name ILIKE ${like} OR l.service_number ILIKE ${like})`);
    }
    return `
      learners AS (
        SELECT agent_ifi AS ifi, enrol_learner_id AS learner_id, enrol_name AS name,
               enrol_service_number AS service_number, enrol_mission AS mission,
               enrol_country AS country, enrol_unit AS unit, enrol_role AS role,
               enrol_cohort AS cohort, enrolled_at
        FROM state_documents WHERE activity_id = ${p(this.#course)} AND state_id = 'enrolment'
      ),
      tracked AS (
        SELECT l.*, COALESCE(c.track_id, a.track_id) AS track_id FROM learners l
        LEFT JOIN cohorts c ON c.code = l.cohort
        LEFT JOIN jsonb_to_recordset(${p(JSON.stringify(roleTracks))}::jsonb)
          AS a(role text, track_id text) ON a.role = l.role
        ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
      ),
      completions AS (
        SELECT actor_ifi, object_id FROM statements
        WHERE verb_id = ${p(VERBS.completed)} AND NOT voided
        GROUP BY actor_ifi, object_id
      ),
      done AS (
        SELECT actor_ifi${perTrack.map((c) => `, ${c}`).join('')}
        FROM completions GROUP BY actor_ifi
      ),
      certs AS (
        SELECT DISTINCT ON (learner_ifi, track_id) learner_ifi, track_id, code, issued_at, expires_at
        FROM certificates WHERE expires_at > now()
        ORDER BY learner_ifi, track_id, issued_at DESC
      ),
      per AS (
        SELECT t.*,
          ${tracks.length === 0 ? '0' : `COALESCE(CASE t.track_id ${pick.join(' ')} END, 0)`}
            AS modules_done,
          COALESCE(r.n, 0) AS modules_required,
          (d.actor_ifi IS NOT NULL OR EXISTS (SELECT 1 FROM statement_agents g
                                              WHERE g.ifi = t.ifi AND g.direct)) AS started,
          ce.code, ce.issued_at, ce.expires_at
        FROM tracked t
        LEFT JOIN jsonb_to_recordset(${p(JSON.stringify(tracks))}::jsonb)
          AS r(track_id text, n int) ON r.track_id = t.track_id
        LEFT JOIN done d ON d.actor_ifi = t.ifi
        LEFT JOIN certs ce ON ce.learner_ifi = t.ifi AND ce.track_id = t.track_id
      )`;
  }

  /** Enrolled, started, completed and certified learners per group of the chosen dimension. */
  async completion(
    db: SqlClient,
    filters: ReportFilters,
    groupBy: GroupBy,
  ): Promise<ReportGroup[]> {
    const params: unknown[] = [];
    const cte = this.#perLearner(filters, params);
    const rows = await db.query<{
      key: string | null;
      enrolled: number;
      started: number;
      completed: number;
      certified: number;
    }>(
      `WITH ${cte}
       SELECT ${DIMENSION_SQL[groupBy]} AS key, count(*)::int AS enrolled,
         (count(*) FILTER (WHERE started))::int AS started,
         (count(*) FILTER (WHERE modules_required > 0 AND modules_done >= modules_required))::int
           AS completed,
         (count(*) FILTER (WHERE code IS NOT NULL))::int AS certified
       FROM per GROUP BY 1 ORDER BY 1 NULLS LAST`,
      params,
    );
    return rows.map((r) => ({ ...r, key: r.key ?? '' }));
  }

  /** The learners that match, by name, at most `limit` from `offset`. */
  async learners(
    db: SqlClient,
    filters: ReportFilters,
    limit: number,
    offset: number,
  ): Promise<{ total: number; learners: ReportLearner[] }> {
    const params: unknown[] = [];
    const cte = this.#perLearner(filters, params);
    params.push(limit, offset);
    const rows = await db.query<{
      learner_id: string;
      name: string;
      service_number: string;
      mission: string;
      country: string;
      unit: string;
      role: string;
      cohort: string | null;
      track_id: string | null;
      enrolled_at: Date | string;
      started: boolean;
      modules_done: number;
      modules_required: number;
      code: string | null;
      issued_at: Date | string | null;
      expires_at: Date | string | null;
      total: number;
    }>(
      `WITH ${cte}
       SELECT learner_id, name, service_number, mission, country, unit, role, cohort, track_id,
         enrolled_at, started, modules_done::int, modules_required::int, code, issued_at,
         expires_at, (count(*) OVER ())::int AS total
       FROM per ORDER BY lower(name), learner_id
       LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    const iso = (v: Date | string | null): string | null =>
      v === null ? null : new Date(v).toISOString();
    return {
      total: rows[0]?.total ?? 0,
      learners: rows.map((r) => ({
        learnerId: r.learner_id,
        name: r.name,
        serviceNumber: r.service_number,
        mission: r.mission,
        country: r.country,
        unit: r.unit,
        role: r.role,
        cohort: r.cohort,
        track: r.track_id,
        enrolledAt: iso(r.enrolled_at) ?? '',
        started: r.started,
        modulesDone: r.modules_done,
        modulesRequired: r.modules_required,
        completed: r.modules_required > 0 && r.modules_done >= r.modules_required,
        certificateCode: r.code === null ? null : groupCode(r.code),
        certifiedAt: iso(r.issued_at),
        expiresAt: iso(r.expires_at),
      })),
    };
  }

  /** Certificates issued per month to the matching learners (valid or since expired). */
  async certifiedOverTime(
    db: SqlClient,
    filters: ReportFilters,
  ): Promise<{ month: string; certified: number }[]> {
    const params: unknown[] = [];
    const cte = this.#perLearner(filters, params);
    const rows = await db.query<{ month: string; certified: number }>(
      `WITH ${cte}
       SELECT to_char(date_trunc('month', c.issued_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month,
         count(*)::int AS certified
       FROM certificates c JOIN tracked t ON t.ifi = c.learner_ifi AND t.track_id = c.track_id
       GROUP BY 1 ORDER BY 1`,
      params,
    );
    return rows;
  }

  /**
   * One learner in detail: profile, each required module (completed, knowledge-check score) and
   * the graded attempts the service recorded; null for an unknown learner.
   */
  async learner(db: SqlClient, learnerId: string, quizIds: Map<string, string>) {
    const ifi = `agent|account|${this.#svc.site}|${learnerId}`;
    const rows = await db.query<{ j: Record<string, string> }>(
      `SELECT convert_from(content, 'UTF8')::jsonb AS j FROM state_documents
       WHERE activity_id = $1 AND state_id = 'enrolment' AND agent_ifi = $2 LIMIT 1`,
      [this.#course, ifi],
    );
    const profile = rows[0]?.j;
    if (profile === undefined) return null;
    const cohortRows = await db.query<{ track_id: string }>(
      'SELECT track_id FROM cohorts WHERE code = $1',
      [profile.cohort ?? ''],
    );
    let trackId = cohortRows[0]?.track_id ?? null;
    if (trackId === null) {
      for (const [id, track] of this.#svc.catalog)
        if (track.audience === profile.role) trackId = id;
    }
    const modules = await this.moduleProgress(db, [ifi], trackId, quizIds);
    const attempts = await db.query<{
      verb_id: string;
      scaled: number | null;
      stored: Date | string;
    }>(
      `SELECT verb_id, (statement->'result'->'score'->>'scaled')::float8 AS scaled, stored
       FROM statements WHERE actor_ifi = $1 AND credential_key = $2 AND NOT voided
         AND verb_id = ANY($3::text[]) ORDER BY seq`,
      [ifi, SERVICE_CREDENTIAL_KEY, [VERBS.passed, VERBS.failed]],
    );
    const certs = await db.query<{
      code: string;
      track_id: string;
      issued_at: Date | string;
      expires_at: Date | string;
    }>(
      'SELECT code, track_id, issued_at, expires_at FROM certificates WHERE learner_ifi = $1 ORDER BY issued_at',
      [ifi],
    );
    return {
      profile: {
        learnerId,
        name: profile.name ?? '',
        serviceNumber: profile.serviceNumber ?? '',
        mission: profile.mission ?? '',
        country: profile.country ?? '',
        unit: profile.unit ?? '',
        role: profile.role ?? '',
        cohort: profile.cohort ?? null,
        enrolledAt: profile.enrolledAt ?? '',
      },
      track: trackId,
      modules: modules.get(ifi) ?? [],
      attempts: attempts.map((a) => ({
        passed: a.verb_id === VERBS.passed,
        scaled: a.scaled,
        at: new Date(a.stored).toISOString(),
      })),
      certificates: certs.map((c) => ({
        code: groupCode(c.code),
        track: c.track_id,
        issuedAt: new Date(c.issued_at).toISOString(),
        expiresAt: new Date(c.expires_at).toISOString(),
        valid: new Date(c.expires_at).getTime() > Date.now(),
      })),
    };
  }

  /** For each learner, each required module of the track: completed when, latest check score. */
  async moduleProgress(
    db: SqlClient,
    ifis: string[],
    trackId: string | null,
    quizIds: Map<string, string>,
  ): Promise<Map<string, { module: string; completedAt: string | null; score: number | null }[]>> {
    const track = trackId === null ? undefined : this.#svc.catalog.get(trackId);
    const result = new Map<
      string,
      { module: string; completedAt: string | null; score: number | null }[]
    >();
    if (track === undefined || ifis.length === 0) return result;
    const site = this.#svc.site;
    const quizIri = (m: string): string =>
      `${site}/xapi/activities/quiz/${encodeURIComponent(quizIds.get(m) ?? `${m}-check`)}`;
    const modules = track.rule.requiredModules;
    const iris = [...modules.map((m) => this.#svc.moduleIri(m)), ...modules.map(quizIri)];
    const rows = await db.query<{
      actor_ifi: string;
      verb_id: string;
      object_id: string;
      scaled: number | null;
      stored: Date | string;
    }>(
      `SELECT actor_ifi, verb_id, object_id,
         (statement->'result'->'score'->>'scaled')::float8 AS scaled, stored
       FROM statements WHERE actor_ifi = ANY($1::text[]) AND object_id = ANY($2::text[])
         AND verb_id = ANY($3::text[]) AND NOT voided ORDER BY seq`,
      [ifis, iris, [VERBS.completed, VERBS.passed, VERBS.failed]],
    );
    for (const ifi of ifis) {
      result.set(
        ifi,
        modules.map((m) => {
          let completedAt: string | null = null;
          let score: number | null = null;
          for (const r of rows) {
            if (r.actor_ifi !== ifi) continue;
            if (r.object_id === this.#svc.moduleIri(m) && r.verb_id === VERBS.completed) {
              completedAt ??= new Date(r.stored).toISOString();
            }
            if (r.object_id === quizIri(m) && r.verb_id !== VERBS.completed && r.scaled !== null) {
              score = r.scaled;
            }
          }
          return { module: m, completedAt, score };
        }),
      );
    }
    return result;
  }
}
