import { describe, expect, it } from 'vitest';
import { quizDataSchema } from '../../../src/quiz/validate.ts';
import { nth, rawQuestion, rawQuiz } from './fixture.ts';
import type { RawQuestion, RawQuiz } from './fixture.ts';

/** Parses the quiz and returns its issue messages (empty when valid). */
function messages(quiz: unknown): string[] {
  const result = quizDataSchema.safeParse(quiz);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

/** Parses the quiz and returns its issues with their paths. */
function issues(quiz: unknown) {
  const result = quizDataSchema.safeParse(quiz);
  return result.success ? [] : result.error.issues;
}

/** A change to one option of a question of the fixture quiz. */
const correct = (id: string, index: number, value: boolean) => (quiz: RawQuiz) =>
  Object.assign(nth(rawQuestion(quiz, id).options, index), { correct: value });
/** No option of a question marked correct. */
const noneCorrect = (id: string) => (quiz: RawQuiz) => {
  for (const option of rawQuestion(quiz, id).options) option.correct = false;
};
/** The first `count` steps of an ordering question only. */
const steps = (id: string, count: number) => (quiz: RawQuiz) =>
  Object.assign(rawQuestion(quiz, id), { steps: rawQuestion(quiz, id).steps.slice(0, count) });

describe('quizDataSchema', () => {
  it('accepts a valid quiz with every question type and applies defaults', () => {
    const result = quizDataSchema.safeParse(rawQuiz());
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(result.data.shuffleQuestions).toBe(true);
    expect(result.data.display).toBe('one-at-a-time');
    // One question of each of the six types, in the fixture's order.
    const types = result.data.questions.map((question) => question.type);
    expect(types).toEqual(rawQuiz().questions.map((question) => question.type));
    expect(new Set(types).size).toBe(6);
  });

  it.each<[string, string, (quiz: RawQuiz) => unknown, string]>([
    ['q1', 'no option is marked correct', correct('q1', 0, false), 'options'],
    ['q1', '2 options are marked correct; exactly one must be', correct('q1', 1, true), 'options'],
    ['q2', 'no option is marked correct', noneCorrect('q2'), 'options'],
    ['q6', 'no option is marked correct', correct('q6', 1, false), 'options'],
    ['q6', '2 options are marked correct; exactly one must be', correct('q6', 0, true), 'options'],
    ['q5', 'has 1 step; an ordering question needs at least two', steps('q5', 1), 'steps'],
    ['q5', 'has 0 steps; an ordering question needs at least two', steps('q5', 0), 'steps'],
  ])('rejects question "%s": %s', (id, text, change, field) => {
    const quiz = rawQuiz();
    const index = quiz.questions.findIndex((question) => question.id === id);
    const type = rawQuestion(quiz, id).type;
    change(quiz);
    expect(messages(quiz)).toEqual([`question "${id}" (${type}): ${text}`]);
    expect(issues(quiz)[0]?.path).toEqual(['questions', index, field]);
  });

  it('accepts a multiple-response question with a single correct option', () => {
    const quiz = rawQuiz();
    nth(rawQuestion(quiz, 'q2').options, 1).correct = false;
    expect(messages(quiz)).toEqual([]);
  });

  it('checks a scenario follow-up too', () => {
    const quiz = rawQuiz();
    rawQuestion(quiz, 'q6').followUp = {
      id: 'q6-follow',
      type: 'single-choice',
      outcomes: ['refer'],
      prompt: 'Who do you call?',
      explanation: 'The adviser.',
      options: [
        { id: 'a', text: 'The adviser' },
        { id: 'a', text: 'The press' },
      ],
    };
    expect(messages(quiz)).toEqual([
      'question "q6" follow-up "q6-follow" (single-choice): duplicate option id "a"',
      'question "q6" follow-up "q6-follow" (single-choice): no option is marked correct',
    ]);
    expect(issues(quiz)[1]?.path).toEqual(['questions', 5, 'followUp', 'options']);
  });

  it('rejects a duplicate question id', () => {
    const quiz = rawQuiz();
    rawQuestion(quiz, 'q3').id = 'q1';
    expect(messages(quiz)).toEqual(['question "q1" (true-false): duplicate question id "q1"']);
    expect(issues(quiz)[0]?.path).toEqual(['questions', 2, 'id']);
  });

  it('rejects a follow-up whose id repeats a question id', () => {
    const quiz = rawQuiz();
    (rawQuestion(quiz, 'q6').followUp as RawQuestion).id = 'q2';
    expect(messages(quiz)).toEqual([
      'question "q6" follow-up "q2" (true-false): duplicate question id "q2"',
    ]);
  });

  it('rejects duplicate option, item, target and step ids', () => {
    const quiz = rawQuiz();
    nth(rawQuestion(quiz, 'q1').options, 2).id = 'ops';
    nth(rawQuestion(quiz, 'q4').items, 3).id = 'unicef';
    nth(rawQuestion(quiz, 'q4').targets, 2).id = 'agencies';
    nth(rawQuestion(quiz, 'q5').steps, 3).id = 'safe';
    const found = messages(quiz);
    expect(found).toContain('question "q1" (single-choice): duplicate option id "ops"');
    expect(found).toContain('question "q4" (matching): duplicate item id "unicef"');
    expect(found).toContain('question "q4" (matching): duplicate target id "agencies"');
    expect(found).toContain('question "q5" (ordering): duplicate step id "safe"');
  });

  it('rejects a matching item whose target does not exist', () => {
    const quiz = rawQuiz();
    nth(rawQuestion(quiz, 'q4').items, 1).target = 'un-agencies';
    expect(messages(quiz)).toEqual([
      'question "q4" (matching): item "unicef" points at target "un-agencies", which is not one of its targets (mission, agencies, government)',
    ]);
    expect(issues(quiz)[0]?.path).toEqual(['questions', 3, 'items', 1, 'target']);
  });

  it('accepts a matching target that no item points at', () => {
    const quiz = rawQuiz();
    rawQuestion(quiz, 'q4').targets.push({ id: 'donors', text: 'Donors' });
    expect(messages(quiz)).toEqual([]);
  });

  it.each([1.5, -0.1, 80])('rejects a mastery score of %s', (masteryScore) => {
    const quiz = { ...rawQuiz(), masteryScore };
    expect(messages(quiz)).toEqual([
      `masteryScore ${masteryScore} is outside 0..1 (0.8 means 80% to pass)`,
    ]);
    expect(issues(quiz)[0]?.path).toEqual(['masteryScore']);
  });

  it.each([0, 1])('accepts a mastery score of %s', (masteryScore) => {
    expect(messages({ ...rawQuiz(), masteryScore })).toEqual([]);
  });

  it('rejects a draw larger than the pool, and accepts one equal to it', () => {
    expect(messages({ ...rawQuiz(), draw: 7 })).toEqual([
      'draw 7 is larger than the pool of 6 questions',
    ]);
    expect(messages({ ...rawQuiz(), draw: 6 })).toEqual([]);
  });

  it('reports every problem at once', () => {
    const quiz = { ...rawQuiz(), masteryScore: 2, draw: 9 };
    nth(rawQuestion(quiz, 'q1').options, 0).correct = false;
    rawQuestion(quiz, 'q5').steps = [{ id: 'safe', text: 'Make the child safe' }];
    expect(messages(quiz)).toHaveLength(4);
  });

  it('still reports shape errors from the base schema', () => {
    const quiz = rawQuiz();
    rawQuestion(quiz, 'q1').type = 'essay';
    expect(quizDataSchema.safeParse(quiz).success).toBe(false);
  });
});
