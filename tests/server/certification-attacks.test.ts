import { beforeAll, describe, expect, it } from 'vitest';
import { scoreQuestion, type QuestionResponse } from '../../src/quiz/scoring.ts';
import type { PublicQuestion, StartedAttempt } from '../../src/api/assessment.ts';
import type {
  CertificationCatalog,
  CertificationTrack,
} from '../../src/server/platform/certification/rules.ts';
import { DEFAULT_LIMITS } from '../../src/server/http/rate-limits.ts';
import { storeKinds, xapi, type TestServer } from './helpers.ts';
import {
  answerAttempt,
  api,
  bankQuestionOf,
  catalogOf,
  certificationStatus,
  completeModules,
  enrol,
  enrolAdmitted,
  FIXTURE_TRAINER,
  guess,
  idGuessers,
  MILITARY,
  openCohort,
  POLICE,
  PROFILE,
  SITE,
  staffLogin,
  startAttempt,
  submitAttempt,
  trackIn,
  uniformGuesser,
  usePlatform,
  type EnrolledLearner,
} from './certification-helpers.ts';

/**
 * The mean score a uniform guesser gets on a form: each question's bank item scored locally
 * against many uniform guesses in the form's ids (answers mapped back to the bank by text).
 */
function chanceOf(track: CertificationTrack, started: StartedAttempt, rounds = 300): number {
  let total = 0;
  let weight = 0;
  for (const q of started.questions) {
    const bankQ = bankQuestionOf(track, started.lang, q);
    let sum = 0;
    for (let i = 0; i < rounds; i += 1) {
      sum += scoreQuestion(bankQ, toBank(bankQ, q, uniformGuesser(q, Math.random)));
    }
    total += (bankQ.weight * sum) / rounds;
    weight += bankQ.weight;
  }
  return total / weight;
}

// A form answer in the form's ids, translated to the bank's ids by text, to score it locally.
function toBank(
  bankQ: ReturnType<typeof bankQuestionOf>,
  q: PublicQuestion,
  answer: unknown,
): QuestionResponse {
  const textOf = new Map<string, string>();
  const bankIdOf = new Map<string, string>();
  const collect = (pq: PublicQuestion, bq: object) => {
    const lists: [
      readonly { id: string; text: string }[],
      readonly { id: string; text: string }[],
    ][] = [];
    const b = bq as Record<string, { id: string; text: string }[] | undefined>;
    if ('options' in pq) lists.push([pq.options, b.options ?? []]);
    if (pq.type === 'ordering') lists.push([pq.steps, b.steps ?? []]);
    if (pq.type === 'matching')
      lists.push([pq.items, b.items ?? []], [pq.targets, b.targets ?? []]);
    for (const [shown, bank] of lists) {
      for (const s of shown) textOf.set(s.id, s.text);
      for (const x of bank) bankIdOf.set(x.text, x.id);
    }
  };
  collect(q, bankQ);
  if (q.type === 'scenario' && q.followUp !== undefined && bankQ.type === 'scenario') {
    collect(q.followUp, bankQ.followUp ?? {});
  }
  const map = (id: unknown) => bankIdOf.get(textOf.get(String(id)) ?? '') ?? '';
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(map);
    if (typeof value === 'boolean') return value;
    if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if ('decision' in record) {
        return {
          decision: map(record.decision),
          ...(record.followUp === undefined ? {} : { followUp: walk(record.followUp) }),
        };
      }
      return Object.fromEntries(Object.entries(record).map(([k, v]) => [map(k), map(v)]));
    }
    return value;
  };
  return walk(answer) as QuestionResponse;
}

