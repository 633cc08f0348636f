import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, notFound } from '../../http/errors.ts';
import { isRecord, langParam, queryParams } from '../../http/params.ts';
import { toCsv } from '../reports/csv.ts';
import { newCohortCode } from '../certification/codes.ts';
import type { Reports } from '../reports/reports.ts';
import type { RequireStaff } from '../staff/guard.ts';
import type { Cohorts } from '../store/cohorts.ts';

/** Options of the cohort routes. */
export interface CohortRouteOptions {
  cohorts: Cohorts;
  reports: Reports;
  requireStaff: RequireStaff;
}

/**
 * Trainers' cohorts: POST /api/cohorts { name, track } opens one and answers its code (learners
 * give it when they enrol); GET /api/cohorts lists the trainer's own with their learner counts;
 * GET /api/cohorts/:code shows the cohort at a glance (each learner's modules, knowledge checks,
 * graded attempts and outcomes not yet met; the weakest outcomes), as CSV at
 * /api/cohorts/:code/learners.csv, to the trainer who owns it and to the DPO.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
export async function cohortRoutes(
  app: FastifyInstance,
  options: CohortRouteOptions,
): Promise<void> {
  const { cohorts, reports, requireStaff } = options;

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
    const cohort = await cohorts.create({
      code: newCohortCode(),
      name,
      trackId: body.track,
      createdBy: session.user.id,
    });
    return reply.code(201).send({ code: cohort.code, name, track: cohort.trackId });
  });

  app.get('/api/cohorts', async (request) => {
    queryParams(request, []);
    const session = await requireStaff(request, ['trainer']);
    return (await cohorts.ofTrainer(session.user.id)).map((c) => ({
      code: c.code,
      name: c.name,
      track: c.trackId,
      createdAt: c.createdAt,
      learners: c.learners,
    }));
  });

  // The cohort of a request: the trainer who made it and the DPO see it; others get 404.
  const cohortOf = async (request: FastifyRequest<{ Params: { code: string } }>) => {
    const session = await requireStaff(request, ['trainer', 'dpo']);
    const code = request.params.code.toUpperCase();
    if (!/^[A-Z0-9][A-Z0-9-]{0,39}$/.test(code)) throw notFound('no such cohort');
    const cohort = await cohorts.byCode(code);
    if (
      cohort === null ||
      (session.user.role === 'trainer' && cohort.createdBy !== session.user.id)
    ) {
      throw notFound('no such cohort');
    }
    return cohort;
  };

  app.get<{ Params: { code: string } }>('/api/cohorts/:code', async (request) => {
    const params = queryParams(request, ['lang']);
    const lang = langParam(params.lang);
    const cohort = await cohortOf(request);
    const glance = await reports.cohortGlance(cohort.code, cohort.trackId, lang);
    return {
      code: cohort.code,
      name: cohort.name,
      track: cohort.trackId,
      modules: reports.requiredModules(cohort.trackId),
      learners: glance.learners,
      weakest: glance.weakest,
    };
  });

  app.get<{ Params: { code: string } }>(
    '/api/cohorts/:code/learners.csv',
    async (request, reply) => {
      const params = queryParams(request, ['lang']);
      const lang = langParam(params.lang);
      const cohort = await cohortOf(request);
      const modules = reports.requiredModules(cohort.trackId);
      const { learners } = await reports.cohortGlance(cohort.code, cohort.trackId, lang);
      const csv = toCsv(
        [
          'learner_id',
          'name',
          'started',
          'modules_done',
          'modules_required',
          'checks_done',
          ...modules.flatMap((m) => [`${m}_completed_at`, `${m}_check_score`]),
          'attempts',
          'passed',
          'best_score',
          'outcomes_not_met',
          'certificate_code',
        ],
        learners.map((l) => [
          l.learnerId,
          l.name,
          l.started,
          l.modulesDone,
          modules.length,
          l.checksDone,
          ...modules.flatMap((m) => {
            const p = l.modules.find((x) => x.module === m);
            return [p?.completedAt ?? null, p?.score ?? null];
          }),
          l.attempts,
          l.passed,
          l.bestScore,
          l.outcomesNotMet === null
            ? null
            : l.outcomesNotMet.map((o) => `${o.module}#${o.outcome}`).join(' '),
          l.certificateCode,
        ]),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="cohort-${cohort.code}.csv"`)
        .send(csv);
    },
  );
}
