import { beforeAll, describe, expect, it } from 'vitest';
import { scoreQuestion, type QuestionResponse } from '../../src/quiz/scoring.ts';
import type { PublicQuestion, StartedAttempt } from '../../src/api/assessment.ts';
import type {
  CertificationCatalog,
  CertificationTrack,
} from '../../src/server/platform/certification/rules.ts';
import { storeKinds, xapi, type TestServer } from './helpers.ts';
import {
  api,
  bankQuestionOf,
  catalogOf,
  completeModules,
  enrol,
  guess,
  idGuessers,
  SITE,
  staffLogin,
  startAttempt,
  submitAttempt,
  trackIn,
  uniformGuesser,
  usePlatform,
  type EnrolledLearner,
} from './certification-helpers.ts';

const POLICE = 'police-pre-deployment';

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
      for (let i = 0; i < n; i += 1) out.push(await enrol(server));
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
    usePlatform(kind, [], (started) => {
      server = started.server;
    });

    it('refuses a second enrolment of the same person: a sign-in code reaches the same learner and quota', async () => {
      const first = await enrol(server, { serviceNumber: 'UN-4471-B', country: 'Nepal' });
      for (let i = 0; i < 3; i += 1) {
        const { started } = await startAttempt(server, first, POLICE);
        await submitAttempt(server, first, started, guess(started.questions, uniformGuesser));
      }
      // The same person again: service number and country typed differently.
      for (const profile of [
        { serviceNumber: 'un 4471 b', country: 'nepal' },
        { serviceNumber: 'UN4471B', country: ' Nepal', name: 'Another Name' },
      ]) {
        const again = await api(server, '/api/enrol', {
          body: {
            name: 'Aminata Diallo',
            role: 'police',
            unit: 'FPU 3',
            mission: 'MINUSCA',
            language: 'en',
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
      const other = await enrol(server, { serviceNumber: 'UN-4472-B', country: 'Nepal' });
      expect(other.learnerId).not.toBe(first.learnerId);
    });
  });
}
