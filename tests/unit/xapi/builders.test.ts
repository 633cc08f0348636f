import { describe, expect, it } from 'vitest';
import { quizDataSchema } from '../../../src/quiz/validate.ts';
import type { QuestionAnsweredEvent, AttemptFinishedEvent } from '../../../src/quiz/events.ts';
import type { QuestionResponse } from '../../../src/quiz/scoring.ts';
import type { Question } from '../../../src/schemas/quiz.ts';
import { validateStatement } from '../../../src/server/lrs/xapi/validate.ts';
// The builders by their module's name, as the tests name them: build.answered(...), build.judged(...).
import * as build from '../../../src/xapi/builders.ts';
import { isoDuration } from '../../../src/xapi/ids.ts';
import type { Statement } from '../../../src/xapi/types.ts';
import { CMI5, VERBS } from '../../../src/xapi/vocabulary.ts';
import { readYaml } from '../../helpers/course-files.ts';
import { rawQuiz } from '../quiz/fixture.ts';

const site = 'https://training.example.org';
const ctx: build.TrackingContext = {
  site,
  actor: {
    objectType: 'Agent',
    name: 'Amina Diallo',
    account: { homePage: site, name: 'l-3f9a' },
  },
  registration: '6f1c2b4e-8d3a-4c5b-9e7f-0a1b2c3d4e5f',
  sessionId: 'b7e1c2d3-1111-4222-8333-944455556666',
  lang: 'fr',
  moduleId: 'coordination',
  moduleTitle: 'Coordination',
  trackId: 'police-pre-deployment',
  cohort: 'DAKAR-2026-03',
};
const quiz = quizDataSchema.parse(rawQuiz());
const at = new Date('2026-03-02T10:00:00.000Z');

function question(id: string): Question {
  const found = quiz.questions.find((q) => q.id === id);
  if (!found) throw new Error(`no fixture question ${id}`);
  return found;
}

function answerEvent(q: Question, response: QuestionResponse | undefined, score = 1) {
  return {
    kind: 'question-answered',
    quizId: quiz.id,
    moduleId: quiz.module,
    lang: 'fr',
    attempt: 1,
    timestamp: at.toISOString(),
    questionId: q.id,
    type: q.type,
    response,
    score,
    correct: score >= 1,
    outcomes: q.outcomes,
    question: q,
  } satisfies QuestionAnsweredEvent;
}

function finished(success: boolean): AttemptFinishedEvent {
  return {
    kind: 'attempt-finished',
    quizId: quiz.id,
    moduleId: quiz.module,
    lang: 'fr',
    attempt: 2,
    timestamp: at.toISOString(),
    raw: success ? 6.5 : 3,
    min: 0,
    max: 7,
    scaled: success ? 0.928571 : 0.428571,
    success,
    masteryScore: 0.8,
    durationMs: 83_456,
    attemptsLeft: 1,
  };
}

/** Passes a statement through the LRS's own validation, as JSON would carry it. */
function accepted(statement: Statement): Statement {
  expect(() => validateStatement(JSON.parse(JSON.stringify(statement)))).not.toThrow();
  return statement;
}

const ids = (list: { id: string }[] | undefined) => (list ?? []).map((a) => a.id);

