import { describe, expect, it } from 'vitest';
import type { Question } from '../../../src/schemas/quiz.ts';
import { hasResponse, scoreAttempt, scoreQuestion } from '../../../src/quiz/scoring.ts';
import type { QuestionResponse } from '../../../src/quiz/scoring.ts';
import { quizDataSchema } from '../../../src/quiz/validate.ts';
import { rawQuiz } from './fixture.ts';

const quiz = quizDataSchema.parse(rawQuiz());

function question<T extends Question['type']>(id: string, type: T): Extract<Question, { type: T }> {
  const found = quiz.questions.find((candidate) => candidate.id === id);
  if (found?.type !== type) throw new Error(`fixture question ${id} is not ${type}`);
  return found as Extract<Question, { type: T }>;
}

type Response = QuestionResponse | undefined;
/** A case: its name, one or more responses, and the score each of them gets. */
type Case = [name: string, responses: [Response, ...Response[]], score: number];

/** Checks the score of each response of each case, one test per case. */
function scores(questionToScore: Question, cases: Case[]): void {
  it.each(cases)('%s', (_name, responses, score) => {
    for (const response of responses) {
      expect(scoreQuestion(questionToScore, response), JSON.stringify(response)).toBeCloseTo(
        score,
        9,
      );
    }
  });
}

describe('single choice (all or nothing)', () => {
  scores(question('q1', 'single-choice'), [
    ['scores the right option 1', [['cpa']], 1],
    ['scores a wrong option 0', [['ops']], 0],
    ['gives no partial credit for picking the right one with a wrong one', [['cpa', 'ops']], 0],
    ['scores an empty or missing response 0', [[], undefined], 0],
  ]);
});

describe('multiple response ((right - wrong) / correct, floored at 0)', () => {
  scores(question('q2', 'multiple-response'), [
    ['scores every right option and no wrong one 1', [['abduct', 'recruit']], 1],
    ['scores one of two right options 0.5', [['recruit']], 0.5],
    ['takes a wrong pick off a right one', [['recruit', 'abduct', 'truancy']], 0.5],
    ['floors at 0 when wrong picks outnumber right ones', [['recruit', 'truancy', 'curfew']], 0],
    ['earns nothing for ticking every box', [['recruit', 'abduct', 'truancy', 'curfew']], 0],
    ['counts a repeated pick once', [['recruit', 'recruit']], 0.5],
    ['scores only wrong picks 0, and an empty response 0', [['truancy'], [], undefined], 0],
  ]);
});

describe('true/false (all or nothing)', () => {
  scores(question('q3', 'true-false'), [
    ['scores the right answer 1', [false], 1],
    ['scores the wrong answer 0', [true], 0],
    ['scores a missing or malformed response 0', [undefined, [] as QuestionResponse], 0],
  ]);
});

describe('matching (share of items matched right)', () => {
  const right = { cpa: 'mission', unicef: 'agencies', social: 'government', ngo: 'agencies' };
  const allWrong = { cpa: 'government', unicef: 'mission', social: 'agencies', ngo: 'mission' };
  scores(question('q4', 'matching'), [
    ['scores every item right 1', [right], 1],
    ['scores three of four items right 0.75', [{ ...right, ngo: 'government' }], 0.75],
    ['counts an unmatched item as wrong', [{ cpa: 'mission', unicef: 'agencies' }], 0.5],
    ['scores every item wrong 0', [allWrong], 0],
    ['scores an empty or missing response 0', [{}, undefined], 0],
  ]);
});

describe('ordering (share of adjacent pairs in the right relative order)', () => {
  scores(question('q5', 'ordering'), [
    ['scores the right order 1', [['safe', 'inform', 'refer', 'record']], 1],
    ['scores a reversed order 0', [['record', 'refer', 'inform', 'safe']], 0],
    [
      'gives two of three pairs when two neighbours are swapped',
      [['inform', 'safe', 'refer', 'record']],
      2 / 3,
    ],
    [
      'gives two of three pairs when the first step is moved to the end',
      [['inform', 'refer', 'record', 'safe']],
      2 / 3,
    ],
    [
      'gives less for an incomplete sequence and ignores unknown and repeated ids',
      [['safe', 'safe', 'nope', 'inform']],
      1 / 3,
    ],
    ['scores an empty or missing response 0', [[], undefined], 0],
  ]);
});

