import fastifySSE from '@fastify/sse';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LiveRoomState } from '../../../api/live.ts';
import { badRequest, forbidden, notFound, tooManyRequests } from '../../http/errors.ts';
import { isRecord, queryParams } from '../../http/params.ts';
import type { Authenticator } from '../../lrs/auth/authenticate.ts';
import type { RequireStaff } from '../staff/guard.ts';
import type { Cohort, Cohorts } from '../store/cohorts.ts';
import type { Learners } from '../store/learners.ts';
import { LiveHub } from './hub.ts';
import type { LiveService, Participant } from './service.ts';

/** Options of the live-question routes. */
export interface LiveRouteOptions {
  live: LiveService;
  cohorts: Cohorts;
  /** Whose cohort a signed-in learner is in: they answer as themselves only in its room. */
  learners: Learners;
  auth: Authenticator;
  requireStaff: RequireStaff;
  /** How often a process reads an open room for changes made through other processes (ms). */
  pollMs?: number;
}

/**
 * Per client address and minute: a classroom's phones often share one address. `openStreams` is
 * how many event streams one address may hold open at once (40 phones behind one router, each
 * with a tab or two, and the projector): streams never end by themselves, so without it one
 * address could hold thousands of connections.
 */
export const LIVE_LIMITS = { answers: 600, reads: 1200, streams: 300, openStreams: 120 } as const;

const LANGS = ['en', 'fr'];
const ID = /^[0-9a-f-]{36}$/;
/** A phone's own random token: 22 to 64 URL-safe characters. */
const TOKEN = /^[A-Za-z0-9_-]{22,64}$/;

/** A cohort code as typed on a phone: any case, spaces or a missing hyphen (CABCD-EFGH). */
export function normaliseCode(raw: string): string | null {
  const compact = raw.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z0-9]{1,40}$/.test(compact)) return null;
  return compact.length === 9
    ? `${compact.slice(0, 5)}-${compact.slice(5)}`
    : raw.trim().toUpperCase();
}

const perMinute = (max: number, name: string) => ({
  rateLimit: {
    max,
    timeWindow: 60_000,
    keyGenerator: (request: { ip: string }) => `live-${name}:${request.ip}`,
    errorResponseBuilder: (_request: unknown, context: { ttl: number }) =>
      tooManyRequests('too many requests from this address; wait a moment', context.ttl / 1000),
  },
});

/**
 * Live questions under /api/live. Trainers (their own cohorts): GET /api/live/questions?lang=
 * lists the questions a room can be asked; POST /api/live/rooms/:code/questions { module,
 * question, lang } puts one to the room (201, with where phones join); POST .../questions/:id/
 * reveal and .../close. Anyone with the room code: GET /api/live/rooms/:code (the room's state),
 * GET /api/live/rooms/:code/events (server-sent events: the state at once and at every change),
 * POST /api/live/rooms/:code/answers { question, choice, participant } (201; a participant's
 * later answer replaces their earlier one; 409 for a closed question, or a phone's first answer
 * once phones have given as many as the cohort has seats). The state never holds the key before
 * the trainer reveals.
 */
