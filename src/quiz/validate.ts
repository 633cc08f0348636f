import type { z } from 'astro/zod';
import { quizSchema } from '../schemas/quiz.ts';
import type { FollowUp, Question, Quiz } from '../schemas/quiz.ts';

/** A rule broken by a quiz: where, and what is wrong. */
export interface QuizIssue {
  path: (string | number)[];
  message: string;
}

/** How a question is named in messages, so a writer can find it in the YAML at once. */
function label(question: Question | FollowUp, parent?: Question): string {
  return parent
    ? `question "${parent.id}" follow-up "${question.id}" (${question.type})`
    : `question "${question.id}" (${question.type})`;
}

function duplicates(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) repeated.add(id);
    seen.add(id);
  }
  return [...repeated];
}

function checkUniqueIds(
  name: string,
  items: readonly { id: string }[],
  kind: string,
  path: (string | number)[],
  issues: QuizIssue[],
): void {
  for (const id of duplicates(items.map((item) => item.id))) {
    issues.push({ path, message: `${name}: duplicate ${kind} id "${id}"` });
  }
}

/** Rules for options: single choice and scenario need exactly one right option, multiple response at least one. */
function checkOptions(
  name: string,
  options: readonly { id: string; correct: boolean }[],
  exactlyOne: boolean,
  path: (string | number)[],
  issues: QuizIssue[],
): void {
  checkUniqueIds(name, options, 'option', [...path, 'options'], issues);
  const correct = options.filter((option) => option.correct).length;
  if (correct === 0) {
    issues.push({ path: [...path, 'options'], message: `${name}: no option is marked correct` });
  } else if (exactlyOne && correct > 1) {
    issues.push({
      path: [...path, 'options'],
      message: `${name}: ${correct} options are marked correct; exactly one must be`,
    });
  }
}

function checkQuestion(
  question: Question | FollowUp,
  path: (string | number)[],
  issues: QuizIssue[],
  parent?: Question,
): void {
  const name = label(question, parent);
  switch (question.type) {
    case 'single-choice':
      checkOptions(name, question.options, true, path, issues);
      break;
    case 'multiple-response':
      checkOptions(name, question.options, false, path, issues);
      break;
    case 'true-false':
      break;
    case 'matching': {
      checkUniqueIds(name, question.targets, 'target', [...path, 'targets'], issues);
      checkUniqueIds(name, question.items, 'item', [...path, 'items'], issues);
      const targets = new Set(question.targets.map((target) => target.id));
      question.items.forEach((item, index) => {
        if (!targets.has(item.target)) {
          issues.push({
            path: [...path, 'items', index, 'target'],
            message: `${name}: item "${item.id}" points at target "${item.target}", which is not one of its targets (${[...targets].join(', ')})`,
          });
        }
      });
      break;
    }
    case 'ordering':
      checkUniqueIds(name, question.steps, 'step', [...path, 'steps'], issues);
      if (question.steps.length < 2) {
        issues.push({
          path: [...path, 'steps'],
          message: `${name}: has ${question.steps.length} step${question.steps.length === 1 ? '' : 's'}; an ordering question needs at least two`,
        });
      }
      break;
    case 'scenario':
      checkOptions(name, question.options, true, path, issues);
      if (question.followUp)
        checkQuestion(question.followUp, [...path, 'followUp'], issues, question);
      break;
  }
}

/**
 * Every rule that needs only the quiz itself, as messages with the path of the offending field.
 * Exported apart from the schema so the rules can be reused on data that is already parsed.
 */
export function quizIssues(quiz: Quiz): QuizIssue[] {
  const issues: QuizIssue[] = [];
  if (!(quiz.masteryScore >= 0 && quiz.masteryScore <= 1)) {
    issues.push({
      path: ['masteryScore'],
      message: `masteryScore ${quiz.masteryScore} is outside 0..1 (0.8 means 80% to pass)`,
    });
  }
  if (quiz.draw !== undefined && quiz.draw > quiz.questions.length) {
    issues.push({
      path: ['draw'],
      message: `draw ${quiz.draw} is larger than the pool of ${quiz.questions.length} question${quiz.questions.length === 1 ? '' : 's'}`,
    });
  }
  // Follow-up ids share the quiz's id space: each one becomes its own xAPI interaction.
  const seen = new Set<string>();
  const claim = (id: string, name: string, path: (string | number)[]) => {
    if (seen.has(id)) issues.push({ path, message: `${name}: duplicate question id "${id}"` });
    seen.add(id);
  };
  quiz.questions.forEach((question, index) => {
    const path = ['questions', index];
    claim(question.id, label(question), [...path, 'id']);
    if (question.type === 'scenario' && question.followUp) {
      claim(question.followUp.id, label(question.followUp, question), [...path, 'followUp', 'id']);
    }
    checkQuestion(question, path, issues);
  });
  return issues;
}

/**
 * The quiz schema plus every rule that needs only the quiz: a content collection using it fails
 * the build with a message naming the question id and the problem.
 */
export const quizDataSchema = quizSchema.superRefine((quiz, ctx) => {
  for (const issue of quizIssues(quiz)) {
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
});

/** The parsed quiz data, as the content collection returns it. */
export type QuizData = z.infer<typeof quizDataSchema>;