for (const kind of storeKinds()) {
  describe(`certification against a learner who reads the form (${kind.name})`, () => {
    let server: TestServer;
    let catalog: CertificationCatalog;
    usePlatform(kind, [['dpo-attacks', 'dpo']], (started) => {
      server = started.server;
    });
    beforeAll(async () => {
      catalog = await catalogOf();
    });

    const learners = async (n: number): Promise<EnrolledLearner[]> => {
      const out: EnrolledLearner[] = [];
      for (let i = 0; i < n; i += 1) out.push(await enrolAdmitted(server));
      return out;
    };

    it('scores answers built from the ids or the order of a form at chance', async () => {
      const track = trackIn(catalog, POLICE);
      const strategies = Object.entries(idGuessers);
      // Each strategy answers three fresh forms (one learner each: three attempts a day).
      const scores: Record<string, number[]> = {};
      const chances: number[] = [];
      for (const [name, guesser] of strategies) {
        for (const learner of await learners(3)) {
          const { status, started } = await startAttempt(server, learner, POLICE);
          expect(status).toBe(201);
          chances.push(chanceOf(track, started));
          const res = await submitAttempt(
            server,
            learner,
            started,
            guess(started.questions, guesser),
          );
          expect(res.status, res.text).toBe(200);
          expect(res.result.passed).toBe(false);
          (scores[name] ??= []).push(res.result.scaled);
        }
      }
      const chance = chances.reduce((a, b) => a + b, 0) / chances.length;
      const all = Object.values(scores).flat();
      const mean = all.reduce((a, b) => a + b, 0) / all.length;
      // 12 forms of 7 items: the mean of any strategy stays near what uniform guessing scores,
      // far below the pass mark (0.8) and below what the key-reading strategies scored before.
      expect(Math.abs(mean - chance)).toBeLessThan(0.15);
      for (const [name, list] of Object.entries(scores)) {
        const m = list.reduce((a, b) => a + b, 0) / list.length;
        expect(m, name).toBeLessThan(chance + 0.3);
      }
    });

    it("draws different forms with different ids for one learner's attempts and for two learners", async () => {
      const [a, b] = await learners(2);
      if (a === undefined || b === undefined) throw new Error('no learners');
      const first = (await startAttempt(server, a, POLICE)).started;
      await submitAttempt(server, a, first, guess(first.questions, uniformGuesser));
      const second = (await startAttempt(server, a, POLICE)).started;
      const other = (await startAttempt(server, b, POLICE)).started;
      const idsOf = (s: StartedAttempt) =>
        new Set(
          s.questions.flatMap((q) => [
            q.id,
            ...('options' in q ? q.options.map((o) => o.id) : []),
            ...(q.type === 'ordering' ? q.steps.map((x) => x.id) : []),
            ...(q.type === 'matching' ? [...q.items, ...q.targets].map((x) => x.id) : []),
            ...(q.type === 'scenario' && q.followUp && 'options' in q.followUp
              ? [q.followUp.id, ...q.followUp.options.map((o) => o.id)]
              : []),
          ]),
        );
      const drawOf = (s: StartedAttempt) =>
        s.questions.map((q) => q.prompt + (q.type === 'scenario' ? q.scenario : '')).sort();
      for (const [x, y] of [
        [first, second],
        [first, other],
        [second, other],
      ] as const) {
        const shared = [...idsOf(x)].filter((id) => idsOf(y).has(id));
        expect(shared).toEqual([]);
        expect(drawOf(x)).not.toEqual(drawOf(y));
        expect(x.questions.map((q) => q.id)).not.toEqual(y.questions.map((q) => q.id));
      }
      // Every id has the same length: nothing in an id's length tells anything either.
      const lengths = new Set(
        [...idsOf(first), ...idsOf(second), ...idsOf(other)].map((id) => id.length),
      );
      expect([...lengths]).toEqual([12]);
    });

    it('changes nothing the DPO sees when a learner PUTs or DELETEs any document', async () => {
      const [learner] = await learners(1);
      if (learner === undefined) throw new Error('no learner');
      const track = trackIn(catalog, POLICE);
      await completeModules(server, learner, track.rule.requiredModules.slice(0, 1));
      const { started } = await startAttempt(server, learner, POLICE);
      await submitAttempt(server, learner, started, guess(started.questions, uniformGuesser));
      const dpo = await staffLogin(server, 'dpo-attacks');
      const view = async () => {
        const detail = await api(server, `/api/reports/learners/${learner.learnerId}`, {
          headers: { Cookie: dpo.cookie },
        });
        const list = await api(server, '/api/reports/learners?limit=500', {
          headers: { Cookie: dpo.cookie },
        });
        const report = await api(server, '/api/reports/completion?groupBy=cohort', {
          headers: { Cookie: dpo.cookie },
        });
        expect(detail.status, detail.text).toBe(200);
        return [detail.text, list.text, report.text];
      };
      const before = await view();
      expect(before[0]).toContain(learner.learnerId);
      const own = {
        key: learner.key,
        secret: learner.secret,
        authorization: learner.authorization,
      };
      const agent = encodeURIComponent(JSON.stringify(learner.actor));
      const activity = encodeURIComponent(`${SITE}/xapi/activities/course`);
      const forged = {
        name: 'Someone Else',
        cohort: 'C-FAKE-0000',
        serviceNumber: 'X',
        track: 'x',
      };
      const documents = [
        `/xapi/activities/state?activityId=${activity}&agent=${agent}&stateId=enrolment`,
        `/xapi/activities/state?activityId=${activity}&agent=${agent}&stateId=profile`,
        `/xapi/agents/profile?agent=${agent}&profileId=enrolment`,
        `/xapi/activities/profile?activityId=${activity}&profileId=enrolment`,
      ];
      for (const path of documents) {
        await xapi(server, own, path, { method: 'PUT', body: forged });
        await xapi(server, own, path, {
          method: 'PUT',
          raw: 'not json {',
          headers: { 'Content-Type': 'text/plain' },
        });
        await xapi(server, own, path, { method: 'POST', body: forged });
        await xapi(server, own, path, { method: 'DELETE' });
      }
      await xapi(server, own, `/xapi/activities/state?activityId=${activity}&agent=${agent}`, {
        method: 'DELETE',
      });
      expect(await view()).toEqual(before);
    });
  });
}

