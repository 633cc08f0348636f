import type { FastifyInstance, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { QuestionResponse } from '../../../quiz/scoring.ts';
import { Authenticator, type Principal } from '../../lrs/auth/authenticate.ts';
import { LrsError } from '../../http/errors.ts';
import { normaliseCode, newCohortCode } from './codes.ts';
import { toCsv } from './csv.ts';
import { publicAssessment } from './public-questions.ts';
import { GROUP_BY, Reports, type GroupBy, type ReportFilters } from './reports.ts';
import { loadCatalog, loadQuizIds, PROJECT_ROOT } from './rules.ts';
import { CertificationService } from './service.ts';
import { ApiError, requireStaff } from '../staff/guard.ts';
import type { Store } from '../../lrs/store/types.ts';
import { agentIfi } from '../../lrs/xapi/statement-index.ts';
import { staffRoutes } from '../staff/routes.ts';

/** Options of the certification, staff and report routes. */
export interface CertificationRouteOptions {
  store: Store;
  /** The site's public origin: learner accounts and activity ids live under it. */
  siteUrl: string;
  /** homePage of the authority recorded on the service's statements. */
  authorityHomePage: string;
  /** Where content/ and assessments/ are (default: the repository). */
  root?: string;
  /** Graded attempts a learner may make per track in 24 hours. */
  attemptsPerDay?: number;
}

const LANGS = ['en', 'fr'] as const;
const FILTER_KEYS = [
  'mission',
  'country',
  'unit',
  'role',
  'track',
  'cohort',
  'from',
  'to',
  'q',
] as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads query parameters: only `allowed` ones, each once, at most 120 characters. */
function queryParams(request: FastifyRequest, allowed: readonly string[]): Record<string, string> {
  const query = isRecord(request.query) ? request.query : {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (!allowed.includes(key)) throw new ApiError(400, `unknown parameter ${key}`);
    if (typeof value !== 'string') throw new ApiError(400, `${key}: give it once`);
    if (value.length > 120) throw new ApiError(400, `${key}: at most 120 characters`);
    if (value.trim() !== '') out[key] = value.trim();
  }
  return out;
}

function dateParam(
  value: string | undefined,
  field: string,
  endOfDay: boolean,
): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value)) {
    throw new ApiError(400, `${field}: a date as YYYY-MM-DD`);
  }
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) throw new ApiError(400, `${field}: not a real date`);
  if (endOfDay && value.length === 10) date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString();
}

function langParam(value: string | undefined): (typeof LANGS)[number] {
  if (value === undefined) return 'en';
  if (!(LANGS as readonly string[]).includes(value)) throw new ApiError(400, 'lang: en or fr');
  return value as (typeof LANGS)[number];
}

/**
 * Registers the certification API: graded assessments without keys and their scoring, learner
 * status and certificate issuance, public certificate verification and QR codes, the staff
 * sign-in, the DPO reports and CSV export, and trainers' cohorts. Routes are listed in
 * docs/CERTIFICATION.md.
 */
