import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, conflict, notFound } from '../../http/errors.ts';
import { isPlainText, isRecord, langParam, queryParams } from '../../http/params.ts';
import { toCsv } from '../reports/csv.ts';
import { newCohortCode } from '../certification/codes.ts';
import type { Reports } from '../reports/reports.ts';
import type { RequireStaff } from '../staff/guard.ts';
import type { CohortSummary } from '../../../api/cohorts.ts';
import { DEFAULT_SEATS, MAX_SEATS, type Cohort, type Cohorts } from '../store/cohorts.ts';

/** Options of the cohort routes. */
export interface CohortRouteOptions {
  cohorts: Cohorts;
  reports: Reports;
  requireStaff: RequireStaff;
}

const seatsOf = (value: unknown): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_SEATS) {
    throw badRequest(`seats: a whole number from 1 to ${MAX_SEATS}`, 'invalid_field');
  }
  return value;
};

const summary = (c: Cohort, learners: number): CohortSummary => ({
  code: c.code,
  name: c.name,
  track: c.trackId,
  createdAt: c.createdAt,
  seats: c.seats,
  learners,
  closed: c.closedAt !== null,
  closedAt: c.closedAt,
});

/**
 * Trainers' cohorts: POST /api/cohorts { name, track, seats? } opens one and answers its code
 * (learners give it when they enrol or join; it admits at most `seats` learners, default 40, at
 * most 200); GET /api/cohorts lists the trainer's own with their seats and learner counts;
 * PATCH /api/cohorts/:code { seats?, closed? } changes the seats or closes the cohort to new
 * members (its trainer only); GET /api/cohorts/:code shows the cohort at a glance (who took the
 * seats; each learner's modules, knowledge checks, graded attempts and outcomes not yet met; the
 * weakest outcomes), as CSV at /api/cohorts/:code/learners.csv, to the trainer who owns it and to
 * the DPO.
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
      throw badRequest('body: { "name": "...", "track": "<track id>", "seats": 40 }');
    }
    const seats = body.seats === undefined ? DEFAULT_SEATS : seatsOf(body.seats);
    const name = body.name.trim();
    if (name === '' || name.length > 80 || !isPlainText(name)) {
      throw badRequest('name: 1 to 80 characters, no control characters or broken Unicode');
    }
    if (!reports.hasTrack(body.track)) throw notFound('no such certification track');
    const cohort = await cohorts.create({
      code: newCohortCode(),
      name,
      trackId: body.track,
      createdBy: session.user.id,
      seats,
    });
    return reply.code(201).send(summary(cohort, 0));
  });

  app.get('/api/cohorts', async (request) => {
    queryParams(request, []);
    const session = await requireStaff(request, ['trainer']);
    return (await cohorts.ofTrainer(session.user.id)).map((c) => summary(c, c.learners));
  });

  app.patch<{ Params: { code: string } }>('/api/cohorts/:code', async (request) => {
    queryParams(request, []);
    const session = await requireStaff(request, ['trainer']);
    const code = request.params.code.toUpperCase();
    const cohort = /^[A-Z0-9][A-Z0-9-]{0,39}$/.test(code) ? await cohorts.byCode(code) : null;
    if (cohort?.createdBy !== session.user.id) throw notFound('no such cohort of yours');
    const body = request.body;
    const keys = isRecord(body) ? Object.keys(body) : [];
    if (
      !isRecord(body) ||
      keys.length === 0 ||
      keys.some((k) => k !== 'seats' && k !== 'closed') ||
      (body.closed !== undefined && typeof body.closed !== 'boolean')
    ) {
      throw badRequest('body: { "seats": 1 to 200, "closed": true | false }, either or both');
    }
    const seats = body.seats === undefined ? undefined : seatsOf(body.seats);
    const updated = await cohorts.update(code, {
      ...(seats === undefined ? {} : { seats }),
      ...(typeof body.closed === 'boolean' ? { closed: body.closed } : {}),
    });
    if (updated === null) {
      throw conflict('seats: fewer than the learners who took a seat already', 'seats_taken');
    }
    return summary(updated, (await cohorts.seatsTaken(code)).length);
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
    const taken = await cohorts.seatsTaken(cohort.code);
    return {
      ...summary(cohort, taken.length),
      seatsTaken: taken,
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
