import type { Quiz } from '../schemas/quiz.ts';
import type enQuiz from '../i18n/en/quiz.json';

/** The quiz UI strings: the shape of src/i18n/en/quiz.json, which every language mirrors. */
export type QuizStrings = typeof enQuiz;

/**
 * Props of the quiz island. The full quiz goes to the browser, which suits knowledge checks;
 * graded certification assessments are scored by the service instead.
 */
export interface QuizIslandProps {
  /** The parsed quiz data. */
  quiz: Quiz;
  /** UI strings in the quiz's language. */
  strings: QuizStrings;
  /** Language of the page. */
  lang: 'en' | 'fr';
}

/**
 * Id of the no-JavaScript rendering of a quiz: the island hides that element once it runs, so
 * the page shows one quiz, not two.
 */
export function staticQuizId(quiz: Pick<Quiz, 'id' | 'module'>): string {
  return `cp-quiz-static-${quiz.module}-${quiz.id}`;
}

/** localStorage key holding a quiz's attempt count and unfinished answers. */
export function storageKey(quiz: Pick<Quiz, 'id' | 'module'>): string {
  return `cp-quiz:${quiz.module}:${quiz.id}`;
}

/** A score from 0 to 1 as a whole percentage. */
export function percent(scaled: number): number {
  return Math.round(scaled * 100);
}
