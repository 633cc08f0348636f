import type { FastifyInstance } from 'fastify';
import { badRequest, notFound } from '../../http/errors.ts';
import { isRecord, queryParams } from '../../http/params.ts';
import type { SqlDatabase } from '../../db/sql-database.ts';
import { newCohortCode } from '../certification/codes.ts';
import type { Reports } from '../reports/reports.ts';
import type { RequireStaff } from '../staff/guard.ts';

/** Options of the cohort routes. */
export interface CohortRouteOptions {
  reports: Reports;
  db: SqlDatabase;
  requireStaff: RequireStaff;
  /** The knowledge check of each module, by module id. */
  quizIds: Map<string, string>;
}

/**
 * Trainers' cohorts: POST /api/cohorts { name, track } opens one and answers its code (learners
 * give it when they enrol); GET /api/cohorts lists the trainer's own with their learner counts;
 * GET /api/cohorts/:code shows each learner's progress through the track's modules (to the
 * trainer who owns it, and to the DPO).
 */
// eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
export async function cohortRoutes(
  app: FastifyInstance,
  options: CohortRouteOptions,
): Promise<void> {
  const { reports, db, requireStaff, quizIds } = options;

  app.post('/api/cohorts', async (request, reply) => {
    const session = await requireStaff(request, ['trainer']);
    const body = request.body;
    if (!isRecord(body) || typeof body.name !== 'string' || typeof body.track !== 'string') {
      throw badRequest('body: { "name": "...", "track": "<track id>" }');
    }
    const name = body.name.trim();
    if (name === '' || name.length > 80 || /\p{Cc}/u.test(name)) {
      throw badRequest('name: 1 to 80 characters');
    }
    if (!reports.hasTrack(body.track)) throw notFound('no such certification track');
    const code = newCohortCode();
    await db.query(
      'INSERT INTO cohorts (code, name, track_id, created_by, created_at) VALUES ($1, $2, $3, $4, now())',
      [code, name, body.track, session.user.id],
    );
    return reply.code(201).send({ code, name, track: body.track });
  });

  app.get('/api/cohorts', async (request) => {
    queryParams(request, []);
    const session = await requireStaff(request, ['trainer']);
    const rows = await db.query<{
      code: string;
      name: string;
      track_id: string;
      created_at: Date | string;
      learners: number;
    }>(
      `SELECT c.code, c.name, c.track_id, c.created_at,
         (SELECT count(*)::int FROM state_documents d WHERE d.state_id = 'enrolment'
            AND d.enrol_cohort = c.code) AS learners
       FROM cohorts c WHERE c.created_by = $1 ORDER BY c.created_at DESC`,
      [session.user.id],
    );
    return rows.map((r) => ({
      code: r.code,
      name: r.name,
      track: r.track_id,
      createdAt: new Date(r.created_at).toISOString(),
      learners: r.learners,
    }));
  });

  app.get<{ Params: { code: string } }>('/api/cohorts/:code', async (request) => {
    queryParams(request, []);
    const session = await requireStaff(request, ['trainer', 'dpo']);
    const code = request.params.code.toUpperCase();
    if (!/^[A-Z0-9][A-Z0-9-]{0,39}$/.test(code)) throw notFound('no such cohort');
    const rows = await db.query<{ name: string; track_id: string; created_by: string }>(
      'SELECT name, track_id, created_by FROM cohorts WHERE code = $1',
      [code],
    );
    const cohort = rows[0];
    if (
      cohort === undefined ||
      (session.user.role === 'trainer' && cohort.created_by !== session.user.id)
    ) {
      throw notFound('no such cohort');
    }
    const { learners } = await reports.learners(db, { cohort: code }, 500, 0);
    const ifis = learners.map((l) => reports.learnerIfi(l.learnerId));
    const progress = await reports.moduleProgress(db, ifis, cohort.track_id, quizIds);
    return {
      code,
      name: cohort.name,
      track: cohort.track_id,
      modules: reports.requiredModules(cohort.track_id),
      learners: learners.map((l, i) => ({
        learnerId: l.learnerId,
        name: l.name,
        started: l.started,
        certified: l.certificateCode !== null,
        certificateCode: l.certificateCode,
        modules: progress.get(ifis[i] ?? '') ?? [],
      })),
    };
  });
}