for (const kind of storeKinds()) {
  describe(`one learner per person (${kind.name})`, () => {
    let server: TestServer;
    let cohorts: Record<string, string> = {};
    usePlatform(kind, [], (started) => {
      server = started.server;
      cohorts = started.cohorts;
    });

    it('reaches the same learner for 13 ways of typing one service number and country', async () => {
      const first = await enrol(server, { serviceNumber: 'M-4471-B', country: 'KE' });
      // Each made a new learner, with a fresh attempt quota, when only case, spaces and hyphens
      // were folded.
      const variants: [string, string, string][] = [
        ['dots', 'M.4471.B', 'KE'],
        ['en dash', 'M\u20134471\u2013B', 'KE'],
        ['em dash', 'M\u20144471\u2014B', 'KE'],
        ['minus sign', 'M\u22124471\u2212B', 'KE'],
        ['fullwidth', '\uff2d\uff0d\uff14\uff14\uff17\uff11\uff0d\uff22', 'KE'],
        ['no-break spaces', 'M\u00a04471\u00a0B', 'KE'],
        ['zero-width space', 'M4471\u200bB', 'KE'],
        ['soft hyphen', 'M\u00ad4471\u00adB', 'KE'],
        ['bidi override', '\u202eM-4471-B\u202c', 'KE'],
        ['Cyrillic Em', '\u041c-4471-B', 'KE'],
        ['Cyrillic Ve', 'M-4471-\u0412', 'KE'],
        ['Greek Mu', '\u039c-4471-B', 'KE'],
        ['lower-case code', 'm/4471/b', ' ke '],
      ];
      expect(variants).toHaveLength(13);
      for (const [what, serviceNumber, country] of variants) {
        const again = await api(server, '/api/enrol', {
          body: { ...PROFILE, serviceNumber, country },
        });
        expect(again.status, `${what}: ${again.text}`).toBe(409);
        expect(again.json, what).toMatchObject({ code: 'already_enrolled' });
      }
      // A country by name is no country code: 400 naming the field, and nothing recorded.
      for (const country of ['Kenya', 'KEN', 'XK-', '']) {
        const named = await api(server, '/api/enrol', {
          body: { ...PROFILE, serviceNumber: 'M-4471-B', country },
        });
        expect(named.status, country).toBe(400);
        expect((named.json as { message: string }).message).toMatch(/^country: /);
      }
      // Another number, or the same number in another country, is another person.
      const other = await enrol(server, { serviceNumber: 'M-4471-8', country: 'KE' });
      const elsewhere = await enrol(server, { serviceNumber: 'M-4471-B', country: 'UG' });
      expect(new Set([first.learnerId, other.learnerId, elsewhere.learnerId]).size).toBe(3);
    });

    it('refuses a second enrolment of the same person: a sign-in code reaches the same learner and quota', async () => {
      const first = await enrolAdmitted(server, { serviceNumber: 'UN-4471-B', country: 'NP' });
      for (let i = 0; i < 3; i += 1) {
        const { started } = await startAttempt(server, first, POLICE);
        await submitAttempt(server, first, started, guess(started.questions, uniformGuesser));
      }
      // The same person again: service number and country typed differently.
      for (const profile of [
        { serviceNumber: 'un 4471 b', country: 'np' },
        { serviceNumber: 'UN4471B', country: ' NP', name: 'Another Name' },
      ]) {
        const again = await api(server, '/api/enrol', {
          body: {
            name: 'Aminata Diallo',
            role: 'police',
            unit: 'FPU 3',
            mission: 'MINUSCA',
            language: 'en',
            cohort: cohorts[POLICE],
            ...profile,
          },
        });
        expect(again.status, again.text).toBe(409);
        expect(again.json).toMatchObject({ code: 'already_enrolled' });
        expect(again.text).toMatch(/one-time code/);
        expect(again.text).not.toMatch(/"(key|secret)"/);
      }
      // The person continues with a code: the same learner, whose quota is spent.
      const code = await api(server, '/api/sign-in-codes', {
        method: 'POST',
        authorization: first.authorization,
      });
      expect(code.status).toBe(201);
      const signedIn = await api(server, '/api/sign-in', {
        body: { code: (code.json as { code: string }).code },
      });
      expect(signedIn.status, signedIn.text).toBe(201);
      const body = signedIn.json as {
        key: string;
        secret: string;
        actor: { account: { name: string } };
      };
      expect(body.actor.account.name).toBe(first.learnerId);
      const second = {
        authorization: `Basic ${Buffer.from(`${body.key}:${body.secret}`).toString('base64')}`,
      };
      const fourth = await startAttempt(server, second, POLICE);
      expect(fourth.status).toBe(429);
      // Another person from the same country is someone else.
      const other = await enrolAdmitted(server, { serviceNumber: 'UN-4472-B', country: 'NP' });
      expect(other.learnerId).not.toBe(first.learnerId);
    });
  });
}