describe('module statements', () => {
  it.each([
    ['launched', build.launched(ctx, { at })],
    ['initialized', build.initialized(ctx, { at })],
    ['completed', build.completed(ctx, 1_234_567, { at })],
    ['terminated', build.terminated(ctx, 61_000, { at })],
  ] as const)('%s is a cmi5 statement about the module', (verb, built) => {
    const s = accepted(built);
    expect(s.verb.id).toBe(VERBS[verb]);
    expect(s.object.id).toBe(`${site}/xapi/activities/module/coordination`);
    expect(s.context.registration).toBe(ctx.registration);
    expect(s.context.language).toBe('fr');
    expect(s.context.extensions?.[CMI5.sessionId]).toBe(ctx.sessionId);
    expect(s.context.extensions?.[`${site}/xapi/extensions/cohort`]).toBe('DAKAR-2026-03');
    expect(ids(s.context.contextActivities?.grouping)).toEqual([
      `${site}/xapi/activities/track/police-pre-deployment`,
      `${site}/xapi/activities/course`,
    ]);
    expect(ids(s.context.contextActivities?.category)).toContain(CMI5.category);
    expect(s.timestamp).toBe(at.toISOString());
    expect(s.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives completed and terminated ISO 8601 durations', () => {
    expect(build.completed(ctx, 1_234_567).result).toEqual({
      completion: true,
      duration: 'PT20M34.57S',
    });
    expect(build.terminated(ctx, 61_000).result?.duration).toBe('PT1M1S');
  });

  it('gives every statement its own id when it is built', () => {
    const a = build.launched(ctx);
    const b = build.launched(ctx);
    expect(a.id).not.toBe(b.id);
  });

  it('leaves the track and cohort out for a learner with neither', () => {
    const bare: build.TrackingContext = { ...ctx };
    delete bare.trackId;
    delete bare.cohort;
    const s = accepted(build.initialized(bare));
    expect(ids(s.context.contextActivities?.grouping)).toEqual([`${site}/xapi/activities/course`]);
    expect(Object.keys(s.context.extensions ?? {})).toEqual([CMI5.sessionId]);
  });
});

describe('experienced', () => {
  it('names a section by its position, so both languages share one activity', () => {
    const fr = accepted(build.experienced(ctx, { section: 2, title: 'Les six violations graves' }));
    const en = build.experienced(
      { ...ctx, lang: 'en' },
      { section: 2, title: 'The six violations' },
    );
    expect(fr.verb.id).toBe(VERBS.experienced);
    expect(fr.object.id).toBe(`${site}/xapi/activities/module/coordination/section/2`);
    expect(en.object.id).toBe(fr.object.id);
    expect(ids(fr.context.contextActivities?.parent)).toEqual([
      `${site}/xapi/activities/module/coordination`,
    ]);
    expect(fr.context.contextActivities?.category).toBeUndefined();
  });

  it('has a fixed id for the key messages', () => {
    const s = accepted(build.experienced(ctx, { section: 'key-messages', title: 'Messages clés' }));
    expect(s.object.id).toBe(`${site}/xapi/activities/module/coordination/section/key-messages`);
  });
});

describe('answered', () => {
  const questionIri = (id: string) =>
    `${site}/xapi/activities/quiz/coordination-check/question/${id}`;

  it('describes a single choice as a choice interaction', () => {
    const [s] = build.answered(ctx, answerEvent(question('q1'), ['cpa']), { at });
    expect(s).toBeDefined();
    if (!s) return;
    accepted(s);
    expect(s.verb.id).toBe(VERBS.answered);
    expect(s.object.id).toBe(questionIri('q1'));
    expect(s.object.definition).toMatchObject({
      type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
      interactionType: 'choice',
      correctResponsesPattern: ['cpa'],
    });
    expect(s.object.definition?.choices?.map((c) => c.id)).toEqual(['cpa', 'ops', 'log']);
    expect(s.result).toEqual({
      success: true,
      score: { scaled: 1, raw: 1, min: 0, max: 1 },
      response: 'cpa',
    });
    expect(ids(s.context.contextActivities?.parent)).toEqual([
      `${site}/xapi/activities/quiz/coordination-check`,
    ]);
    expect(ids(s.context.contextActivities?.grouping)[0]).toBe(
      `${site}/xapi/activities/module/coordination`,
    );
  });

  it('describes a multiple response as a choice with every right option in the pattern', () => {
    const [s] = build.answered(ctx, answerEvent(question('q2'), ['recruit', 'truancy'], 0));
    expect(s && accepted(s).object.definition?.correctResponsesPattern).toEqual([
      'recruit[,]abduct',
    ]);
    expect(s?.result?.response).toBe('recruit[,]truancy');
    expect(s?.result?.success).toBe(false);
  });

  it('describes true/false', () => {
    const [s] = build.answered(ctx, answerEvent(question('q3'), false));
    expect(s && accepted(s).object.definition).toMatchObject({
      interactionType: 'true-false',
      correctResponsesPattern: ['false'],
    });
    expect(s?.result?.response).toBe('false');
  });

  it('describes matching with source and target', () => {
    const response = { cpa: 'mission', unicef: 'agencies', social: 'mission', ngo: '' };
    const [s] = build.answered(ctx, answerEvent(question('q4'), response, 0.5));
    const def = s && accepted(s).object.definition;
    expect(def?.interactionType).toBe('matching');
    expect(def?.source?.map((c) => c.id)).toEqual(['cpa', 'unicef', 'social', 'ngo']);
    expect(def?.target?.map((c) => c.id)).toEqual(['mission', 'agencies', 'government']);
    expect(def?.correctResponsesPattern).toEqual([
      'cpa[.]mission[,]unicef[.]agencies[,]social[.]government[,]ngo[.]agencies',
    ]);
    expect(s?.result?.response).toBe('cpa[.]mission[,]unicef[.]agencies[,]social[.]mission');
    expect(s?.result?.score?.scaled).toBe(0.5);
  });

  it('describes ordering as sequencing with the steps as choices, in the written order', () => {
    const [s] = build.answered(
      ctx,
      answerEvent(question('q5'), ['inform', 'safe', 'refer', 'record']),
    );
    const def = s && accepted(s).object.definition;
    expect(def?.interactionType).toBe('sequencing');
    expect(def?.choices?.map((c) => c.id)).toEqual(['safe', 'inform', 'refer', 'record']);
    expect(def?.correctResponsesPattern).toEqual(['safe[,]inform[,]refer[,]record']);
    expect(s?.result?.response).toBe('inform[,]safe[,]refer[,]record');
  });

  it('gives a scenario two statements: the decision as a choice and its follow-up', () => {
    const list = build.answered(
      ctx,
      answerEvent(question('q6'), { decision: 'handover', followUp: true }, 0.5),
    );
    expect(list).toHaveLength(2);
    list.forEach(accepted);
    const [decision, followUp] = list;
    expect(decision?.object.id).toBe(questionIri('q6'));
    expect(decision?.object.definition?.interactionType).toBe('choice');
    expect(decision?.object.definition?.description).toEqual({
      fr: 'At a checkpoint you find a boy of twelve carrying a rifle.',
    });
    expect(decision?.result).toMatchObject({ response: 'handover', success: true });
    expect(followUp?.object.id).toBe(`${questionIri('q6')}/follow-up`);
    expect(followUp?.object.definition?.interactionType).toBe('true-false');
    expect(followUp?.result).toMatchObject({ response: 'true', success: false });
    expect(ids(followUp?.context.contextActivities?.parent)).toEqual([
      questionIri('q6'),
      `${site}/xapi/activities/quiz/coordination-check`,
    ]);
    expect(decision?.id).not.toBe(followUp?.id);
  });

  it('leaves the response out for a question left unanswered', () => {
    for (const id of ['q1', 'q3', 'q4', 'q6']) {
      const list = build.answered(ctx, answerEvent(question(id), undefined, 0));
      list.forEach(accepted);
      expect(list[0]?.result?.response).toBeUndefined();
    }
  });
});

describe('passed and failed', () => {
  it.each([true, false])('judges the module with the score (success %s)', (success) => {
    const s = accepted(build.judged(ctx, finished(success), { at }));
    expect(s.verb.id).toBe(success ? VERBS.passed : VERBS.failed);
    expect(s.object.id).toBe(`${site}/xapi/activities/module/coordination`);
    expect(s.result).toEqual({
      score: success
        ? { raw: 6.5, min: 0, max: 7, scaled: 0.928571 }
        : { raw: 3, min: 0, max: 7, scaled: 0.428571 },
      success,
      duration: 'PT1M23.46S',
    });
    expect(ids(s.context.contextActivities?.category)).toEqual([CMI5.category, CMI5.moveOn]);
    expect(ids(s.context.contextActivities?.other)).toEqual([
      `${site}/xapi/activities/quiz/coordination-check`,
    ]);
    expect(s.context.extensions?.[CMI5.masteryScore]).toBe(0.8);
  });
});

describe('every question of the course', () => {
  const files = [...readYaml<unknown>('quizzes', 'en'), ...readYaml<unknown>('quizzes', 'fr')];

  it('has quizzes to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files.map((file) => [file.file, file.data] as const))(
    '%s: every answered statement passes the LRS validation',
    (_path, data) => {
      const parsed = quizDataSchema.parse(data);
      for (const q of parsed.questions) {
        const event = { ...answerEvent(q, undefined, 0), quizId: parsed.id };
        for (const s of build.answered({ ...ctx, lang: parsed.lang }, event)) accepted(s);
      }
    },
  );
});

describe('isoDuration', () => {
  it.each([
    [0, 'PT0S'],
    [-5, 'PT0S'],
    [Number.NaN, 'PT0S'],
    [1_005, 'PT1.01S'],
    [3_600_000, 'PT1H0S'],
    [3_725_500, 'PT1H2M5.5S'],
  ])('%d ms is %s', (ms, expected) => {
    expect(isoDuration(ms)).toBe(expected);
  });
});
