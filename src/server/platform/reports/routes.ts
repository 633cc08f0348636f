import type { FastifyInstance } from 'fastify';
import { badRequest, notFound } from '../../http/errors.ts';
import { dateParam, queryParams } from '../../http/params.ts';
import type { RequireStaff } from '../staff/guard.ts';
import { toCsv } from './csv.ts';
import {
  CERTIFICATION_STATUSES,
  GROUP_BY,
  type GroupBy,
  type ReportFilters,
  type Reports,
} from './reports.ts';

/** Options of the DPO report routes. */
export interface ReportRouteOptions {
  reports: Reports;
  requireStaff: RequireStaff;
}

/** The filters every report takes. */
export const FILTER_KEYS = [
  'mission',
  'country',
  'unit',
  'role',
  'track',
  'cohort',
  'from',
  'to',
  'q',
  'status',
] as const;

/** Report filters from query parameters; an unknown track is a 404, a bad date a 400. */
export function filtersOf(params: Record<string, string>, reports: Reports): ReportFilters {
  const filters: ReportFilters = {};
  for (const key of FILTER_KEYS) {
    const value = params[key];
    if (value === undefined || key === 'from' || key === 'to' || key === 'status') continue;
    filters[key] = value;
  }
  if (params.status !== undefined) {
    const status = CERTIFICATION_STATUSES.find((s) => s === params.status);
    if (status === undefined) {
      throw badRequest(`status: one of ${CERTIFICATION_STATUSES.join(', ')}`);
    }
    filters.status = status;
  }
  if (filters.track !== undefined && !reports.hasTrack(filters.track)) {
    throw notFound('no such certification track');
  }
  const from = dateParam(params.from, 'from', false);
  const to = dateParam(params.to, 'to', true);
  if (from !== undefined) filters.from = from;
  if (to !== undefined) filters.to = to;
  return filters;
}

const CSV_COLUMNS = [
  'learner_id',
  'name',
  'service_number',
  'mission',
  'country',
  'unit',
  'role',
  'cohort',
  'track',
  'enrolled_at',
  'started',
  'modules_done',
  'modules_required',
  'completed',
  'certificate_code',
  'certified_at',
  'expires_at',
];

/**
 * Fields of the reports that rest on the learner's own statements (module completions, knowledge
 * check results, any activity at all): reported by their device, never checked by the service.
 * No certificate and no graded attempt depends on them; each report names them so that nobody
 * reads them as the service's own record.
 */
export const REPORTED_BY_DEVICE = {
  completion: ['started', 'completed'],
  learners: ['started', 'modulesDone', 'completed'],
  learner: ['modules[].completedAt', 'modules[].score'],
} as const;

/**
 * The DPO reports, for staff signed in with the dpo role: completion per group
 * (/api/reports/completion), certificates per month, the learners that match (JSON and CSV) and
 * one learner in detail.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
export async function reportRoutes(
  app: FastifyInstance,
  options: ReportRouteOptions,
): Promise<void> {
  const { reports, requireStaff } = options;
  const dpo = (request: Parameters<RequireStaff>[0]) => requireStaff(request, ['dpo']);

  app.get('/api/reports/completion', async (request) => {
    const params = queryParams(request, [...FILTER_KEYS, 'groupBy']);
    await dpo(request);
    const groupBy = (params.groupBy ?? 'mission') as GroupBy;
    if (!GROUP_BY.includes(groupBy)) throw badRequest(`groupBy: one of ${GROUP_BY.join(', ')}`);
    const groups = await reports.completion(filtersOf(params, reports), groupBy);
    const totals = { enrolled: 0, started: 0, completed: 0, certified: 0 };
    for (const g of groups) {
      totals.enrolled += g.enrolled;
      totals.started += g.started;
      totals.completed += g.completed;
      totals.certified += g.certified;
    }
    return { groupBy, totals, groups, reportedByDevice: REPORTED_BY_DEVICE.completion };
  });

  app.get('/api/reports/certified-over-time', async (request) => {
    const params = queryParams(request, [...FILTER_KEYS]);
    await dpo(request);
    return { months: await reports.certifiedOverTime(filtersOf(params, reports)) };
  });

  const pageOf = (params: Record<string, string>) => {
    const limit = Number(params.limit ?? 50);
    const offset = Number(params.offset ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badRequest('limit: 1 to 500');
    if (!Number.isInteger(offset) || offset < 0 || offset > 1_000_000) {
      throw badRequest('offset: 0 or more');
    }
    return { limit, offset };
  };

  app.get('/api/reports/learners', async (request) => {
    const params = queryParams(request, [...FILTER_KEYS, 'limit', 'offset']);
    await dpo(request);
    const { limit, offset } = pageOf(params);
    return {
      ...(await reports.learners(filtersOf(params, reports), limit, offset)),
      reportedByDevice: REPORTED_BY_DEVICE.learners,
    };
  });

  app.get('/api/reports/learners.csv', async (request, reply) => {
    const params = queryParams(request, [...FILTER_KEYS]);
    await dpo(request);
    const { learners } = await reports.learners(filtersOf(params, reports), 100_000, 0);
    const csv = toCsv(
      CSV_COLUMNS,
      learners.map((l) => [
        l.learnerId,
        l.name,
        l.serviceNumber,
        l.mission,
        l.country,
        l.unit,
        l.role,
        l.cohort,
        l.track,
        l.enrolledAt,
        l.started,
        l.modulesDone,
        l.modulesRequired,
        l.completed,
        l.certificateCode,
        l.certifiedAt,
        l.expiresAt,
      ]),
    );
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', 'attachment; filename="completion.csv"')
      .send(csv);
  });

  app.get<{ Params: { learnerId: string } }>(
    '/api/reports/learners/:learnerId',
    async (request) => {
      queryParams(request, []);
      await dpo(request);
      if (!/^l-[A-Za-z0-9_-]{1,40}$/.test(request.params.learnerId)) {
        throw notFound('no such learner');
      }
      const detail = await reports.learner(request.params.learnerId);
      if (detail === null) throw notFound('no such learner');
      return { ...detail, reportedByDevice: REPORTED_BY_DEVICE.learner };
    },
  );
}
