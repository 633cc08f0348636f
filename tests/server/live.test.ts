import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveRoomState } from '../../src/api/live.ts';
import type { Quiz } from '../../src/schemas/quiz.ts';
import { PROJECT_ROOT } from '../../src/server/platform/certification/rules.ts';
import { isLoopbackUrl } from '../../src/server/platform/live/service.ts';
import { LIVE_LIMITS } from '../../src/server/platform/live/routes.ts';
import { createStaffUser } from '../../src/server/platform/staff/accounts.ts';
import {
  api,
  enrol,
  SITE,
  STAFF_PASSWORD,
  staffLogin,
  startPlatform,
  type PlatformServer,
} from './certification-helpers.ts';
import { openStore } from '../../src/server/lrs/store/open-store.ts';
import type { Store } from '../../src/server/lrs/store/types.ts';
import {
  createCredential,
  describeOnPostgres,
  randomUUID,
  storeKinds,
  xapi,
  type TestServer,
} from './helpers.ts';

const MODULE = 'children-in-contact-with-the-law';
const SINGLE = 'sixteen-in-adult-court';
const MULTIPLE = 'which-standards';
const ANSWERED = 'http://adlnet.gov/expapi/verbs/answered';

async function quiz(lang: string): Promise<Quiz> {
  const file = `${PROJECT_ROOT}/content/quizzes/${lang}/${MODULE}.yaml`;
  return parse(await readFile(file, 'utf8')) as Quiz;
}

/** The options of a quiz question, from the course file. */
async function optionsOf(questionId: string) {
  const q = (await quiz('en')).questions.find((x) => x.id === questionId);
  if (q === undefined || !('options' in q)) throw new Error(`no choice question ${questionId}`);
  return q;
}

/** The letter a room state shows for an option text. */
function letterOf(state: LiveRoomState, text: string): string {
  const option = state.question?.options.find((o) => o.text === text);
  if (option === undefined) throw new Error(`no option "${text}" in the room`);
  return option.letter;
}

/** A phone's random token. */
const token = () => randomUUID().replaceAll('-', '');