describe('scenario (decision and follow-up, half each)', () => {
  const q6 = question('q6', 'scenario');
  scores(q6, [
    ['scores the right decision and follow-up 1', [{ decision: 'handover', followUp: false }], 1],
    [
      'scores the right decision with a wrong follow-up 0.5',
      [{ decision: 'handover', followUp: true }],
      0.5,
    ],
    [
      'scores a wrong decision with a right follow-up 0.5',
      [{ decision: 'detain', followUp: false }],
      0.5,
    ],
    ['scores both wrong 0', [{ decision: 'detain', followUp: true }], 0],
    ['scores an empty or missing response 0', [{}, undefined], 0],
  ]);
  it('lets the decision carry the whole score without a follow-up', () => {
    const alone = { ...q6 };
    delete alone.followUp;
    expect(scoreQuestion(alone, { decision: 'handover' })).toBe(1);
    expect(scoreQuestion(alone, { decision: 'detain' })).toBe(0);
  });
});

describe('hasResponse', () => {
  it('tells an answer worth checking from none', () => {
    expect(hasResponse(question('q1', 'single-choice'), [])).toBe(false);
    expect(hasResponse(question('q1', 'single-choice'), ['ops'])).toBe(true);
    expect(hasResponse(question('q3', 'true-false'), undefined)).toBe(false);
    expect(hasResponse(question('q3', 'true-false'), false)).toBe(true);
    expect(hasResponse(question('q4', 'matching'), { cpa: '' })).toBe(false);
    expect(hasResponse(question('q4', 'matching'), { cpa: 'mission' })).toBe(true);
    expect(hasResponse(question('q6', 'scenario'), { decision: 'detain' })).toBe(false);
    expect(hasResponse(question('q6', 'scenario'), { decision: 'detain', followUp: true })).toBe(
      true,
    );
  });
});

describe('scoreAttempt', () => {
  const allRight: Record<string, QuestionResponse> = {
    q1: ['cpa'],
    q2: ['recruit', 'abduct'],
    q3: false,
    q4: { cpa: 'mission', unicef: 'agencies', social: 'government', ngo: 'agencies' },
    q5: ['safe', 'inform', 'refer', 'record'],
    q6: { decision: 'handover', followUp: false },
  };

  it('weights questions: the matching question counts twice', () => {
    expect(scoreAttempt(quiz.questions, allRight, 0.8)).toEqual({
      raw: 7,
      min: 0,
      max: 7,
      scaled: 1,
      success: true,
    });
    const withoutMatching = { ...allRight };
    delete withoutMatching.q4;
    expect(scoreAttempt(quiz.questions, withoutMatching, 0.8)).toEqual({
      raw: 5,
      min: 0,
      max: 7,
      scaled: 0.714286,
      success: false,
    });
  });

  it('adds partial credit into raw', () => {
    const score = scoreAttempt(
      quiz.questions,
      { ...allRight, q2: ['recruit'], q6: { decision: 'handover', followUp: true } },
      0.8,
    );
    expect(score.raw).toBe(6);
    expect(score.scaled).toBeCloseTo(6 / 7, 5);
    expect(score.success).toBe(true);
  });

  it('passes exactly at the mastery score despite floating sums', () => {
    const five = quiz.questions.filter((candidate) => candidate.weight === 1);
    const score = scoreAttempt(five, { ...allRight, q1: ['ops'] }, 0.8);
    expect(score).toEqual({ raw: 4, min: 0, max: 5, scaled: 0.8, success: true });
    expect(scoreAttempt(five, { ...allRight, q1: ['ops'] }, 0.81).success).toBe(false);
  });

  it('scores an attempt with no responses 0 and fails it', () => {
    expect(scoreAttempt(quiz.questions, {}, 0.5)).toEqual({
      raw: 0,
      min: 0,
      max: 7,
      scaled: 0,
      success: false,
    });
  });

  it('scores only the questions drawn', () => {
    const drawn = quiz.questions.slice(0, 2);
    expect(scoreAttempt(drawn, allRight, 1)).toEqual({
      raw: 2,
      min: 0,
      max: 2,
      scaled: 1,
      success: true,
    });
  });
});