export async function liveRoutes(app: FastifyInstance, options: LiveRouteOptions): Promise<void> {
  const { live, cohorts, learners, auth, requireStaff } = options;
  const hub = new LiveHub(
    (cohort) => live.state(cohort),
    options.pollMs ?? 1000,
    (error) => {
      app.log.error({ err: error }, 'live questions: reading a room failed');
    },
  );
  // Open event streams never end by themselves: they are ended before the server closes, which
  // otherwise waits for them (a SIGTERM would hang while a phone is in the room).
  const streams = new Set<() => void>();
  const openByAddress = new Map<string, number>();
  app.addHook('preClose', (done) => {
    for (const end of streams) end();
    hub.close();
    done();
  });
  // Server-sent events through the Fastify team's plugin: one-way pushes are all a room needs,
  // they pass through proxies as plain HTTP, and EventSource reconnects by itself on a phone.
  await app.register(fastifySSE, { heartbeatInterval: 15_000 });

  const roomOf = async (request: FastifyRequest<{ Params: { code: string } }>): Promise<Cohort> => {
    const code = normaliseCode(request.params.code);
    const cohort = code === null ? null : await cohorts.byCode(code);
    if (cohort === null) throw notFound('no room has this code; check the code on the screen');
    return cohort;
  };
  const ownRoom = async (request: FastifyRequest<{ Params: { code: string } }>) => {
    const session = await requireStaff(request, ['trainer']);
    const cohort = await roomOf(request);
    if (cohort.createdBy !== session.user.id) throw notFound('no such cohort of yours');
    return { session, cohort };
  };
  const questionId = (raw: string): string => {
    if (!ID.test(raw)) throw notFound('no such live question in this room');
    return raw;
  };

  app.get('/api/live/questions', async (request) => {
    const { lang = 'en' } = queryParams(request, ['lang']);
    await requireStaff(request, ['trainer']);
    if (!LANGS.includes(lang)) throw badRequest('lang: en or fr');
    return live.catalogue(lang);
  });

  app.post<{ Params: { code: string } }>(
    '/api/live/rooms/:code/questions',
    async (request, reply) => {
      const { session, cohort } = await ownRoom(request);
      const body = request.body;
      if (
        !isRecord(body) ||
        typeof body.module !== 'string' ||
        typeof body.question !== 'string' ||
        typeof body.lang !== 'string'
      ) {
        throw badRequest(
          'body: { "module": "<module id>", "question": "<question id>", "lang": "en" }',
        );
      }
      if (!LANGS.includes(body.lang)) throw badRequest('lang: en or fr');
      const started = await live.start(
        cohort.code,
        session.user.id,
        body.lang,
        body.module,
        body.question,
      );
      hub.changed(cohort.code);
      return reply.code(201).send({
        id: started.id,
        join: await live.join(cohort.code, body.lang),
        state: await live.state(cohort.code),
      });
    },
  );

  for (const action of ['reveal', 'close'] as const) {
    app.post<{ Params: { code: string; id: string } }>(
      `/api/live/rooms/:code/questions/:id/${action}`,
      async (request) => {
        const { cohort } = await ownRoom(request);
        const id = questionId(request.params.id);
        await (action === 'reveal' ? live.reveal(cohort.code, id) : live.close(cohort.code, id));
        hub.changed(cohort.code);
        return live.state(cohort.code);
      },
    );
  }

  app.get<{ Params: { code: string } }>(
    '/api/live/rooms/:code',
    { config: perMinute(LIVE_LIMITS.reads, 'reads') },
    async (request) => {
      queryParams(request, []);
      return live.state((await roomOf(request)).code);
    },
  );

  app.get<{ Params: { code: string } }>(
    '/api/live/rooms/:code/events',
    { sse: { kind: 'only' }, config: perMinute(LIVE_LIMITS.streams, 'streams') },
    async (request, reply) => {
      queryParams(request, []);
      const cohort = await roomOf(request);
      const open = openByAddress.get(request.ip) ?? 0;
      if (open >= LIVE_LIMITS.openStreams) {
        throw tooManyRequests(
          `${String(LIVE_LIMITS.openStreams)} live streams are open from this address already; close one first`,
          30,
        );
      }
      reply.header('Cache-Control', 'no-store');
      reply.sse.keepAlive();
      // The stream opens now, so a phone sees the connection before the first state is read.
      reply.sse.sendHeaders();
      const unsubscribe = hub.subscribe(cohort.code, (state: LiveRoomState) => {
        if (reply.sse.isConnected) void reply.sse.send({ event: 'state', data: state });
      });
      const end = () => {
        unsubscribe();
        reply.sse.close();
      };
      streams.add(end);
      openByAddress.set(request.ip, open + 1);
      reply.sse.onClose(() => {
        streams.delete(end);
        unsubscribe();
        const left = (openByAddress.get(request.ip) ?? 1) - 1;
        if (left > 0) openByAddress.set(request.ip, left);
        else openByAddress.delete(request.ip);
      });
    },
  );

  app.post<{ Params: { code: string } }>(
    '/api/live/rooms/:code/answers',
    { config: perMinute(LIVE_LIMITS.answers, 'answers') },
    async (request, reply) => {
      const body = request.body;
      if (!isRecord(body) || typeof body.question !== 'string' || !('choice' in body)) {
        throw badRequest(
          'body: { "question": "<live question id>", "choice": ["A"], "participant": "<token>" }',
        );
      }
      let who: Participant;
      const cohort = await roomOf(request);
      if (auth.hasCredential(request)) {
        // An enrolled learner answers as themselves, with their device's session (or credential),
        // in their own cohort's room only: their answer goes into their record and the cohort's.
        const principal = await auth.authenticate(request);
        if (principal.agent === null || principal.agentIfi === null)
          throw forbidden('only a learner credential answers as a learner');
        const learner = await learners.byAgent(principal.agentIfi);
        if (learner?.cohort !== cohort.code) {
          throw forbidden(
            "this room is another cohort's: a learner answers as themselves in their own " +
              "cohort's room only (answer here without signing in)",
            'other_cohort',
          );
        }
        who = { learner: principal.agent };
      } else {
        if (typeof body.participant !== 'string' || !TOKEN.test(body.participant)) {
          throw badRequest(
            'participant: the random token of this phone (22 to 64 letters, digits, - or _)',
          );
        }
        who = { token: body.participant };
      }
      const outcome = await live.answer(
        cohort.code,
        questionId(body.question),
        body.choice,
        who,
        cohort.seats,
      );
      if (outcome !== 'unchanged') hub.changed(cohort.code);
      return reply.code(201).send({ recorded: true, replaced: outcome === 'replaced' });
    },
  );
}
