import type { FastifyInstance, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { QuestionResponse } from '../../../quiz/scoring.ts';
import { badRequest, forbidden, notFound, tooManyRequests } from '../../http/errors.ts';
import { isRecord, langParam, queryParams } from '../../http/params.ts';
import type { Authenticator, Principal } from '../../lrs/auth/authenticate.ts';
import { normaliseCode } from './codes.ts';
import { publicAssessment } from './public-questions.ts';
import type { CertificationTrack } from './rules.ts';
import type { CertificationService } from './service.ts';

/** Options of the certification routes. */
export interface CertificationRouteOptions {
  svc: CertificationService;
  /** The service's one authenticator: learners call these routes with their own credential. */
  auth: Authenticator;
  /** Graded attempts a learner may make per track in 24 hours (the attempt policy). */
  attemptsPerDay: number;
}

/** A principal that acts for a learner. */
export type LearnerPrincipal = Principal & { agent: NonNullable<Principal['agent']> };

/**
 * The certification API: the tracks, graded assessments without their keys and their scoring on
 * the server, a learner's status and certificate, and the public verification of a certificate
 * (JSON and QR code). Routes are listed in docs/CERTIFICATION.md.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
export async function certificationRoutes(
  app: FastifyInstance,
  options: CertificationRouteOptions,
): Promise<void> {
  const { svc, auth, attemptsPerDay } = options;

  const learnerOf = async (request: FastifyRequest): Promise<LearnerPrincipal> => {
    const principal = await auth.authenticate(request);
    if (principal.agent === null) throw forbidden('this needs a learner credential');
    return principal as LearnerPrincipal;
  };
  const trackOf = (id: string): CertificationTrack => {
    const track = svc.track(id);
    if (track === undefined) throw notFound('no such certification track');
    return track;
  };

  app.get('/api/certification/tracks', () =>
    [...svc.catalog.values()].map((t) => ({
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
    if (assessment === undefined) throw notFound('no assessment');
    return { ...publicAssessment(assessment), masteryScore: track.rule.masteryScore };
  });

  app.post<{ Params: { track: string } }>(
    '/api/assessments/:track/attempts',
    async (request, reply) => {
      const learner = await learnerOf(request);
      const track = trackOf(request.params.track);
      const body = request.body;
      if (!isRecord(body) || !isRecord(body.responses)) {
        throw badRequest('body: { "lang": "en", "responses": { "<question id>": ... } }');
      }
      const unknownKey = Object.keys(body).find((k) => k !== 'lang' && k !== 'responses');
      if (unknownKey !== undefined) throw badRequest(`${unknownKey}: unknown field`);
      const lang = langParam(typeof body.lang === 'string' ? body.lang : undefined);
      const assessment = track.assessments[lang] ?? track.assessments.en;
      const ids = new Set(assessment?.questions.map((q) => q.id));
      const unknownId = Object.keys(body.responses).find((id) => !ids.has(id));
      if (unknownId !== undefined) {
        throw badRequest(`responses.${unknownId.slice(0, 60)}: no such question`);
      }
      // The attempt policy, a rule of certification rather than a throttle: it counts the
      // graded attempts recorded, so it holds across restarts and service processes.
      if ((await svc.attemptsLastDay(learner.agent, track)) >= attemptsPerDay) {
        throw tooManyRequests(
          `at most ${attemptsPerDay} graded attempts a day; try again tomorrow`,
          24 * 60 * 60,
          'attempts_per_day',
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
    if (code === null) throw badRequest('a verification code has 16 letters and digits');
    const certificate = await svc.findCertificate(code);
    if (certificate === null) throw notFound('no certificate has this code');
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
}
