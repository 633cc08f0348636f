import type { FastifyInstance, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { AttemptResult, StartedAttempt } from '../../../api/assessment.ts';
import { badRequest, forbidden, notFound } from '../../http/errors.ts';
import { isRecord, langParam, queryParams } from '../../http/params.ts';
import type { Authenticator, Principal } from '../../lrs/auth/authenticate.ts';
import { agentIfi } from '../../lrs/xapi/statement-index.ts';
import { normaliseCode } from './codes.ts';
import type { CertificationTrack } from './rules.ts';
import type { CertificationService } from './service.ts';

/** Options of the certification routes. */
export interface CertificationRouteOptions {
  svc: CertificationService;
  /** The service's one authenticator: learners call these routes with their own credential. */
  auth: Authenticator;
}

/** A principal that acts for a learner. */
export type LearnerPrincipal = Principal & { agent: NonNullable<Principal['agent']> };

/**
 * The certification API: the tracks; attempts at a track's graded assessment, drawn and graded
 * on the server (a learner starts one, gets its form with random ids, and submits every answer
 * once); a learner's status and certificate; and the public verification of a certificate (JSON
 * and QR code). Routes are listed in docs/api.md.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
export async function certificationRoutes(
  app: FastifyInstance,
  options: CertificationRouteOptions,
): Promise<void> {
  const { svc, auth } = options;

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
      attemptsPerDay: t.rule.attemptsPerDay,
      coolDownMinutes: t.rule.coolDownMinutes,
      attemptMinutes: t.rule.attemptMinutes,
      languages: t.languages,
    })),
  );

  const bodyOf = (request: FastifyRequest, fields: string[], usage: string) => {
    const body = request.body ?? {};
    if (!isRecord(body)) throw badRequest(`body: ${usage}`);
    const unknownKey = Object.keys(body).find((k) => !fields.includes(k));
    if (unknownKey !== undefined) throw badRequest(`${unknownKey.slice(0, 40)}: unknown field`);
    return body;
  };

  app.post<{ Params: { track: string } }>(
    '/api/assessments/:track/attempts',
    async (request, reply) => {
      queryParams(request, []);
      const learner = await learnerOf(request);
      const track = trackOf(request.params.track);
      const body = bodyOf(request, ['lang'], '{ "lang": "en" }');
      const lang = langParam(typeof body.lang === 'string' ? body.lang : undefined);
      const { attempt, resumed } = await svc.startAttempt(learner.agent, track, lang);
      const started: StartedAttempt = {
        attempt: attempt.id,
        track: track.rule.track,
        lang: attempt.language,
        startedAt: attempt.startedAt,
        expiresAt: attempt.expiresAt,
        masteryScore: track.rule.masteryScore,
        questions: attempt.questions ?? [],
      };
      return reply.code(resumed ? 200 : 201).send(started);
    },
  );

  app.post<{ Params: { track: string; attempt: string } }>(
    '/api/assessments/:track/attempts/:attempt',
    async (request) => {
      queryParams(request, []);
      const learner = await learnerOf(request);
      const track = trackOf(request.params.track);
      const body = bodyOf(
        request,
        ['responses'],
        '{ "responses": { "<item id>": <answer>, ... } }, an answer for every item',
      );
      const { attempt, grade } = await svc.submitAttempt(
        learner.agent,
        track,
        request.params.attempt,
        body.responses,
      );
      const lang = attempt.language;
      const started = await svc.platform.attempts.startedLastDay(
        attempt.learnerIfi,
        track.rule.track,
      );
      const rule = track.rule;
      const dayEnds =
        started.length >= rule.attemptsPerDay && started[0] !== undefined
          ? new Date(started[0]).getTime() + 24 * 60 * 60 * 1000
          : 0;
      const coolDownEnds = grade.passed ? 0 : Date.now() + rule.coolDownMinutes * 60_000;
      const next = grade.passed ? 0 : Math.max(dayEnds, coolDownEnds);
      const result: AttemptResult = {
        attempt: attempt.id,
        passed: grade.passed,
        scaled: grade.scaled,
        masteryScore: rule.masteryScore,
        outcomes: grade.outcomes.map((o) => {
          const module = track.modules.find((m) => m.module === o.module);
          const outcomes = module?.outcomes[lang] ?? module?.outcomes.en ?? [];
          return {
            module: o.module,
            moduleTitle: module?.titles[lang] ?? module?.titles.en ?? o.module,
            outcome: o.outcome,
            text: outcomes.find((x) => x.id === o.outcome)?.text ?? o.outcome,
            met: o.met,
            review: `/${lang}/modules/${o.module}/#outcome-${o.outcome}`,
          };
        }),
        attemptsLeft: Math.max(0, rule.attemptsPerDay - started.length),
        nextAttemptAt: next > Date.now() ? new Date(next).toISOString() : null,
      };
      return result;
    },
  );

  app.get<{ Params: { track: string } }>('/api/certification/:track/status', async (request) => {
    queryParams(request, []);
    const learner = await learnerOf(request);
    const track = trackOf(request.params.track);
    const status = await svc.status(learner.agent, track, true);
    // Whether a trainer's cohort admitted the learner: graded attempts need it.
    const enrolled = await svc.platform.learners.byAgent(agentIfi(learner.agent) ?? '');
    return {
      ...status,
      cohort: enrolled?.cohort ?? null,
      enrolledTrack: enrolled?.trackId ?? null,
      assessment: await svc.assessmentState(learner.agent, track),
      modules: await svc.moduleProgress(learner.agent, track),
    };
  });

  const certificateOf = async (raw: string) => {
    const code = normaliseCode(raw);
    if (code === null) throw badRequest('a verification code has 16 letters and digits');
    const certificate = await svc.findCertificate(code);
    if (certificate === null) throw notFound('no certificate has this code');
    return certificate;
  };

  // The verification page's address, from the site's public origin (SITE_URL): what a printed
  // certificate and its QR code send a reader to.
  const verifyUrl = (lang: string, code: string) =>
    `${svc.site}/${lang}/verify/?code=${encodeURIComponent(code)}`;

  app.get<{ Params: { code: string } }>('/api/certificates/:code', async (request) => {
    const lang = langParam(queryParams(request, ['lang']).lang);
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
      verifyUrl: verifyUrl(lang, c.code),
    };
  });

  app.get<{ Params: { code: string } }>(
    '/api/certificates/:code/qr.svg',
    async (request, reply) => {
      const lang = langParam(queryParams(request, ['lang']).lang);
      const c = await certificateOf(request.params.code);
      const svg = await QRCode.toString(verifyUrl(lang, c.code), {
        type: 'svg',
        margin: 1,
        errorCorrectionLevel: 'M',
      });
      return reply.type('image/svg+xml').header('Cache-Control', 'public, max-age=86400').send(svg);
    },
  );
}