export async function certificationRoutes(
  app: FastifyInstance,
  options: CertificationRouteOptions,
): Promise<void> {
  const { store } = options;
  const db = store.database;
  const root = options.root ?? PROJECT_ROOT;
  const catalog = await loadCatalog(root);
  const quizIds = await loadQuizIds(root);
  const svc = new CertificationService(store, catalog, options.siteUrl, options.authorityHomePage);
  const reports = new Reports(svc);
  const auth = new Authenticator(store, options.authorityHomePage);
  const attemptsPerDay = options.attemptsPerDay ?? 5;

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError || error instanceof LrsError) {
      const status = error.status;
      const names: Record<number, string> = {
        400: 'Bad Request',
        401: 'Unauthorized',
        403: 'Forbidden',
        404: 'Not Found',
        429: 'Too Many Requests',
      };
      return reply.code(status).send({ error: names[status] ?? 'Error', message: error.message });
    }
    const err = error as { statusCode?: number; message?: string };
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return reply
        .code(err.statusCode)
        .send({ error: 'Bad Request', message: err.message ?? 'bad request' });
    }
    request.log.error(error);
    return reply.code(500).send({ error: 'Internal Server Error', message: 'internal error' });
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    // Learner records and staff data must not linger in shared caches or on shared devices.
    if (!reply.hasHeader('cache-control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  const learnerOf = async (
    request: FastifyRequest,
  ): Promise<Principal & { agent: NonNullable<Principal['agent']> }> => {
    const principal = await auth.authenticate(request.headers.authorization, request.ip);
    if (principal.agent === null) throw new ApiError(403, 'this needs a learner credential');
    return principal as Principal & { agent: NonNullable<Principal['agent']> };
  };
  const trackOf = (id: string) => {
    const track = svc.track(id);
    if (track === undefined) throw new ApiError(404, 'no such certification track');
    return track;
  };

  app.get('/api/certification/tracks', () =>
    [...catalog.values()].map((t) => ({
      id: t.rule.track,
      titles: t.titles,
      requiredModules: t.rule.requiredModules,
      masteryScore: t.rule.masteryScore,
      validityMonths: t.rule.validityMonths,
      languages: Object.keys(t.assessments),
    })),
  );

  app.get<{ Params: { track: string } }>('/api/assessments/:track', async (request) => {
    const params = queryParams(request, ['lang']);
    await learnerOf(request);
    const track = trackOf(request.params.track);
    const lang = langParam(params.lang);
    const assessment = track.assessments[lang] ?? track.assessments.en;
    if (assessment === undefined) throw new ApiError(404, 'no assessment');
    return { ...publicAssessment(assessment), masteryScore: track.rule.masteryScore };
  });

  app.post<{ Params: { track: string } }>(
    '/api/assessments/:track/attempts',
    async (request, reply) => {
      const learner = await learnerOf(request);
      const track = trackOf(request.params.track);
      const body = request.body;
      if (!isRecord(body) || !isRecord(body.responses)) {
        throw new ApiError(400, 'body: { "lang": "en", "responses": { "<question id>": ... } }');
      }
      const unknownKey = Object.keys(body).find((k) => k !== 'lang' && k !== 'responses');
      if (unknownKey !== undefined) throw new ApiError(400, `${unknownKey}: unknown field`);
      const lang = langParam(typeof body.lang === 'string' ? body.lang : undefined);
      const assessment = track.assessments[lang] ?? track.assessments.en;
      const ids = new Set(assessment?.questions.map((q) => q.id));
      const unknownId = Object.keys(body.responses).find((id) => !ids.has(id));
      if (unknownId !== undefined)
        throw new ApiError(400, `responses.${unknownId.slice(0, 60)}: no such question`);
      const ifi = agentIfi(learner.agent) ?? '';
      const recent = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM statements WHERE actor_ifi = $1 AND object_id = $2
       AND credential_key = 'service:certification' AND stored > now() - interval '1 day'`,
        [ifi, svc.assessmentIri(track.rule.assessment)],
      );
      if ((recent[0]?.n ?? 0) >= attemptsPerDay) {
        throw new ApiError(
          429,
          `at most ${attemptsPerDay} graded attempts a day; try again tomorrow`,
        );
      }
      const outcome = await svc.submit(
        learner.agent,
        track,
        lang,
        body.responses as Record<string, QuestionResponse | undefined>,
      );
      // Only the score: per-question results would hand out the answer key one attempt at a time.
      return reply.code(201).send({
        score: { scaled: outcome.score.scaled, raw: outcome.score.raw, max: outcome.score.max },
        passed: outcome.score.success,
        masteryScore: track.rule.masteryScore,
        status: outcome.status,
      });
    },
  );

  app.get<{ Params: { track: string } }>('/api/certification/:track/status', async (request) => {
    queryParams(request, []);
    const learner = await learnerOf(request);
    return svc.status(learner.agent, trackOf(request.params.track), true);
  });

  const certificateOf = async (raw: string) => {
    const code = normaliseCode(raw);
    if (code === null) throw new ApiError(400, 'a verification code has 16 letters and digits');
    const certificate = await svc.findCertificate(code);
    if (certificate === null) throw new ApiError(404, 'no certificate has this code');
    return certificate;
  };

  app.get<{ Params: { code: string } }>('/api/certificates/:code', async (request) => {
    queryParams(request, []);
    const c = await certificateOf(request.params.code);
    const track = svc.track(c.trackId);
    return {
      status: new Date(c.expiresAt).getTime() > Date.now() ? 'valid' : 'expired',
      code: c.code,
      name: c.learnerName,
      track: c.trackId,
      trackTitles: track?.titles ?? {},
      issuedAt: c.issuedAt,
      expiresAt: c.expiresAt,
    };
  });

  app.get<{ Params: { code: string } }>(
    '/api/certificates/:code/qr.svg',
    async (request, reply) => {
      const lang = langParam(queryParams(request, ['lang']).lang);
      const c = await certificateOf(request.params.code);
      const url = `${svc.site}/${lang}/verify/?code=${encodeURIComponent(c.code)}`;
      const svg = await QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
      return reply.type('image/svg+xml').header('Cache-Control', 'public, max-age=86400').send(svg);
    },
  );

  const filtersOf = (params: Record<string, string>): ReportFilters => {
    const filters: ReportFilters = {};
    for (const key of FILTER_KEYS) {
      const value = params[key];
      if (value === undefined) continue;
      if (key === 'from' || key === 'to') continue;
      filters[key] = value;
    }
    if (filters.track !== undefined) trackOf(filters.track);
    const from = dateParam(params.from, 'from', false);
    const to = dateParam(params.to, 'to', true);
    if (from !== undefined) filters.from = from;
    if (to !== undefined) filters.to = to;
    return filters;
  };
  const dpo = (request: FastifyRequest) => requireStaff(request, db, auth, ['dpo']);

  app.get('/api/reports/completion', async (request) => {
    const params = queryParams(request, [...FILTER_KEYS, 'groupBy']);
    await dpo(request);
    const groupBy = (params.groupBy ?? 'mission') as GroupBy;
    if (!GROUP_BY.includes(groupBy))
      throw new ApiError(400, `groupBy: one of ${GROUP_BY.join(', ')}`);
    const groups = await reports.completion(db, filtersOf(params), groupBy);
    const totals = { enrolled: 0, started: 0, completed: 0, certified: 0 };
    for (const g of groups) {
      totals.enrolled += g.enrolled;
      totals.started += g.started;
      totals.completed += g.completed;
      totals.certified += g.certified;
    }
    return { groupBy, totals, groups };
  });

  app.get('/api/reports/certified-over-time', async (request) => {
    const params = queryParams(request, [...FILTER_KEYS]);
    await dpo(request);
    return { months: await reports.certifiedOverTime(db, filtersOf(params)) };
  });

  const pageOf = (params: Record<string, string>) => {
    const limit = Number(params.limit ?? 50);
    const offset = Number(params.offset ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      throw new ApiError(400, 'limit: 1 to 500');
    if (!Number.isInteger(offset) || offset < 0 || offset > 1_000_000)
      throw new ApiError(400, 'offset: 0 or more');
    return { limit, offset };
  };

  app.get('/api/reports/learners', async (request) => {
    const params = queryParams(request, [...FILTER_KEYS, 'limit', 'offset']);
    await dpo(request);
    const { limit, offset } = pageOf(params);
    return reports.learners(db, filtersOf(params), limit, offset);
  });

  app.get('/api/reports/learners.csv', async (request, reply) => {
    const params = queryParams(request, [...FILTER_KEYS]);
    await dpo(request);
    const { learners } = await reports.learners(db, filtersOf(params), 100_000, 0);
    const csv = toCsv(
      [
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
      ],
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
      if (!/^l-[A-Za-z0-9_-]{1,40}$/.test(request.params.learnerId))
        throw new ApiError(404, 'no such learner');
      const detail = await reports.learner(db, request.params.learnerId, quizIds);
      if (detail === null) throw new ApiError(404, 'no such learner');
      return detail;
    },
  );

  app.post('/api/cohorts', async (request, reply) => {
    const session = await requireStaff(request, db, auth, ['trainer']);
    const body = request.body;
    if (!isRecord(body) || typeof body.name !== 'string' || typeof body.track !== 'string') {
      throw new ApiError(400, 'body: { "name": "...", "track": "<track id>" }');
    }
    const name = body.name.trim();
    if (name === '' || name.length > 80 || /\p{Cc}/u.test(name))
      throw new ApiError(400, 'name: 1 to 80 characters');
    trackOf(body.track);
    const code = newCohortCode();
    await db.query(
      'INSERT INTO cohorts (code, name, track_id, created_by, created_at) VALUES ($1, $2, $3, $4, now())',
      [code, name, body.track, session.user.id],
    );
    return reply.code(201).send({ code, name, track: body.track });
  });

  app.get('/api/cohorts', async (request) => {
    queryParams(request, []);
    const session = await requireStaff(request, db, auth, ['trainer']);
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
    const session = await requireStaff(request, db, auth, ['trainer', 'dpo']);
    const code = request.params.code.toUpperCase();
    if (!/^[A-Z0-9][A-Z0-9-]{0,39}$/.test(code)) throw new ApiError(404, 'no such cohort');
    const rows = await db.query<{ name: string; track_id: string; created_by: string }>(
      'SELECT name, track_id, created_by FROM cohorts WHERE code = $1',
      [code],
    );
    const cohort = rows[0];
    if (
      cohort === undefined ||
      (session.user.role === 'trainer' && cohort.created_by !== session.user.id)
    ) {
      throw new ApiError(404, 'no such cohort');
    }
    const { learners } = await reports.learners(db, { cohort: code }, 500, 0);
    const ifis = learners.map((l) => `agent|account|${svc.site}|${l.learnerId}`);
    const progress = await reports.moduleProgress(db, ifis, cohort.track_id, quizIds);
    return {
      code,
      name: cohort.name,
      track: cohort.track_id,
      modules: svc.track(cohort.track_id)?.rule.requiredModules ?? [],
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

  await app.register(staffRoutes, { db, auth });
}
