import { describe, expect, it } from 'vitest';
import {
  checkCourseLinks,
  checkModuleAssessment,
  checkQuizOutcomes,
  MIN_QUESTIONS,
  type ModuleFacts,
  type QuizFacts,
} from '../../../src/content/checks/links.ts';
import { checkTerms, termIds } from '../../../src/content/checks/terms.ts';

// The rules of src/content/checks/links.ts and terms.ts on plain facts: each must be able to fail.
// The whole course is checked by the build and by tests/unit/content/course.test.ts.

const module: ModuleFacts = {
  file: 'content/modules/en/example.mdx',
  id: 'example',
  lang: 'en',
  outcomes: [
    { id: 'name-actors', text: 'Name the actors.' },
    { id: 'refer-case', text: 'Refer a case.' },
  ],
  prerequisites: [],
};
const types = ['single-choice', 'true-false', 'matching', 'ordering'];
const goodQuiz: QuizFacts = {
  file: 'content/quizzes/en/example.yaml',
  module: 'example',
  questions: Array.from({ length: MIN_QUESTIONS }, (_, index) => ({
    id: `q${index}`,
    type: types[index % types.length] ?? 'single-choice',
    outcomes: [index === 0 ? 'refer-case' : 'name-actors'],
  })),
};

describe('checkModuleAssessment', () => {
  it('accepts a module whose quiz assesses every outcome with enough questions and types', () => {
    expect(checkModuleAssessment(module, goodQuiz)).toEqual([]);
  });

  it('names the module file, the field and the outcome that no question assesses', () => {
    const quiz: QuizFacts = {
      ...goodQuiz,
      questions: goodQuiz.questions.map((question) => ({ ...question, outcomes: ['name-actors'] })),
    };
    expect(checkModuleAssessment(module, quiz)).toEqual([
      'content/modules/en/example.mdx: module "example": outcomes: learning outcome "refer-case" ("Refer a case.") is assessed by no question in content/quizzes/en/example.yaml',
    ]);
  });

  it('counts an outcome assessed only by a scenario follow-up', () => {
    const quiz: QuizFacts = {
      ...goodQuiz,
      questions: [
        ...goodQuiz.questions
          .slice(1)
          .map((question) => ({ ...question, outcomes: ['name-actors'] })),
        {
          id: 'scenario',
          type: 'scenario',
          outcomes: ['name-actors'],
          followUp: { id: 'follow', type: 'true-false', outcomes: ['refer-case'] },
        },
      ],
    };
    expect(checkModuleAssessment(module, quiz)).toEqual([]);
  });

  it('fails a module without a quiz', () => {
    expect(checkModuleAssessment(module, undefined)).toEqual([
      'content/modules/en/example.mdx: module "example" has no quiz: expected content/quizzes/en/example.yaml with module: example',
    ]);
  });

  it('fails a quiz with too few questions and too few types, and says which', () => {
    const quiz: QuizFacts = {
      ...goodQuiz,
      questions: [
        { id: 'a', type: 'single-choice', outcomes: ['name-actors'] },
        { id: 'b', type: 'single-choice', outcomes: ['refer-case'] },
        { id: 'c', type: 'true-false', outcomes: ['refer-case'] },
      ],
    };
    expect(checkModuleAssessment(module, quiz)).toEqual([
      'content/quizzes/en/example.yaml: questions: 3 question(s) for module "example"; at least 8 are needed',
      'content/quizzes/en/example.yaml: questions[].type: 2 question type(s) (single-choice, true-false); at least 4 are needed',
    ]);
  });
});

describe('checkQuizOutcomes', () => {
  const quiz = {
    module: 'coordination',
    questions: [
      { id: 'q1', type: 'single-choice', outcomes: ['refer'] },
      {
        id: 'q2',
        type: 'scenario',
        outcomes: ['actors'],
        followUp: { id: 'q2-follow', type: 'true-false', outcomes: ['mandate'] },
      },
    ],
  };
  const file = 'content/quizzes/en/coordination.yaml';

  it('returns nothing when the module defines every outcome', () => {
    expect(checkQuizOutcomes(quiz, ['refer', 'mandate', 'actors'], file)).toEqual([]);
  });

  it('names the file, the question and the unknown outcome, follow-ups included', () => {
    expect(checkQuizOutcomes(quiz, ['refer'], file)).toEqual([
      'content/quizzes/en/coordination.yaml: question "q2" assesses outcome "actors", which module "coordination" does not define',
      'content/quizzes/en/coordination.yaml: question "q2" follow-up "q2-follow" assesses outcome "mandate", which module "coordination" does not define',
    ]);
  });
});

describe('checkCourseLinks', () => {
  const track = { file: 'content/tracks/en/police.yaml', field: 'modules', modules: ['example'] };

  it('accepts modules, quizzes and tracks that name each other', () => {
    expect(checkCourseLinks({ modules: [module], quizzes: [goodQuiz], references: [track] })).toEqual(
      [],
    );
  });

  it('names each broken link by file and field', () => {
    const other = { ...module, file: 'content/modules/en/copy.mdx', prerequisites: ['missing'] };
    expect(
      checkCourseLinks({
        modules: [module, other],
        quizzes: [{ ...goodQuiz, module: 'nowhere' }],
        references: [
          { ...track, modules: ['example', 'gone'] },
          { file: 'content/trainer-notes/en/x.mdx', field: 'module', modules: ['lost'] },
        ],
      }),
    ).toEqual([
      'content/modules/en/copy.mdx: id: module id "example" is already used by content/modules/en/example.mdx',
      'content/modules/en/copy.mdx: prerequisites: unknown module "missing"',
      'content/tracks/en/police.yaml: modules: unknown module "gone"',
      'content/trainer-notes/en/x.mdx: module: unknown module "lost"',
      'content/quizzes/en/example.yaml: module: unknown module "nowhere"',
    ]);
  });
});

describe('checkTerms', () => {
  const source =
    'The <Term id="cpa">CPA</Term> and <Term id="xyz">XYZ</Term>, then <Term id="cpa">CPA</Term>.';

  it('lists each term id once', () => {
    expect(termIds(source)).toEqual(['cpa', 'xyz']);
  });

  it('names the file and the missing glossary entry', () => {
    expect(checkTerms('content/modules/en/example.mdx', source, 'en', new Set(['cpa']))).toEqual([
      'content/modules/en/example.mdx: <Term id="xyz"> has no glossary entry content/glossary/en/xyz.yaml',
    ]);
  });

  it('accepts a file whose terms all have entries', () => {
    expect(checkTerms('x.mdx', source, 'en', new Set(['cpa', 'xyz']))).toEqual([]);
  });
});
