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

describe('single choice (all or nothing)', () => {
  const q1 = question('q1', 'single-choice');
  it('scores the right option 1', () => {
    expect(scoreQuestion(q1, ['cpa'])).toBe(1);
  });
  it('scores a wrong option 0', () => {
    expect(scoreQuestion(q1, ['ops'])).toBe(0);
  });
  it('gives no partial credit for picking the right one with a wrong one', () => {
    expect(scoreQuestion(q1, ['cpa', 'ops'])).toBe(0);
  });
  it('scores an empty or missing response 0', () => {
    expect(scoreQuestion(q1, [])).toBe(0);
    expect(scoreQuestion(q1, undefined)).toBe(0);
  });
});

describe('multiple response ((right - wrong) / correct, floored at 0)', () => {
  const q2 = question('q2', 'multiple-response');
  it('scores every right option and no wrong one 1', () => {
    expect(scoreQuestion(q2, ['abduct', 'recruit'])).toBe(1);
  });
  it('scores one of two right options 0.5', () => {
    expect(scoreQuestion(q2, ['recruit'])).toBe(0.5);
  });
  it('takes a wrong pick off a right one', () => {
    expect(scoreQuestion(q2, ['recruit', 'abduct', 'truancy'])).toBe(0.5);
  });
  it('floors at 0 when wrong picks outnumber right ones', () => {
    expect(scoreQuestion(q2, ['recruit', 'truancy', 'curfew'])).toBe(0);
  });
  it('earns nothing for ticking every box', () => {
    expect(scoreQuestion(q2, ['recruit', 'abduct', 'truancy', 'curfew'])).toBe(0);
  });
  it('counts a repeated pick once', () => {
    expect(scoreQuestion(q2, ['recruit', 'recruit'])).toBe(0.5);
  });
  it('scores only wrong picks 0, and an empty response 0', () => {
    expect(scoreQuestion(q2, ['truancy'])).toBe(0);
    expect(scoreQuestion(q2, [])).toBe(0);
    expect(scoreQuestion(q2, undefined)).toBe(0);
  });
});

describe('true/false (all or nothing)', () => {
  const q3 = question('q3', 'true-false');
  it('scores the right answer 1', () => {
    expect(scoreQuestion(q3, false)).toBe(1);
  });
  it('scores the wrong answer 0', () => {
    expect(scoreQuestion(q3, true)).toBe(0);
  });
  it('scores a missing or malformed response 0', () => {
    expect(scoreQuestion(q3, undefined)).toBe(0);
    expect(scoreQuestion(q3, [] as QuestionResponse)).toBe(0);
  });
});

describe('matching (share of items matched right)', () => {
  const q4 = question('q4', 'matching');
  const right = { cpa: 'mission', unicef: 'agencies', social: 'government', ngo: 'agencies' };
  it('scores every item right 1', () => {
    expect(scoreQuestion(q4, right)).toBe(1);
  });
  it('scores three of four items right 0.75', () => {
    expect(scoreQuestion(q4, { ...right, ngo: 'government' })).toBe(0.75);
  });
  it('counts an unmatched item as wrong', () => {
    expect(scoreQuestion(q4, { cpa: 'mission', unicef: 'agencies' })).toBe(0.5);
  });
  it('scores every item wrong 0', () => {
    expect(
      scoreQuestion(q4, {
        cpa: 'government',
        unicef: 'mission',
        social: 'agencies',
        ngo: 'mission',
      }),
    ).toBe(0);
  });
  it('scores an empty or missing response 0', () => {
    expect(scoreQuestion(q4, {})).toBe(0);
    expect(scoreQuestion(q4, undefined)).toBe(0);
  });
});

describe('ordering (share of adjacent pairs in the right relative order)', () => {
  const q5 = question('q5', 'ordering');
  it('scores the right order 1', () => {
    expect(scoreQuestion(q5, ['safe', 'inform', 'refer', 'record'])).toBe(1);
  });
  it('scores a reversed order 0', () => {
    expect(scoreQuestion(q5, ['record', 'refer', 'inform', 'safe'])).toBe(0);
  });
  it('gives two of three pairs when two neighbours are swapped', () => {
    expect(scoreQuestion(q5, ['inform', 'safe', 'refer', 'record'])).toBeCloseTo(2 / 3);
  });
  it('gives two of three pairs when the first step is moved to the end', () => {
    expect(scoreQuestion(q5, ['inform', 'refer', 'record', 'safe'])).toBeCloseTo(2 / 3);
  });
  it('gives less for an incomplete sequence and ignores unknown and repeated ids', () => {
    expect(scoreQuestion(q5, ['safe', 'safe', 'nope', 'inform'])).toBeCloseTo(1 / 3);
  });
  it('scores an empty or missing response 0', () => {
    expect(scoreQuestion(q5, [])).toBe(0);
    expect(scoreQuestion(q5, undefined)).toBe(0);
  });
});

describe('scenario (decision and follow-up, half each)', () => {
  const q6 = question('q6', 'scenario');
  it('scores the right decision and follow-up 1', () => {
    expect(scoreQuestion(q6, { decision: 'handover', followUp: false })).toBe(1);
  });
  it('scores the right decision with a wrong follow-up 0.5', () => {
    expect(scoreQuestion(q6, { decision: 'handover', followUp: true })).toBe(0.5);
  });
  it('scores a wrong decision with a right follow-up 0.5', () => {
    expect(scoreQuestion(q6, { decision: 'detain', followUp: false })).toBe(0.5);
  });
  it('scores both wrong 0', () => {
    expect(scoreQuestion(q6, { decision: 'detain', followUp: true })).toBe(0);
  });
  it('scores an empty or missing response 0', () => {
    expect(scoreQuestion(q6, {})).toBe(0);
    expect(scoreQuestion(q6, undefined)).toBe(0);
  });
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