for (const kind of storeKinds()) {
  describe(`key harvest through throwaway enrolments (${kind.name}, the service's own limits)`, () => {
    let server: TestServer;
    usePlatform(
      kind,
      [
        ['trainer-harvest', 'trainer'],
        ['trainer-elsewhere', 'trainer'],
      ],
      (started) => {
        server = started.server;
      },
      { rateLimits: DEFAULT_LIMITS },
    );

    const body = (serviceNumber: string, cohort?: string) => ({
      ...PROFILE,
      serviceNumber,
      ...(cohort === undefined ? {} : { cohort }),
    });
    const credentialOf = (json: unknown) => {
      const { key, secret } = json as { key: string; secret: string };
      return { authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}` };
    };

    it('admits a classroom of 40 behind one address with its cohort code', async () => {
      const trainer = await staffLogin(server, 'trainer-harvest');
      const cohort = await openCohort(server, trainer, POLICE);
      expect(cohort.seats).toBe(40);
      const statuses: number[] = [];
      for (let i = 0; i < 41; i += 1) {
        const res = await api(server, '/api/enrol', { body: body(`CLASS-${i}`, cohort.code) });
        statuses.push(res.status);
        if (i === 40) expect(res.json).toMatchObject({ code: 'cohort_full' });
      }
      expect(statuses.filter((s) => s === 201)).toHaveLength(40);
      expect(statuses[40]).toBe(409);
      const view = await api(server, `/api/cohorts/${cohort.code}`, {
        headers: { Cookie: trainer.cookie },
      });
      expect(view.json).toMatchObject({ seats: 40, closed: false });
      expect((view.json as { seatsTaken: unknown[] }).seatsTaken).toHaveLength(40);
    });

    it('lets N throwaway enrolments start no more attempts than the seats of the cohorts they hold codes for', async () => {
      const trainer = await staffLogin(server, 'trainer-harvest');
      const seats = 5;
      const cohort = await openCohort(server, trainer, POLICE, seats);
      // The harvester enrols from one address: without a code, then with the code it holds.
      const learners: { authorization: string }[] = [];
      const without: number[] = [];
      for (let i = 0; i < 14; i += 1) {
        const res = await api(server, '/api/enrol', { body: body(`THROW-${i}`) });
        without.push(res.status);
        if (res.status === 201) learners.push(credentialOf(res.json));
      }
      // At most 10 a window without a code (was 60); a wrong code counts against them too.
      expect(without.filter((s) => s === 201)).toHaveLength(DEFAULT_LIMITS.enrol.max);
      expect(without.slice(DEFAULT_LIMITS.enrol.max).every((s) => s === 429)).toBe(true);
      const guessed = await api(server, '/api/enrol', { body: body('THROW-X', 'CAAAA-AAAA') });
      expect(guessed.status).toBe(429);
      // Without a seat no graded attempt starts, and the service says what to do.
      const refused = await startAttempt(server, learners[0] ?? { authorization: '' }, POLICE);
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.text)).toMatchObject({ code: 'cohort_required' });
      expect(refused.text).toMatch(/cohort code/);
      // The code takes the enrolments and joins it admits: `seats` of them, then 409.
      const joined: number[] = [];
      for (const learner of learners.slice(0, 3)) {
        const res = await api(server, '/api/cohorts/join', {
          authorization: learner.authorization,
          body: { code: cohort.code.toLowerCase() },
        });
        joined.push(res.status);
      }
      expect(joined).toEqual([200, 200, 200]);
      const withCode: number[] = [];
      for (let i = 0; i < 8; i += 1) {
        const res = await api(server, '/api/enrol', { body: body(`CODE-${i}`, cohort.code) });
        withCode.push(res.status);
        if (res.status === 201) learners.push(credentialOf(res.json));
        else expect(res.json).toMatchObject({ code: 'cohort_full' });
      }
      expect(withCode.filter((s) => s === 201)).toHaveLength(seats - 3);
      for (const learner of learners.slice(3, 6)) {
        const res = await api(server, '/api/cohorts/join', {
          authorization: learner.authorization,
          body: { code: cohort.code },
        });
        expect(res.status).toBe(409);
        expect(res.json).toMatchObject({ code: 'cohort_full' });
      }
      // Every learner the harvester holds tries to start as many attempts as it can.
      let startedBy = 0;
      let attempts = 0;
      for (const learner of learners) {
        let mine = 0;
        for (let i = 0; i < 4; i += 1) {
          const res = await startAttempt(server, learner, POLICE);
          if (res.status !== 201) {
            expect([403, 429]).toContain(res.status);
            break;
          }
          mine += 1;
          await submitAttempt(
            server,
            learner,
            res.started,
            guess(res.started.questions, uniformGuesser),
          );
        }
        attempts += mine;
        if (mine > 0) startedBy += 1;
      }
      expect(learners).toHaveLength(DEFAULT_LIMITS.enrol.max + seats - 3);
      expect(startedBy).toBe(seats);
      expect(attempts).toBeLessThanOrEqual(seats * 3);
      // The trainer sees who took the seats, and can close the cohort or add seats.
      const view = await api(server, `/api/cohorts/${cohort.code}`, {
        headers: { Cookie: trainer.cookie },
      });
      expect(view.json).toMatchObject({ seats, closed: false });
      expect((view.json as { learners: unknown[] }).learners).toHaveLength(seats);
      const taken = (view.json as { seatsTaken: { serviceNumber: string }[] }).seatsTaken;
      expect(taken.map((t) => t.serviceNumber)).toEqual([
        'THROW-0',
        'THROW-1',
        'THROW-2',
        'CODE-0',
        'CODE-1',
      ]);
      const patch = (who: { cookie: string; csrf: string }, change: unknown) =>
        api(server, `/api/cohorts/${cohort.code}`, {
          method: 'PATCH',
          headers: { Cookie: who.cookie, 'X-CSRF-Token': who.csrf },
          body: change,
        });
      const elsewhere = await staffLogin(server, 'trainer-elsewhere');
      expect((await patch(elsewhere, { closed: true })).status).toBe(404);
      expect((await patch(trainer, { seats: 4 })).status).toBe(409);
      expect((await patch(trainer, { seats: 201 })).status).toBe(400);
      expect((await patch(trainer, { seats: 6, closed: true })).json).toMatchObject({
        seats: 6,
        closed: true,
      });
      const late = learners[6] ?? { authorization: '' };
      const closed = await api(server, '/api/cohorts/join', {
        authorization: late.authorization,
        body: { code: cohort.code },
      });
      expect(closed.status).toBe(409);
      expect(closed.json).toMatchObject({ code: 'cohort_closed' });
      expect((await patch(trainer, { closed: false })).json).toMatchObject({ closed: false });
      const reopened = await api(server, '/api/cohorts/join', {
        authorization: late.authorization,
        body: { code: cohort.code },
      });
      expect(reopened.status, reopened.text).toBe(200);
      expect((await startAttempt(server, late, POLICE)).status).toBe(201);
    });
  });
}

for (const kind of storeKinds()) {
  describe(`tracks and self-reported progress (${kind.name})`, () => {
    let server: TestServer;
    let cohorts: Record<string, string> = {};
    let catalog: CertificationCatalog;
    usePlatform(kind, [['dpo-reported', 'dpo']], (started) => {
      server = started.server;
      cohorts = started.cohorts;
    });
    beforeAll(async () => {
      catalog = await catalogOf();
    });

    it('never seats more learners than a cohort has, however many enrol or join at once', async () => {
      const trainer = await staffLogin(server, FIXTURE_TRAINER);
      const cohort = await openCohort(server, trainer, POLICE, 3);
      const waiting = await Promise.all(
        Array.from({ length: 4 }, (_, i) => enrol(server, { serviceNumber: `RACE-J-${i}` })),
      );
      const [enrolled, joined] = await Promise.all([
        Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            api(server, '/api/enrol', {
              body: { ...PROFILE, serviceNumber: `RACE-${i}`, cohort: cohort.code },
            }),
          ),
        ),
        Promise.all(
          waiting.map((learner) =>
            api(server, '/api/cohorts/join', {
              authorization: learner.authorization,
              body: { code: cohort.code },
            }),
          ),
        ),
      ]);
      const admitted = [...enrolled, ...joined].filter((r) => r.status === 200 || r.status === 201);
      expect(admitted).toHaveLength(3);
      const refused = [...enrolled, ...joined].filter((r) => r.status === 409);
      expect(refused).toHaveLength(13);
      for (const r of refused) expect(r.json).toMatchObject({ code: 'cohort_full' });
      const view = await api(server, `/api/cohorts/${cohort.code}`, {
        headers: { Cookie: trainer.cookie },
      });
      expect((view.json as { seatsTaken: unknown[] }).seatsTaken).toHaveLength(3);
    });

    it("refuses the other role's track (403), and a cohort of another track", async () => {
      const police = await enrolAdmitted(server, { role: 'police' });
      const military = await enrolAdmitted(server, { role: 'military' });
      for (const [learner, track] of [
        [police, MILITARY],
        [military, POLICE],
      ] as const) {
        const res = await startAttempt(server, learner, track);
        expect(res.status, res.text).toBe(403);
        expect(JSON.parse(res.text)).toMatchObject({ code: 'other_track' });
      }
      expect((await startAttempt(server, military, MILITARY)).status).toBe(201);
      // A police learner without a cohort cannot join the military track's cohort.
      const alone = await enrol(server, { role: 'police' });
      const join = await api(server, '/api/cohorts/join', {
        authorization: alone.authorization,
        body: { code: cohorts[MILITARY] },
      });
      expect(join.status).toBe(409);
      expect(join.json).toMatchObject({ code: 'cohort_other_track' });
      const unknown = await api(server, '/api/cohorts/join', {
        authorization: alone.authorization,
        body: { code: 'CZZZZ-ZZZZ' },
      });
      expect(unknown.status).toBe(400);
      const ok = await api(server, '/api/cohorts/join', {
        authorization: alone.authorization,
        body: { code: cohorts[POLICE] },
      });
      expect(ok.status).toBe(200);
      const twice = await api(server, '/api/cohorts/join', {
        authorization: alone.authorization,
        body: { code: cohorts[POLICE] },
      });
      expect(twice.status).toBe(409);
      expect((await startAttempt(server, alone, POLICE)).status).toBe(201);
    });

    it('keeps forged module completions and passes out of certificates and graded attempts, and labels them', async () => {
      const track = trackIn(catalog, POLICE);
      const learner = await enrolAdmitted(server);
      const { started } = await startAttempt(server, learner, POLICE);
      const failed = await answerAttempt(server, learner, track, started, false);
      expect(failed.result.passed).toBe(false);
      const dpo = await staffLogin(server, 'dpo-reported');
      const detail = async () => {
        const res = await api(server, `/api/reports/learners/${learner.learnerId}`, {
          headers: { Cookie: dpo.cookie },
        });
        expect(res.status, res.text).toBe(200);
        return res.json as {
          attempts: unknown[];
          certificates: unknown[];
          modules: { module: string; completedAt: string | null; score: number | null }[];
          reportedByDevice: string[];
        };
      };
      const status = async () => (await certificationStatus(server, learner)).json;
      const before = await detail();
      const statusBefore = await status();
      // The learner's device claims every module completed and every check passed at 100%, and
      // a pass of the graded assessment.
      const own = {
        key: learner.key,
        secret: learner.secret,
        authorization: learner.authorization,
      };
      const module = (m: string) => `${SITE}/xapi/activities/module/${m}`;
      const forged = track.rule.requiredModules.flatMap((m) => [
        {
          actor: learner.actor,
          verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
          object: { id: module(m) },
        },
        {
          actor: learner.actor,
          verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
          object: { id: module(m) },
          result: { success: true, score: { scaled: 1 } },
        },
      ]);
      forged.push({
        actor: learner.actor,
        verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
        object: { id: `${SITE}/xapi/activities/assessment/${POLICE}-certification` },
        result: { success: true, score: { scaled: 1 } },
      });
      const sent = await xapi(server, own, '/xapi/statements', { body: forged });
      expect(sent.status, sent.text).toBe(200);
      const after = await detail();
      // The report shows what the device said, and says that the device said it.
      expect(after.modules.every((m) => m.completedAt !== null && m.score === 1)).toBe(true);
      expect(before.modules.every((m) => m.completedAt === null)).toBe(true);
      expect(after.reportedByDevice).toEqual(['modules[].completedAt', 'modules[].score']);
      // Graded attempts and certificates are the service's records: unchanged.
      expect(after.attempts).toEqual(before.attempts);
      expect(after.certificates).toEqual([]);
      // The learner's own status follows their device (modules done, checks passed), as the
      // module pages do; the assessment and the certificate do not.
      expect(await status()).toEqual({
        ...(statusBefore as object),
        missingModules: [],
        modules: Object.fromEntries(track.rule.requiredModules.map((m) => [m, 'passed'])),
      });
      expect(await status()).toMatchObject({ passed: false, certificate: null });
      const list = await api(server, '/api/reports/learners?limit=500', {
        headers: { Cookie: dpo.cookie },
      });
      expect((list.json as { reportedByDevice: string[] }).reportedByDevice).toContain('completed');
    });
  });
}