/** Reads server-sent events from a room until `done` holds for a state (or the time is up). */
async function watchRoom(
  server: TestServer,
  code: string,
  done: (state: LiveRoomState) => boolean,
  timeoutMs = 10_000,
): Promise<LiveRoomState[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, timeoutMs);
  const states: LiveRoomState[] = [];
  try {
    const res = await fetch(`${server.url}/api/live/rooms/${code}/events`, {
      headers: { Accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body?.getReader();
    if (reader === undefined) throw new Error('no body');
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trimStart())
          .join('\n');
        if (!block.includes('event: state') || data === '') continue;
        const state = JSON.parse(data) as LiveRoomState;
        states.push(state);
        if (done(state)) {
          controller.abort();
          return states;
        }
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
  return states;
}

describe('the join address', () => {
  it('is flagged when phones cannot reach it', () => {
    for (const url of ['http://localhost:4321', 'http://127.0.0.1:8080', 'http://[::1]:8080']) {
      expect(isLoopbackUrl(url), url).toBe(true);
    }
    for (const url of ['http://192.168.1.10:8080', 'https://training.example.org']) {
      expect(isLoopbackUrl(url), url).toBe(false);
    }
  });
});

for (const kind of storeKinds()) {
  describe(`live questions (${kind.name})`, () => {
    let started: PlatformServer;
    let server: TestServer;
    let cleanup = (): Promise<void> => Promise.resolve();
    let trainer: { cookie: string; csrf: string };
    let code: string;

    beforeAll(async () => {
      const opened = await kind.open();
      cleanup = () => opened.cleanup();
      // The course's own knowledge checks are what a room is asked.
      started = await startPlatform(opened.store, { contentRoot: PROJECT_ROOT });
      server = started.server;
      await createStaffUser(started.platform.staff, 'trainer-live', 'trainer', STAFF_PASSWORD);
      await createStaffUser(started.platform.staff, 'trainer-other', 'trainer', STAFF_PASSWORD);
      trainer = await staffLogin(server, 'trainer-live');
      const cohort = await asTrainer('/api/cohorts', {
        name: 'FPU 3, March',
        track: 'police-pre-deployment',
      });
      expect(cohort.status, cohort.text).toBe(201);
      code = (cohort.json as { code: string }).code;
    }, 60_000);
    afterAll(async () => {
      await server.close();
      await cleanup();
    });

    const asTrainer = (path: string, body?: unknown, who = trainer) =>
      api(server, path, {
        ...(body === undefined ? {} : { body }),
        headers: { cookie: who.cookie, 'x-csrf-token': who.csrf },
      });
    const startQuestion = async (question: string, lang = 'en') => {
      const res = await asTrainer(`/api/live/rooms/${code}/questions`, {
        module: MODULE,
        question,
        lang,
      });
      expect(res.status, res.text).toBe(201);
      return res.json as {
        id: string;
        join: { url: string; qrSvg: string; loopback: boolean };
        state: LiveRoomState;
      };
    };
    const room = async (roomCode = code) => {
      const res = await api(server, `/api/live/rooms/${roomCode}`);
      return { status: res.status, state: res.json as LiveRoomState, text: res.text };
    };
    const answer = (body: Record<string, unknown>, authorization?: string) =>
      api(server, `/api/live/rooms/${code}/answers`, {
        body,
        ...(authorization === undefined ? {} : { authorization }),
      });

    it('only the cohort’s own trainer starts a question; bad input gets 4xx', async () => {
      const body = { module: MODULE, question: SINGLE, lang: 'en' };
      expect((await api(server, `/api/live/rooms/${code}/questions`, { body })).status).toBe(401);
      const learner = await enrol(server);
      const asLearner = await api(server, `/api/live/rooms/${code}/questions`, {
        body,
        authorization: learner.authorization,
      });
      expect(asLearner.status).toBe(403);
      const other = await staffLogin(server, 'trainer-other');
      expect((await asTrainer(`/api/live/rooms/${code}/questions`, body, other)).status).toBe(404);
      expect((await asTrainer(`/api/live/rooms/NOPE-NOPE/questions`, body)).status).toBe(404);
      const bad = [{}, { ...body, lang: 'de' }, { ...body, question: 42 }, 'not json object'];
      for (const b of bad) {
        const res = await asTrainer(`/api/live/rooms/${code}/questions`, b);
        expect(res.status, JSON.stringify(b)).toBe(400);
      }
      const unknown = await asTrainer(`/api/live/rooms/${code}/questions`, {
        ...body,
        question: 'no-such-question',
      });
      expect(unknown.status).toBe(404);
    });

    it('lists the questions a room can be asked, choice questions only, to trainers', async () => {
      const res = await asTrainer('/api/live/questions?lang=fr');
      expect(res.status).toBe(200);
      const list = res.json as Record<string, { id: string; prompt: string }[]>;
      const fr = await quiz('fr');
      const askable = fr.questions.filter((q) => q.type !== 'matching' && q.type !== 'ordering');
      expect(list[MODULE]?.map((q) => q.id).sort()).toEqual(askable.map((q) => q.id).sort());
      expect((await api(server, '/api/live/questions')).status).toBe(401);
      expect((await asTrainer('/api/live/questions?lang=de')).status).toBe(400);
    });

    it('gives the join URL under SITE_URL with its QR code', async () => {
      const { join } = await startQuestion(SINGLE);
      expect(join.url).toBe(`${SITE}/en/live/?code=${encodeURIComponent(code)}`);
      expect(join.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
      expect(join.loopback).toBe(false);
    });

    it('a phone joins by the code as typed, and sees the question without its key', async () => {
      const q = await optionsOf(SINGLE);
      const { id } = await startQuestion(SINGLE);
      const typed = code.replace('-', '').toLowerCase();
      const { status, state, text } = await room(typed);
      expect(status).toBe(200);
      expect(state.question?.id).toBe(id);
      expect(state.question?.kind).toBe('single');
      expect(state.question?.options.map((o) => o.text).sort()).toEqual(
        q.options.map((o) => o.text).sort(),
      );
      expect(state.revealed).toBeNull();
      // Nothing in the answer tells which option is right: no key, no explanation, no
      // feedback, not the course's option ids.
      expect(text).not.toContain('correct');
      expect(text).not.toContain(q.explanation.slice(-40));
      for (const o of q.options) {
        expect(text).not.toContain(`"${o.id}"`);
        if (o.feedback !== undefined) expect(text).not.toContain(o.feedback.slice(0, 25));
      }
      expect((await room('ZZZZZ-ZZZZ')).status).toBe(404);
      expect((await room('bad code!')).status).toBe(404);
    });

    it('the order of the options does not tell the right one', async () => {
      const q = await optionsOf(SINGLE);
      const right = q.options.find((o) => o.correct)?.text ?? '';
      const letters = new Set<string>();
      for (let i = 0; i < 12; i += 1) {
        const { state } = await startQuestion(SINGLE);
        letters.add(letterOf(state, right));
      }
      expect(letters.size).toBeGreaterThan(1);
    });

    it('records one answer per participant (a later one replaces it), refuses bad input, and stores statements', async () => {
      const q = await optionsOf(SINGLE);
      const { id, state } = await startQuestion(SINGLE);
      const right = letterOf(state, q.options.find((o) => o.correct)?.text ?? '');
      const wrongOption = q.options.find((o) => !o.correct);
      const wrong = letterOf(state, wrongOption?.text ?? '');
      const learner = await enrol(server, { cohort: code });
      const outsider = await enrol(server);
      const phone = token();

      // A learner answers as themselves only in their own cohort's room.
      const elsewhere = await answer({ question: id, choice: [right] }, outsider.authorization);
      expect(elsewhere.status, elsewhere.text).toBe(403);
      expect((elsewhere.json as { code?: string }).code).toBe('other_cohort');
      expect((await answer({ question: id, choice: [right] }, learner.authorization)).status).toBe(
        201,
      );
      // A second answer replaces the first: the learner now holds the wrong one, the phone the
      // right one.
      const again = await answer({ question: id, choice: [wrong] }, learner.authorization);
      expect(again.status).toBe(201);
      expect(again.json).toEqual({ recorded: true, replaced: true });
      expect((await answer({ question: id, choice: [wrong], participant: phone })).status).toBe(
        201,
      );
      expect((await answer({ question: id, choice: [right], participant: phone })).status).toBe(
        201,
      );

      const bad: [Record<string, unknown>, number][] = [
        [{ question: id, choice: [right] }, 400], // no participant token, no credential
        [{ question: id, choice: [right], participant: 'short' }, 400],
        [{ question: id, choice: 'A', participant: token() }, 400],
        [{ question: id, choice: [], participant: token() }, 400],
        [{ question: id, choice: ['Z'], participant: token() }, 400],
        [{ question: id, choice: [right, wrong], participant: token() }, 400], // single choice
        [{ question: id, participant: token() }, 400],
        [{ question: randomUUID(), choice: ['A'], participant: token() }, 404],
        [{ question: 'x', choice: ['A'], participant: token() }, 404],
      ];
      for (const [body, status] of bad) {
        const res = await answer(body);
        expect(res.status, `${JSON.stringify(body)}: ${res.text}`).toBe(status);
      }
      const wrongSecret = `Basic ${Buffer.from(`${learner.key}:nope`).toString('base64')}`;
      expect((await answer({ question: id, choice: [right] }, wrongSecret)).status).toBe(401);

      const { state: after } = await room();
      expect(after.answers).toBe(2);
      expect(after.counts).toEqual({ [right]: 1, [wrong]: 1 });
      expect(after.revealed).toBeNull();

      // The statements: one per recorded answer, under the service's authority, no success flag.
      const admin = await createCredential(server.store, ['all']);
      const res = await xapi(
        server,
        admin,
        `/xapi/statements?verb=${encodeURIComponent('http://adlnet.gov/expapi/verbs/answered')}&limit=100`,
      );
      expect(res.status).toBe(200);
      const mine = (
        res.json as {
          statements: {
            verb: { id: string };
            actor: { account?: { homePage: string; name: string } };
            result: Record<string, unknown>;
            authority: { account: { name: string } };
            context: { contextActivities: { grouping: { id: string }[] } };
          }[];
        }
      ).statements.filter(
        // A voiding statement of a replaced answer matches the verb through its target.
        (s) =>
          s.verb.id === ANSWERED &&
          s.context.contextActivities.grouping.some((g) => g.id.endsWith(`/live-question/${id}`)),
      );
      expect(mine).toHaveLength(2);
      for (const s of mine) {
        expect(s.authority.account.name).toBe('service:live-questions');
        expect(s.result).not.toHaveProperty('success');
        expect(
          s.context.contextActivities.grouping.some((g) =>
            g.id.endsWith(`/cohort/${encodeURIComponent(code)}`),
          ),
        ).toBe(true);
      }
      const byLearner = mine.find((s) => s.actor.account?.name === learner.learnerId);
      expect(byLearner?.result.response).toBe(wrongOption?.id);
      const byPhone = mine.find((s) => s.actor.account?.name !== learner.learnerId);
      expect(byPhone?.actor.account?.homePage).toBe(`${SITE}/live`);
      expect(byPhone?.result.response).toBe(q.options.find((o) => o.correct)?.id);
      // The platform's rows agree with the LRS.
      expect(await started.platform.live.answers(id)).toHaveLength(2);
    });

    it('streams every answer to the room and the key only on reveal', async () => {
      const q = await optionsOf(MULTIPLE);
      const { id, state } = await startQuestion(MULTIPLE);
      expect(state.question?.kind).toBe('multiple');
      const rights = q.options.filter((o) => o.correct).map((o) => letterOf(state, o.text));
      const watching = watchRoom(server, code, (s) => s.revealed !== null);
      // Let the stream open before the room answers.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const phones = Array.from({ length: 5 }, token);
      const results = await Promise.all(
        phones.map((participant) => answer({ question: id, choice: rights, participant })),
      );
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
      const reveal = await asTrainer(`/api/live/rooms/${code}/questions/${id}/reveal`, {});
      expect(reveal.status, reveal.text).toBe(200);
      const states = await watching;
      const before = states.filter((s) => s.revealed === null);
      expect(before.some((s) => s.answers === 5)).toBe(true);
      for (const s of before) expect(JSON.stringify(s)).not.toContain(q.explanation.slice(-40));
      const last = states.at(-1);
      expect(last?.revealed?.correct.sort()).toEqual([...rights].sort());
      expect(last?.revealed?.explanation).toBe(q.explanation);
      expect(Object.keys(last?.revealed?.feedback ?? {})).toHaveLength(q.options.length);
      // After the reveal, answers are refused.
      const late = await answer({ question: id, choice: rights, participant: token() });
      expect(late.status).toBe(409);
      expect((late.json as { code?: string }).code).toBe('question_closed');
      // Close: the room shows it closed.
      const close = await asTrainer(`/api/live/rooms/${code}/questions/${id}/close`, {});
      expect(close.status).toBe(200);
      expect((await room()).state.closed).toBe(true);
    });

    it('a service with phones in the room still shuts down, ending their streams', async () => {
      // A second service on the same store, closed while a stream is open on it.
      const extra = await startPlatform(server.store, { contentRoot: PROJECT_ROOT });
      const res = await fetch(`${extra.server.url}/api/live/rooms/${code}/events`, {
        headers: { Accept: 'text/event-stream' },
      });
      expect(res.status).toBe(200);
      const reader = res.body?.getReader();
      const first = await reader?.read();
      expect(new TextDecoder().decode(first?.value)).toContain('event: state');
      const closed = extra.server.close().then(() => 'closed');
      const timeout = new Promise((resolve) => setTimeout(resolve, 5000, 'hung'));
      expect(await Promise.race([closed, timeout])).toBe('closed');
      // The phone's stream ended (EventSource would reconnect to another process).
      for (;;) {
        const next = await reader?.read();
        if (next === undefined || next.done) break;
      }
    });

    it('an unknown room has no stream', async () => {
      const res = await fetch(`${server.url}/api/live/rooms/ZZZZZ-ZZZZ/events`, {
        headers: { Accept: 'text/event-stream' },
      });
      expect(res.status).toBe(404);
      await res.body?.cancel();
    });

    it('one address holds a bounded number of open streams', async () => {
      const open = (signal: AbortSignal) =>
        fetch(`${server.url}/api/live/rooms/${code}/events`, {
          headers: { Accept: 'text/event-stream' },
          signal,
        });
      const controllers = Array.from(
        { length: LIVE_LIMITS.openStreams },
        () => new AbortController(),
      );
      const held = await Promise.all(controllers.map((c) => open(c.signal)));
      expect(held.map((r) => r.status)).toEqual(held.map(() => 200));
      const refused = await open(new AbortController().signal);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).not.toBeNull();
      expect(((await refused.json()) as { message: string }).message).toMatch(
        /open from this address/,
      );
      // Closing one frees its place.
      controllers[0]?.abort();
      await expect
        .poll(async () => {
          const next = await open(new AbortController().signal);
          await next.body?.cancel();
          return next.status;
        })
        .toBe(200);
      for (const c of controllers) c.abort();
    });
  });
}

describeOnPostgres('live questions across two service processes on one PostgreSQL', (db) => {
  let stores: Store[] = [];
  let servers: PlatformServer[] = [];

  beforeAll(async () => {
    stores = [
      await openStore({ databaseUrl: db.url, schema: db.schema }),
      await openStore({ databaseUrl: db.url, schema: db.schema }),
    ];
    for (const store of stores) {
      servers.push(await startPlatform(store, { contentRoot: PROJECT_ROOT }));
    }
    const first = servers[0];
    if (first === undefined) throw new Error('no service');
    await createStaffUser(first.platform.staff, 'trainer-two', 'trainer', STAFF_PASSWORD);
  }, 60_000);
  afterAll(async () => {
    for (const s of servers) await s.server.close();
    for (const store of stores) await store.close();
    servers = [];
  });

  it('a phone answering through one process shows on the stream of the other, and one answer holds across both', async () => {
    const [a, b] = servers.map((s) => s.server) as [TestServer, TestServer];
    const trainer = await staffLogin(a, 'trainer-two');
    const headers = { cookie: trainer.cookie, 'x-csrf-token': trainer.csrf };
    const cohort = await api(a, '/api/cohorts', {
      body: { name: 'Two processes', track: 'police-pre-deployment' },
      headers,
    });
    const code = (cohort.json as { code: string }).code;
    const startedRes = await api(a, `/api/live/rooms/${code}/questions`, {
      body: { module: MODULE, question: SINGLE, lang: 'en' },
      headers,
    });
    expect(startedRes.status).toBe(201);
    const { id } = startedRes.json as { id: string };
    // The projector follows the room through process A.
    const watching = watchRoom(
      a,
      code,
      (s) => s.question?.id === id && s.answers === 3 && s.counts.B === 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const phones = [token(), token(), token()];
    for (const participant of phones) {
      const res = await api(b, `/api/live/rooms/${code}/answers`, {
        body: { question: id, choice: ['A'], participant },
      });
      expect(res.status, res.text).toBe(201);
    }
    // The same phone through the other process: still its one answer, now B.
    const again = await api(a, `/api/live/rooms/${code}/answers`, {
      body: { question: id, choice: ['B'], participant: phones[0] },
    });
    expect(again.status).toBe(201);
    const states = await watching;
    expect(states.at(-1)?.answers).toBe(3);
    expect(states.at(-1)?.counts).toEqual({ A: 2, B: 1 });
  });
});
